package dev.lifeguard.kubernetes;

/** Lifeguard's words as the Kubernetes API wants them. Stateless. */
final class Words {

    /** Room left for a message: kubectl shows a whole one, and the API server stores it with the object. */
    static final int MESSAGE_CHARS = 1000;

    private Words() {
    }

    /** A cause code in CamelCase, as conditions and Events give their reason: {@code oom_killed} is {@code OomKilled}. */
    static String camel(String code) {
        StringBuilder b = new StringBuilder(code.length());
        boolean upper = true;
        for (char c : code.toCharArray()) {
            if (c == '_' || c == '-' || c == ' ') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    static String cut(String message) {
        return message.length() <= MESSAGE_CHARS ? message : message.substring(0, MESSAGE_CHARS - 1) + "…";
    }
}
