package io.agentwatch.embedded;

import org.slf4j.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the child JVM started by {@link EmbeddedKafkaBroker}: formats the storage of a
 * fresh single-node KRaft cluster, then runs {@code kafka.Kafka} on the same properties file.
 *
 * <p>Formatting here rather than in a JVM of its own saves a second JVM start and a second load
 * of the broker's classes (about a second on a small machine). Storage is formatted in
 * {@code --standalone} mode: the node is the only voter of its controller quorum.
 *
 * <p>The child also watches its parent. A shutdown hook in the parent covers Ctrl-C and normal
 * exits, but not {@code kill -9} (an IDE's stop button, a build tool's fork timeout); then the
 * broker notices that its parent is gone and stops itself instead of holding ports and CPU.
 *
 * <p>It ignores SIGINT. A terminal's Ctrl-C goes to every process of the foreground group, this
 * child included, and a broker that stopped at once would leave the parent's clients (the
 * detector, mid-commit) retrying a dead broker until their timeouts. The parent stops the
 * broker after its clients, with SIGTERM.
 *
 * <p>Storage that is already formatted (a restart of the same broker) is kept as it is.
 *
 * <p>Arguments: {@code <server.properties> <cluster id>}.
 */
public final class KafkaBrokerMain {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerMain.class);

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            LOG.error("usage: KafkaBrokerMain <server.properties> <cluster id>");
            System.exit(2);
        }
        String propertiesFile = args[0];
        String clusterId = args[1];
        stopWhenParentExits();
        Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        int formatExit = format(propertiesFile, clusterId);
        if (formatExit != 0) {
            System.exit(formatExit);
        }
        kafka.Kafka.main(new String[] {propertiesFile});
    }

    private static int format(String propertiesFile, String clusterId) {
        String[] formatArgs = {"format", "--standalone", "--ignore-formatted", "--cluster-id", clusterId,
            "--config", propertiesFile};
        try {
            // Progress goes to stdout, which is the broker log.
            int exit = kafka.tools.StorageTool.execute(formatArgs, System.out);
            if (exit != 0) {
                LOG.error("formatting the broker storage failed with exit code {}", exit);
            }
            return exit;
        } catch (RuntimeException e) {
            LOG.error("formatting the broker storage failed", e);
            return 1;
        }
    }

    private static void stopWhenParentExits() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            LOG.warn("parent process {} exited without stopping the broker; shutting down", parent.pid());
            // exit (not halt) so that Kafka's own shutdown hook closes the logs cleanly.
            System.exit(0);
        }));
    }
}
