package io.agentwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.config.AgentwatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class RulesWatcherTest {
    private static final String RULE = "  - {id: %s, severity: LOW, action: ALERT, tags: [maestro:L7], condition: '%s'}\n";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldReloadWhenTheFileIsReplacedAndKeepTheRulesWhenTheNewFileIsInvalid() throws Exception {
        // given rules loaded from a file, watched
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, "rules:\n" + RULE.formatted("one", "true"));
        Rules rules = Rules.fromConfig(new AgentwatchConfig(Map.of(AgentwatchConfig.RULES_FILE, file.toString())));
        List<String> events = new ArrayList<>();
        rules.listen(new Rules.Listener() {
            @Override
            public synchronized void reloaded(Path f, int n) {
                events.add("reloaded " + n);
            }

            @Override
            public synchronized void rejected(Path f, List<String> problems) {
                events.add("rejected " + problems.size());
            }
        });
        try (RulesWatcher watcher = RulesWatcher.start(rules)) {
            // when an editor saves a new version (written beside, then moved over the file)
            Path tmp = dir.resolve(".rules.yaml.swp");
            Files.writeString(tmp, "rules:\n" + RULE.formatted("one", "true") + RULE.formatted("two", "true"));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            // then the new rules are in force
            await(() -> rules.current().size() == 2);

            // when a broken version is saved
            Files.writeString(file, "rules:\n" + RULE.formatted("three", "call.nothing"));

            // then it is refused and the two rules stay
            await(() -> events.contains("rejected 1"));
            assertThat(rules.current().rules()).extracting(Rule::id).containsExactly("one", "two");
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(50);
        }
    }
}
