package dev.lifeguard.probe;

/**
 * What an upstream or a check command wrote, made fit for one log line and a load balancer's stats page: whitespace
 * runs (line and paragraph separators included) become one space, and control and format characters (terminal
 * escapes, NEL, bidirectional overrides) become {@code ?}, so that no answer can move a cursor, forge a log line or
 * reorder text. Stateless.
 */
final class Printable {

    private Printable() {
    }

    static String line(String text) {
        StringBuilder b = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                space = b.length() > 0;
                continue;
            }
            if (space) {
                b.append(' ');
                space = false;
            }
            int type = Character.getType(c);
            boolean unfit = Character.isISOControl(c) || type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.SURROGATE;
            b.append(unfit ? "?" : new String(Character.toChars(c)));
        }
        return b.toString();
    }
}
