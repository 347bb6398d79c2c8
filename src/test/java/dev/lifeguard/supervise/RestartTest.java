package dev.lifeguard.supervise;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.probe.Cause;

/** A restart record keeps what the process wrote within a bound, its newest lines: fifty of them make a status page, not megabytes. */
class RestartTest {

    @Test
    void keepsTheNewestOutputWithinItsBoundAndSaysWhatItLeftOut() {
        List<String> output = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            output.add("stderr: line " + i + " " + "x".repeat(4000));
        }
        Restart r = new Restart(Instant.EPOCH, 42, Cause.CRASHED, "crashed", "read it", List.of(), output, -1);
        int bytes = r.output().stream().mapToInt(l -> l.getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(bytes, lessThanOrEqualTo(Restart.OUTPUT_BYTES + 100));
        assertEquals(output.get(39), r.output().get(r.output().size() - 1), "the newest line is kept");
        assertThat(r.output().get(0), org.hamcrest.Matchers.startsWith("(36 earlier lines left out"));
        Restart small = new Restart(Instant.EPOCH, 42, Cause.CRASHED, "crashed", "read it", List.of(), List.of("stdout: hello"), -1);
        assertEquals(List.of("stdout: hello"), small.output());
    }
}
