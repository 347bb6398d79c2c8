package dev.lifeguard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * A real gRPC server (grpc-java over Netty: HTTP/2 only, as gRPC servers are) on 127.0.0.1, with the standard health
 * service or without any service. Its services' health is set by the test. Close it to stop it.
 */
public final class HealthServer implements AutoCloseable {

    private final Server server;
    private final HealthStatusManager health;

    private HealthServer(Server server, HealthStatusManager health) {
        this.server = server;
        this.health = health;
    }

    /** As a process of its own, for bench/grpc.sh: {@code HealthServer PORT} serves the health service in clear text, SERVING. */
    public static void main(String[] args) throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])),
                InsecureServerCredentials.create()).addService(health.getHealthService()).build().start();
        System.out.println("health-server: serving on 127.0.0.1:" + server.getPort());
        server.awaitTermination();
    }

    /** In clear text (h2c), with the health service: the server as a whole ("") is SERVING. */
    public static HealthServer start() {
        return start(InsecureServerCredentials.create(), true);
    }

    /** In clear text, with no service at all: every call is UNIMPLEMENTED. */
    public static HealthServer withoutHealthService() {
        return start(InsecureServerCredentials.create(), false);
    }

    /** Over TLS with the given certificate, with the health service. */
    public static HealthServer tls(SelfSigned certificate) {
        try (InputStream in = Files.newInputStream(certificate.keystore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, SelfSigned.PASSWORD.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, SelfSigned.PASSWORD.toCharArray());
            return start(TlsServerCredentials.newBuilder().keyManager(keys.getKeyManagers()).build(), true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HealthServer start(ServerCredentials credentials, boolean withHealth) {
        HealthStatusManager health = new HealthStatusManager();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials);
        if (withHealth) {
            builder.addService(health.getHealthService());
        }
        try {
            return new HealthServer(builder.build().start(), health);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Sets what the health service answers for {@code service} ("" is the server as a whole). */
    public void status(String service, ServingStatus status) {
        health.setStatus(service, status);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
