package dev.lifeguard.probe;

import java.net.InetAddress;

import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Resolves a host name with the system resolver (as the upstream's clients would), off the event loop, so a probe can
 * tell a slow or failing lookup from a slow connect. Thread-safe.
 */
final class Resolver {

    private final Vertx vertx;

    Resolver(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Where a host name led, for the evidence of a connection that failed: {@code " (db resolved to 10.0.0.5)"}, or
     * nothing for an address literal or before it resolved. A name that resolves where nothing answers is no DNS failure.
     */
    static String resolvedTo(String host, InetAddress address) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (address == null || NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare)) {
            return "";
        }
        return " (" + bare + " resolved to " + address.getHostAddress() + ")";
    }

    Future<InetAddress> resolve(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare)) {
            try {
                return Future.succeededFuture(InetAddress.getByAddress(bare, NetUtil.createByteArrayFromIpAddressString(bare)));
            } catch (java.net.UnknownHostException impossible) {
                return Future.failedFuture(impossible);
            }
        }
        return vertx.executeBlocking(() -> InetAddress.getByName(bare), false);
    }
}
