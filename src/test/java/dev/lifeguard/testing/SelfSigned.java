package dev.lifeguard.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made by the JDK's own keytool in a temporary directory: the
 * server's PKCS12 keystore and the certificate in PEM for a client's CA file. Delete it with {@link #close()}.
 */
public final class SelfSigned implements AutoCloseable {

    public static final String PASSWORD = "secret";

    private final Path dir;

    private SelfSigned(Path dir) {
        this.dir = dir;
    }

    public static SelfSigned create() throws Exception {
        SelfSigned s = new SelfSigned(Files.createTempDirectory("lifeguard-tls"));
        keytool("-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", s.keystore().toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "localhost", "-keystore", s.keystore().toString(), "-storepass", PASSWORD,
                "-file", s.certificate().toString());
        return s;
    }

    /** The server's key and certificate, PKCS12, protected by {@link #PASSWORD}. */
    public Path keystore() {
        return dir.resolve("server.p12");
    }

    /** The certificate in PEM, the CA file a client trusts. */
    public Path certificate() {
        return dir.resolve("ca.pem");
    }

    @Override
    public void close() {
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        } catch (Exception e) {
            // a temp dir left behind
        }
        dir.toFile().delete();
    }

    private static void keytool(String... args) throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        List<String> cmd = new ArrayList<>(List.of(java.resolveSibling("keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}
