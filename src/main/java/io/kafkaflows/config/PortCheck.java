package io.kafkaflows.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Refuses, before anything starts, a port another process already listens on: one line naming the key, the port and
 * what to do, instead of a server that silently did not start or a stack trace from deep inside a start-up.
 */
public final class PortCheck {

    private PortCheck() {
    }

    /** {@code port} 0 (pick a free one) always passes. */
    public static void requireFree(String key, String host, int port, String hint) {
        if (port <= 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigurationRefusedException(key + "=" + port + ": the port is already in use on " + host
                    + " (" + e.getMessage() + "); " + hint);
        }
    }
}
