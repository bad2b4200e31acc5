package io.agentwatch.observe;

import io.agentwatch.topology.DetectionObserver;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.avro.Finding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeObserverTest {

    @Test
    void shouldHandEveryCallbackToEveryObserverInOrder() {
        List<String> calls = new ArrayList<>();
        DetectionObserver composite = CompositeObserver.of(recorder("a", calls), recorder("b", calls));

        composite.eventIn("tool_call");
        composite.finding(Fixtures.finding());
        composite.storeEntries("0_1", "tokens", 3);

        assertThat(calls).containsExactly("a:event tool_call", "b:event tool_call", "a:finding", "b:finding",
                "a:store 0_1 tokens 3", "b:store 0_1 tokens 3");
    }

    @Test
    void shouldGoOnWithTheOtherObserversWhenOneThrows() {
        List<String> calls = new ArrayList<>();
        DetectionObserver broken = new DetectionObserver() {
            @Override
            public void finding(Finding finding) {
                throw new IllegalStateException("broken observer");
            }
        };
        DetectionObserver composite = CompositeObserver.of(broken, recorder("b", calls));

        composite.finding(Fixtures.finding());
        composite.finding(Fixtures.finding());

        assertThat(calls).containsExactly("b:finding", "b:finding");
    }

    private static DetectionObserver recorder(String name, List<String> calls) {
        return new DetectionObserver() {
            @Override
            public void eventIn(String type) {
                calls.add(name + ":event " + type);
            }

            @Override
            public void finding(Finding finding) {
                calls.add(name + ":finding");
            }

            @Override
            public void storeEntries(String taskId, String store, long entries) {
                calls.add(name + ":store " + taskId + " " + store + " " + entries);
            }
        };
    }
}
