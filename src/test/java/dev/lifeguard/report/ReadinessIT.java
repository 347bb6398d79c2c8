package dev.lifeguard.report;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same exchanges against the packaged application (the jar, or the native executable with -Dnative). */
@QuarkusIntegrationTest
class ReadinessIT extends ReadinessTest {
}
