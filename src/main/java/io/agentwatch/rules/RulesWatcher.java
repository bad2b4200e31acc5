package io.agentwatch.rules;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the rules when their file changes: watches the file's directory (editors replace files
 * rather than write them in place, and Kubernetes swaps a ConfigMap's symbolic link), waits for
 * the writes to settle, then reloads. A file that fails to load is logged with every problem and
 * the previous rules stay.
 */
public final class RulesWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RulesWatcher.class);
    /** Writes of one save arrive as several events: reload once they stop for this long. */
    private static final long SETTLE_MS = 300;

    private final WatchService watcher;
    private final Thread thread;

    private RulesWatcher(Rules rules, WatchService watcher) {
        this.watcher = watcher;
        this.thread = new Thread(() -> watch(rules), "agentwatch-rules-watch");
        this.thread.setDaemon(true);
    }

    /** Starts watching the rules' file; null when there is no file. */
    public static RulesWatcher start(Rules rules) throws IOException {
        if (rules.file() == null) {
            return null;
        }
        Path dir = rules.file().toAbsolutePath().getParent();
        WatchService w = FileSystems.getDefault().newWatchService();
        dir.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        RulesWatcher watcher = new RulesWatcher(rules, w);
        watcher.thread.start();
        return watcher;
    }

    private void watch(Rules rules) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean relevant = drain(key, rules.file().getFileName());
                // Settle: more events of the same save may follow.
                WatchKey more;
                while ((more = watcher.poll(SETTLE_MS, TimeUnit.MILLISECONDS)) != null) {
                    relevant |= drain(more, rules.file().getFileName());
                }
                if (relevant) {
                    reload(rules);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed
        }
    }

    /**
     * Whether the events may concern the file: they name it, or events were lost, or a Kubernetes
     * ConfigMap swapped its data directory (its "..data" link), which changes the file without naming it.
     */
    private static boolean drain(WatchKey key, Path name) {
        boolean relevant = false;
        for (WatchEvent<?> e : key.pollEvents()) {
            Object context = e.context();
            relevant |= e.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(context)
                    || (context instanceof Path p && p.toString().startsWith(".."));
        }
        key.reset();
        return relevant;
    }

    private static void reload(Rules rules) {
        try {
            int n = rules.reload();
            LOG.info("rules reloaded from {} after a change: {} rules in force", rules.file(), n);
        } catch (RulesFileException e) {
            LOG.error("{}; the previous rules stay in force", e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the rules watch: {}", e.toString());
        }
        thread.interrupt();
    }
}
