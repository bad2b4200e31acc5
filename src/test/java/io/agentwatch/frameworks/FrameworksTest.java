package io.agentwatch.frameworks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.FrameworkReference;
import io.agentwatch.replay.Replayer;
import io.agentwatch.testing.TraceReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FrameworksTest {
    /** A rule name as the detectors, the processor and the responder spell it in a string literal. */
    private static final Pattern RULE = Pattern.compile(
            "\"((?:token|scope|boundary|probing|delegation|drift|chain|rate|revoke|session|intent|approval)\\.[a-z_]+)\"");

    @Test
    void shouldHaveARowForEveryRuleTheDetectorsRaise() throws IOException {
        // given every rule name in the sources of the detectors, the processor and the responder
        Set<String> rules = new TreeSet<>();
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("src/main/java/io/agentwatch/detect")),
                Stream.of(Path.of("src/main/java/io/agentwatch/topology/AgentMonitor.java"),
                        Path.of("src/main/java/io/agentwatch/respond/Responder.java")))) {
            for (Path f : files.toList()) {
                Matcher m = RULE.matcher(Files.readString(f));
                while (m.find()) {
                    rules.add(m.group(1));
                }
            }
        }

        // then each has a row with an item of each framework it can be mapped to
        assertThat(rules).hasSizeGreaterThanOrEqualTo(20);
        assertThat(Frameworks.mappedRules()).containsAll(rules);
        rules.forEach(r -> assertThat(Frameworks.forRule(r)).as(r)
                .anySatisfy(i -> assertThat(i.framework()).isEqualTo(Frameworks.NIST_AI_RMF))
                .anySatisfy(i -> assertThat(i.framework()).isEqualTo(Frameworks.MAESTRO)));
    }

    @Test
    void shouldReadTheTagsOfEachFrameworkAndRefuseItemsThatDoNotExist() {
        assertThat(Frameworks.parseTag("owasp-asi:asi03").name()).isEqualTo("Identity & Privilege Abuse");
        assertThat(Frameworks.parseTag("maestro:7").id()).isEqualTo("L7");
        assertThat(Frameworks.parseTag("MAESTRO:L2").name()).isEqualTo("Data Operations");
        assertThat(Frameworks.parseTag("nist-ai-rmf:MANAGE-2.4").id()).isEqualTo("MANAGE 2.4");
        assertThat(Frameworks.parseTag("nist-ai-rmf:govern 1.7").id()).isEqualTo("GOVERN 1.7");
        assertThat(Frameworks.parseTag("finance")).as("a free-form tag").isNull();
        assertThatThrownBy(() -> Frameworks.parseTag("owasp-asi:ASI11")).hasMessageContaining("ASI01 .. owasp-asi:ASI10");
        assertThatThrownBy(() -> Frameworks.parseTag("maestro:L8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frameworks.parseTag("nist-ai-rmf:GOVERN-1.8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frameworks.parseTag("nist-ai-rmf:MEASURE-2.14")).isInstanceOf(IllegalArgumentException.class);
        // 10 ASI items, 7 layers, 72 subcategories of the AI RMF core
        assertThat(Frameworks.knownItems()).isEqualTo(10 + 7 + 72);
    }

    @Test
    void shouldGiveEveryFindingOfTheExampleTracesItsRulesItems() {
        // when the exfiltration example is replayed
        TraceReplay.Result r = TraceReplay.run(Path.of("examples/exfiltration-chain.jsonl"), null);

        // then every finding carries exactly the items of its rule's row
        assertThat(r.outputs()).filteredOn(Replayer.Output::isFinding).isNotEmpty().allSatisfy(o -> {
            Finding f = (Finding) o.record();
            assertThat(f.getReferences()).extracting(FrameworkReference::getItem).as(f.getRule())
                    .isNotEmpty()
                    .containsExactlyElementsOf(Frameworks.forRule(f.getRule()).stream().map(Frameworks.Item::id).toList());
        });
    }
}
