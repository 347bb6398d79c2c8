package dev.lifeguard.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.lifeguard.report.AdminAccess.Decision;

/**
 * The one access rule of the status page's output and the admin endpoints: the admin token, or a request from loopback
 * unless {@code lifeguard.admin.loopback-trusted=false}; a token presented is judged alone, from any address.
 */
class AdminAccessTest {

    private static final String TOKEN = "0123456789abcdef-token";

    @ParameterizedTest(name = "token {0}, loopback trusted {1}: {2} with ''{3}'' is {4}")
    @CsvSource(delimiter = '|', textBlock = """
            set   | true  | 127.0.0.1        |                                     | LOOPBACK
            set   | true  | 127.8.9.10       |                                     | LOOPBACK
            set   | true  | ::1              |                                     | LOOPBACK
            set   | true  | 0:0:0:0:0:0:0:1  |                                     | LOOPBACK
            set   | true  | ::ffff:127.0.0.1 |                                     | LOOPBACK
            set   | true  | 192.0.2.2        |                                     | NO_TOKEN
            set   | true  | fd00::2          |                                     | NO_TOKEN
            set   | true  | ::ffff:192.0.2.2 |                                     | NO_TOKEN
            set   | true  |                  |                                     | NO_TOKEN
            set   | true  | localhost        |                                     | NO_TOKEN
            set   | true  | 192.0.2.2        | Bearer 0123456789abcdef-token       | TOKEN
            set   | true  | 192.0.2.2        | bearer   0123456789abcdef-token     | TOKEN
            set   | true  | 127.0.0.1        | Bearer 0123456789abcdef-token       | TOKEN
            set   | true  | 192.0.2.2        | Bearer 0123456789abcdef-tokeN       | WRONG_TOKEN
            set   | true  | 192.0.2.2        | Bearer 0123456789abcdef-token-more  | WRONG_TOKEN
            set   | true  | 127.0.0.1        | Bearer wrong-token-wrong-token      | WRONG_TOKEN
            set   | true  | 127.0.0.1        | Basic YWRtaW46aHVudGVyMg==          | WRONG_TOKEN
            set   | true  | 127.0.0.1        | Bearer                              | WRONG_TOKEN
            set   | false | 127.0.0.1        |                                     | NO_TOKEN
            set   | false | ::1              |                                     | NO_TOKEN
            set   | false | 127.0.0.1        | Bearer 0123456789abcdef-token       | TOKEN
            none  | true  | 127.0.0.1        |                                     | LOOPBACK
            none  | true  | 192.0.2.2        |                                     | DISABLED
            none  | true  | 127.0.0.1        | Bearer anything-at-all-here         | DISABLED
            none  | false | 127.0.0.1        |                                     | DISABLED
            none  | false | 192.0.2.2        | Bearer anything-at-all-here         | DISABLED
            """)
    void decides(String token, boolean loopbackTrusted, String address, String authorization, Decision expected) {
        AdminAccess access = new AdminAccess("set".equals(token) ? Optional.of(TOKEN) : Optional.empty(), loopbackTrusted);
        assertEquals(expected, access.decide(address, authorization));
    }

    @Test
    void anAddressThatSendsTenWrongTokensInAMinuteIsRefusedUntilTheMinuteIsOver() {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
                java.time.Instant.parse("2026-11-30T10:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return now.get();
            }
        };
        AdminAccess access = new AdminAccess(Optional.of(TOKEN), true, clock);
        for (int i = 0; i < 10; i++) {
            assertEquals(Decision.WRONG_TOKEN, access.decide("192.0.2.9", "Bearer guess-" + i));
        }
        // No more guesses from there this minute, not even the right one: a guesser cannot tell.
        assertEquals(Decision.THROTTLED, access.decide("192.0.2.9", "Bearer " + TOKEN));
        assertEquals(Decision.TOKEN, access.decide("192.0.2.10", "Bearer " + TOKEN), "another address is not held back");
        now.set(now.get().plusSeconds(61));
        assertEquals(Decision.TOKEN, access.decide("192.0.2.9", "Bearer " + TOKEN));
    }
}
