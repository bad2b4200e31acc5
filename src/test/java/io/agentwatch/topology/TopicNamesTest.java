package io.agentwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.ApprovalDecision;
import io.agentwatch.avro.BaselineReset;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FindingFeedback;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.TokenRevoked;
import io.agentwatch.avro.ToolCall;
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

    @Test
    void shouldNameTheInputTopicOfEveryInputEventAndRefuseAnOutput() {
        TopicNames names = TopicNames.defaults().withPrefix("t2.");

        assertThat(names.inputOf(new ToolCall())).isEqualTo(names.toolCalls());
        assertThat(names.inputOf(new TokenIssued())).isEqualTo(names.tokenIssuances());
        assertThat(names.inputOf(new TokenRevoked())).isEqualTo(names.tokenRevocations());
        assertThat(names.inputOf(new BaselineReset())).isEqualTo(names.baselineResets());
        assertThat(names.inputOf(new ApprovalDecision())).isEqualTo(names.approvals());
        assertThat(names.inputOf(new FindingFeedback())).isEqualTo(names.findingFeedback());
        assertThatThrownBy(() -> names.inputOf(new Finding())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Finding");
    }
}
