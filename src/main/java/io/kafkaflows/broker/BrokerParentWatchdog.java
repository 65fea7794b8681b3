package io.kafkaflows.broker;

import java.io.InputStream;

/**
 * Entry point of the broker JVM: runs {@code kafka.Kafka} and exits when the launching process goes away.
 * The launcher keeps the broker's stdin open; when the launcher dies (even by SIGKILL) the pipe closes, this
 * reads end-of-file and the broker shuts down, so no broker is left orphaned. Uses only JDK classes: it is
 * copied alone onto the broker's classpath by {@link KafkaBrokerLauncher}.
 */
public final class BrokerParentWatchdog {

    private BrokerParentWatchdog() {
    }

    public static void main(String[] args) throws Exception {
        Thread watcher = new Thread(BrokerParentWatchdog::exitWhenStdinCloses, "parent-watchdog");
        watcher.setDaemon(true);
        watcher.start();
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
    }

    private static void exitWhenStdinCloses() {
        InputStream in = System.in;
        try {
            byte[] buffer = new byte[64];
            while (in.read(buffer) >= 0) {
                // the launcher never writes; anything read is ignored
            }
        } catch (Exception ignored) {
            // a broken pipe means the parent is gone, same as end-of-file
        }
        System.err.println("[parent-watchdog] launching process is gone; stopping the broker");
        Thread halter = new Thread(() -> {
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            Runtime.getRuntime().halt(2);
        }, "parent-watchdog-halt");
        halter.setDaemon(true);
        halter.start();
        System.exit(0);
    }
}
