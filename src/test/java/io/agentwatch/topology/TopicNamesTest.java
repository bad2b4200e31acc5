package io.agentwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.config.AgentwatchConfig;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @Test
    void shouldReadBackFromConfigTheNamesItWritesToConfig() {
        // given
        TopicNames names = TopicNames.defaults().withPrefix("t1.");

        // when
        TopicNames read = TopicNames.from(new AgentwatchConfig(names.toConfig()));

        // then
        assertThat(read).isEqualTo(names);
        assertThat(read.toolCalls()).isEqualTo("t1.agent.tool-calls");
    }
}
