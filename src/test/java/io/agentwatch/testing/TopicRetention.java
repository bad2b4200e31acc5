package io.agentwatch.testing;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/** Test traces are old (the examples and the simulator's default start are in January 2026). */
public final class TopicRetention {
    private TopicRetention() {
    }

    /**
     * Turns time-based retention off for {@code topics}: records stamped with an old event time,
     * and what agentwatch publishes for them (event time too), would be deleted by the broker's
     * default 7-day retention at once.
     */
    public static void keepForever(Admin admin, Collection<String> topics) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (String topic : topics) {
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "-1"), AlterConfigOp.OpType.SET)));
        }
        try {
            admin.incrementalAlterConfigs(ops).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot set the retention of " + topics, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the retention of " + topics, e);
        }
    }
}
