package io.agentwatch.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.agentwatch.avro.Actor;
import io.agentwatch.avro.TokenIssued;
import io.agentwatch.avro.ToolCall;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.avro.Schema;

/**
 * The input rules over arbitrary field values (jqwik): a record is accepted or refused with one
 * of the documented dead-letter reasons, never with another exception; and what is accepted
 * holds only bounded, printable ids and names, SPIFFE agent ids, and the agent id as its key.
 */
class InputRulesPropertyTest {
    private static final int MAX_CHARS = 64;
    private static final int MAX_ENTRIES = 8;
    private static final InputRules RULES = new InputRules(MAX_CHARS, MAX_ENTRIES);
    private static final Set<String> REASONS = Set.of("missing-key", "field-too-long", "too-many-entries",
            "control-character", "invalid-agent-id", "key-mismatch", "missing-field", "delegation-cycle");
    private static final String AGENT = "spiffe://corp.example/agents/mailer";

    private static ToolCall.Builder call() {
        return ToolCall.newBuilder().setEventId("e-1").setOccurredAt(Instant.EPOCH).setAgentId(AGENT).setSessionId("s-1")
                .setTool("read_inbox");
    }

    @Property(tries = 1000)
    void anyValueInAnyStringFieldIsAcceptedOrRefusedWithADocumentedReason(
            @ForAll("stringFields") String field, @ForAll("hostileText") String value, @ForAll boolean keyedByAgent) {
        // given a call with one field set to an arbitrary value
        ToolCall call = call().build();
        call.put(field, value);
        String key = keyedByAgent ? call.getAgentId() : value;

        // when
        ValidationException refused = catchThrowableOfType(ValidationException.class, () -> RULES.check(key, call));

        // then
        if (refused != null) {
            assertThat(REASONS).contains(refused.reason());
            assertThat(refused.getMessage()).hasSizeLessThan(1000).doesNotContain("\u001b", "\u0000", "\n");
        } else {
            assertAcceptable(key, call);
        }
    }

    @Property(tries = 300)
    void anyTextLongerThanTheLimitIsRefusedWhateverTheField(@ForAll("stringFields") String field,
                                                            @ForAll @IntRange(min = 1, max = 5000) int excess) {
        ToolCall call = call().build();
        call.put(field, field.equals("agent_id") ? AGENT + "/" + "a".repeat(excess + MAX_CHARS) : "a".repeat(MAX_CHARS + excess));

        assertThatThrownBy(() -> RULES.check(call.getAgentId(), call)).isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).reason()).isEqualTo("field-too-long");
    }

    @Property(tries = 300)
    void anyListOrMapLongerThanTheLimitIsRefused(@ForAll @IntRange(min = MAX_ENTRIES + 1, max = 200) int entries) {
        List<String> scopes = java.util.stream.IntStream.range(0, entries).mapToObj(i -> "s" + i).toList();
        TokenIssued token = TokenIssued.newBuilder().setTokenId("t").setAgentId(AGENT).setSessionId("s")
                .setIssuedAt(Instant.EPOCH).setExpiresAt(Instant.ofEpochSecond(60)).setScopes(scopes).build();

        assertThatThrownBy(() -> RULES.check(AGENT, token)).isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).reason()).isEqualTo("too-many-entries");
    }

    @Property(tries = 500)
    void aDelegationChainIsAcceptedExactlyWhenNoTokenRepeats(@ForAll("tokenIds") List<String> chain) {
        TokenIssued token = TokenIssued.newBuilder().setTokenId("t-self").setAgentId(AGENT).setSessionId("s")
                .setIssuedAt(Instant.EPOCH).setExpiresAt(Instant.ofEpochSecond(60))
                .setActorChain(chain.stream().map(t -> new Actor(AGENT, t)).toList()).build();
        boolean loops = chain.contains("t-self") || chain.stream().distinct().count() < chain.size();

        ValidationException refused = catchThrowableOfType(ValidationException.class, () -> RULES.check(AGENT, token));

        assertThat(refused == null ? null : refused.reason()).isEqualTo(loops ? "delegation-cycle" : null);
    }

    private static void assertAcceptable(String key, ToolCall call) {
        assertThat(InputRules.SPIFFE_ID.matcher(call.getAgentId()).matches()).isTrue();
        assertThat(key).isEqualTo(call.getAgentId());
        for (Schema.Field f : call.getSchema().getFields()) {
            if (call.get(f.pos()) instanceof CharSequence text) {
                assertThat(text.length()).isLessThanOrEqualTo(MAX_CHARS);
                // a target may carry the line breaks of a model's arguments, nothing else invisible
                assertThat(text.codePoints().filter(c -> !(f.name().equals("target") && (c == '\t' || c == '\n'
                        || c == '\r'))).noneMatch(InputRules::isInvisible)).as(f.name()).isTrue();
            }
        }
        for (Map.Entry<String, String> e : call.getAttributes().entrySet()) {
            assertThat(e.getKey().length() + e.getValue().length()).isLessThanOrEqualTo(2 * MAX_CHARS);
        }
    }

    @Provide
    Arbitrary<String> stringFields() {
        return Arbitraries.of(ToolCall.getClassSchema().getFields().stream()
                .filter(f -> isString(f.schema())).map(Schema.Field::name).toList());
    }

    private static boolean isString(Schema s) {
        return s.getType() == Schema.Type.STRING
                || s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.STRING);
    }

    /** Plain ids, SPIFFE-like ids, control and invisible characters, and anything Unicode has, some too long. */
    @Provide
    Arbitrary<String> hostileText() {
        Arbitrary<String> spiffeLike = Arbitraries.strings().withChars("abcXYZ09._-/%:?#.").ofMaxLength(30)
                .map(path -> "spiffe://corp.example/" + path);
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars("_-.:").ofMinLength(1).ofMaxLength(MAX_CHARS),
                spiffeLike,
                Arbitraries.strings().all().ofMaxLength(MAX_CHARS * 2),
                Arbitraries.strings().withChars("a\u0000\u001b\n\r\t\u007f\u0085\u200b\u202e\u2028\ufeff").ofMaxLength(10));
    }

    @Provide
    Arbitrary<List<String>> tokenIds() {
        return Arbitraries.of("t-1", "t-2", "t-3", "t-4", "t-self").list().ofMaxSize(MAX_ENTRIES);
    }
}
