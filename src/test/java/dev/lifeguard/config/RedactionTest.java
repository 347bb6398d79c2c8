package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.TestConfig;

/** Secret-looking values in command lines and URLs are masked wherever Lifeguard prints them; the rest is left as written. */
class RedactionTest {

    /** One argv per row, arguments separated by {@code |}: as given, then as printed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            app|--db-password=hunter2                           ; app|--db-password=***
            app|--password|hunter2|--port|8080                  ; app|--password|***|--port|8080
            app|--token|abc123                                  ; app|--token|***
            app|-token|abc123                                   ; app|-token|***
            java|-Dapi.key=abc|-jar|app.jar                     ; java|-Dapi.key=***|-jar|app.jar
            java|-Dkey=abc|-Dserver.port=8080                   ; java|-Dkey=***|-Dserver.port=8080
            env|PASSWORD=x|DB_USER=app|app                      ; env|PASSWORD=***|DB_USER=app|app
            app|--client-secret=s|--apiKey=k|--api_key=k2       ; app|--client-secret=***|--apiKey=***|--api_key=***
            app|--aws-secret-access-key|AKIA|--region|eu        ; app|--aws-secret-access-key|***|--region|eu
            app|--sig=abc|--signing-key=k|--signal=TERM         ; app|--sig=***|--signing-key=***|--signal=TERM
            app|--pw=x|--db-pass=y|--passphrase=z               ; app|--pw=***|--db-pass=***|--passphrase=***
            app|--auth-token=t|--credentials=c|--keep-alive=30  ; app|--auth-token=***|--credentials=***|--keep-alive=30
            app|--monkey=banana|--keyboard=us|--hotkey=F1       ; app|--monkey=banana|--keyboard=us|--hotkey=F1
            curl|-H|Authorization: Bearer abc|http://x/         ; curl|-H|Authorization: ***|http://x/
            curl|-H|X-Api-Key: abc|-H|Accept: text/plain        ; curl|-H|X-Api-Key: ***|-H|Accept: text/plain
            app|--db=postgres://app:hunter2@db:5432/app         ; app|--db=postgres://***@db:5432/app
            app|jdbc:postgresql://db/app?user=a&password=p      ; app|jdbc:postgresql://db/app?user=a&password=***
            app|--url=https://h/o?X-Amz-Signature=ab&X-Amz-Date=1 ; app|--url=https://h/o?X-Amz-Signature=***&X-Amz-Date=1
            python3|-m|http.server|8080                         ; python3|-m|http.server|8080
            app|--token                                         ; app|--token
            app|--password|--verbose                            ; app|--password|--verbose
            """)
    void masksSecretLookingArgumentValues(String given, String printed) {
        assertEquals(argv(printed), Redaction.argv(argv(given)));
        assertEquals(String.join(" ", argv(printed)), Redaction.commandLine(argv(given)));
    }

    private static List<String> argv(String row) {
        return Arrays.asList(row.strip().split("\\|", -1));
    }

    /** A command line read whole (from /proc/PID/cmdline, arguments joined by spaces), as given, then as printed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " -> ", textBlock = """
            java -Dapi.key=abc -jar app.jar --db-password=hunter2 -> java -Dapi.key=*** -jar app.jar --db-password=***
            app --token abc123 --port 8080 -> app --token *** --port 8080
            curl -H Authorization: Bearer abc -fsS http://x/ -> curl -H Authorization: *** *** -fsS http://x/
            sh -c sleep 200 -> sh -c sleep 200
            """)
    void masksACommandLineReadWhole(String given, String printed) {
        assertEquals(printed, Redaction.commandLine(given));
    }

    /** A URL as given, then as printed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " -> ", textBlock = """
            http://admin:hunter2@127.0.0.1:8080/health -> http://***@127.0.0.1:8080/health
            http://127.0.0.1/h?token=abc&x=1 -> http://127.0.0.1/h?token=***&x=1
            http://127.0.0.1/h?x=1&access_token=abc#top -> http://127.0.0.1/h?x=1&access_token=***#top
            https://acct.blob/c?sv=2022&sig=abc%2Bdef&se=2030 -> https://acct.blob/c?sv=2022&sig=***&se=2030
            http://127.0.0.1/h?pw=x&user=me -> http://127.0.0.1/h?pw=***&user=me
            https://b.s3/o?X-Amz-Credential=AK&X-Amz-Signature=f00&X-Amz-Expires=60 -> https://b.s3/o?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Expires=60
            http://127.0.0.1/h?api_key=k&apikey=k&key=k&monkey=1 -> http://127.0.0.1/h?api_key=***&apikey=***&key=***&monkey=1
            jdbc:sqlserver://db;user=a;password=p;encrypt=true -> jdbc:sqlserver://db;user=a;password=***;encrypt=true
            http://u:p%20ss@127.0.0.1:70000/ -> http://***@127.0.0.1:70000/
            http://127.0.0.1:8080/health -> http://127.0.0.1:8080/health
            tcp://127.0.0.1:5432 -> tcp://127.0.0.1:5432
            """)
    void masksUserInfoAndSecretLookingQueryValues(String given, String printed) {
        assertEquals(printed, Redaction.url(given));
    }

    @Test
    void anExecCheckIsDescribedWithItsSecretsMasked() {
        Target exec = new Target.Exec(List.of("curl", "-fsS", "-H", "Authorization: Bearer abc", "--user-password=pw", "http://127.0.0.1:8080/"));
        assertEquals("exec curl -fsS -H Authorization: *** --user-password=*** http://127.0.0.1:8080/", exec.describe());
    }

    @Test
    void theEffectiveSettingsMaskSignaturesAndPasswordsInUrls() {
        List<String> lines = Settings.effective(TestConfig.config(Map.of(),
                "lifeguard.upstream.url", "https://127.0.0.1:8443/h?sig=abc&pw=def&X-Amz-Signature=f00",
                "lifeguard.checks.db.exec", "pg_isready,--password=hunter2"));
        assertThat(String.join("\n", lines), allOf(containsString("lifeguard.upstream.url=https://127.0.0.1:8443/h?sig=***&pw=***&X-Amz-Signature=***"),
                containsString("lifeguard.checks.db.exec=pg_isready,--password=***"), not(containsString("hunter2")),
                not(containsString("abc")), not(containsString("def")), not(containsString("f00"))));
    }

    @Test
    void configurationErrorsMaskTheUrlsTheyPrint() {
        for (String url : List.of("http://admin:hunter2@127.0.0.1:80 80/?token=abc", "ftp://admin:hunter2@127.0.0.1/?token=abc",
                "http://admin:hunter2@:8080/?token=abc", "tcp://admin:hunter2@127.0.0.1")) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> CheckSpecs.from(TestConfig.of("lifeguard.upstream.url", url)));
            assertThat(url, e.getMessage(), allOf(containsString("lifeguard.upstream.url"), not(containsString("hunter2")), not(containsString("abc"))));
        }
        InvalidConfigException unknown = assertThrows(InvalidConfigException.class,
                () -> Settings.check(TestConfig.config(Map.of(), "lifeguard.upstream.urll", "http://admin:hunter2@127.0.0.1/?sig=abc")));
        assertThat(unknown.getMessage(), allOf(containsString("did you mean lifeguard.upstream.url?"), not(containsString("hunter2")),
                not(containsString("abc"))));
        List<String> warnings = Settings.check(TestConfig.config(Map.of("LIFEGUARD_UPSTREAM_URLL", "http://admin:hunter2@127.0.0.1/?sig=abc")));
        assertThat(String.join("\n", warnings), allOf(containsString("LIFEGUARD_UPSTREAM_URLL="), not(containsString("hunter2")), not(containsString("abc"))));
    }
}
