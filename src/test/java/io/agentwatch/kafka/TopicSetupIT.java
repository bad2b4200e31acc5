package io.agentwatch.kafka;

import io.agentwatch.topology.TopicNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.testing.KafkaBrokerExtension.BootstrapServers;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicSetupIT {
    private Admin admin;
    private TopicNames names;

    @BeforeEach
    void connect(@BootstrapServers String bootstrap) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        names = TopicNames.defaults().withPrefix(KafkaBrokerExtension.uniqueName("setup") + ".");
    }

    @AfterEach
    void disconnect() {
        admin.close();
    }

    @Test
    void shouldCreateAllTopicsWithOnePartitionCountAndACompactedTokenIndex() throws Exception {
        // when
        List<String> created = TopicSetup.createTopics(admin, names, 3, (short) 1);

        // then
        assertThat(created).containsExactlyInAnyOrderElementsOf(allTopics());
        assertThat(partitionCounts(allTopics())).allSatisfy((topic, partitions) -> assertThat(partitions).isEqualTo(3));
        assertThat(cleanupPolicy(names.tokenIndex())).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(cleanupPolicy(names.findings())).isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
        assertThatCode(() -> TopicSetup.verifyInputs(admin, names.inputs())).doesNotThrowAnyException();
    }

    @Test
    void shouldLeaveExistingTopicsAsTheyAre() {
        // given
        TopicSetup.createTopics(admin, names, 2, (short) 1);

        // when
        List<String> createdAgain = TopicSetup.createTopics(admin, names, 4, (short) 1);

        // then
        assertThat(createdAgain).isEmpty();
        assertThat(partitionCounts(allTopics())).allSatisfy((topic, partitions) -> assertThat(partitions).isEqualTo(2));
    }

    @Test
    void shouldGiveMissingInputsThePartitionCountOfExistingInputs() {
        // given
        KafkaBrokerExtension.createTopics(new NewTopic(names.toolCalls(), 4, (short) 1));

        // when
        TopicSetup.createTopics(admin, names, 2, (short) 1);

        // then
        assertThat(partitionCounts(names.inputs())).containsOnlyKeys(names.inputs()).allSatisfy(
                (topic, partitions) -> assertThat(partitions).isEqualTo(4));
        assertThat(partitionCounts(List.of(names.findings())).get(names.findings())).isEqualTo(2);
    }

    @Test
    void shouldRejectInputsThatAreNotCoPartitioned() {
        // given
        KafkaBrokerExtension.createTopics(
                new NewTopic(names.toolCalls(), 6, (short) 1),
                new NewTopic(names.tokenIssuances(), 3, (short) 1),
                new NewTopic(names.tokenRevocations(), 6, (short) 1),
                new NewTopic(names.baselineResets(), 6, (short) 1),
                new NewTopic(names.approvals(), 6, (short) 1),
                new NewTopic(names.findingFeedback(), 6, (short) 1));

        // when / then
        assertThatThrownBy(() -> TopicSetup.verifyInputs(admin, names.inputs()))
                .isInstanceOf(InputTopicsException.class)
                .hasMessageStartingWith("input topic " + names.tokenIssuances() + " has 3 partitions but "
                        + names.toolCalls() + " has 6: inputs must be co-partitioned (same partition count) "
                        + "because all events of one agent must meet in one task")
                .hasMessageContaining("kafka-topics.sh --alter --topic " + names.tokenIssuances() + " --partitions 6");
    }

    @Test
    void shouldRejectAMissingInputAndSayHowManyPartitionsToCreate() {
        // given
        KafkaBrokerExtension.createTopics(
                new NewTopic(names.toolCalls(), 2, (short) 1),
                new NewTopic(names.tokenIssuances(), 2, (short) 1),
                new NewTopic(names.baselineResets(), 2, (short) 1),
                new NewTopic(names.approvals(), 2, (short) 1),
                new NewTopic(names.findingFeedback(), 2, (short) 1));

        // when / then
        assertThatThrownBy(() -> TopicSetup.verifyInputs(admin, names.inputs()))
                .isInstanceOf(InputTopicsException.class)
                .hasMessageStartingWith("input topic " + names.tokenRevocations() + " does not exist: create it with "
                        + "2 partitions, like " + names.toolCalls() + ", " + names.tokenIssuances() + ", "
                        + names.baselineResets() + ", " + names.approvals() + ", " + names.findingFeedback());
    }

    @Test
    void shouldRejectInputsWhenNoneExist() {
        assertThatThrownBy(() -> TopicSetup.verifyInputs(admin, names.inputs()))
                .isInstanceOf(InputTopicsException.class)
                .hasMessageStartingWith("input topics " + String.join(", ", names.inputs()) + " do not exist")
                .hasMessageContaining("or correct the topic names in the configuration");
    }

    private List<String> allTopics() {
        return List.of(names.toolCalls(), names.tokenIssuances(), names.tokenRevocations(), names.baselineResets(),
                names.approvals(), names.findingFeedback(), names.findings(), names.revokeCommands(), names.tokenIndex(),
                names.deadLetters());
    }

    private Map<String, Integer> partitionCounts(Collection<String> topics) {
        try {
            return admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .collect(Collectors.toMap(TopicDescription::name, description -> description.partitions().size()));
        } catch (Exception e) {
            throw new AssertionError("cannot describe " + topics, e);
        }
    }

    private String cleanupPolicy(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    }
}
