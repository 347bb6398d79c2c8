package dev.lifeguard.testing;

import java.util.HashMap;
import java.util.Map;

import dev.lifeguard.config.LifeguardConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Configuration as a user writes it ({@code key, value, key, value...}), through the real SmallRye mapping. */
public final class TestConfig {

    private TestConfig() {
    }

    public static LifeguardConfig of(String... keyValues) {
        return config(Map.of(), keyValues).getConfigMapping(LifeguardConfig.class);
    }

    /** The whole configuration: {@code env} as environment variables, {@code keyValues} as a properties file. */
    public static SmallRyeConfig config(Map<String, String> env, String... keyValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new SmallRyeConfigBuilder().withMapping(LifeguardConfig.class).withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(props, "test", 100), new EnvConfigSource(env, 300)).build();
    }
}
