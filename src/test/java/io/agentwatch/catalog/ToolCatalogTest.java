package io.agentwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Outcome;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.model.Call;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolCatalogTest {
    @TempDir
    Path dir;

    private final ToolCatalog builtIn = ToolCatalog.builtIn();

    private static ToolCall.Builder call(String tool) {
        return ToolCall.newBuilder().setEventId("e").setOccurredAt(Instant.parse("2026-01-05T09:00:00Z"))
                .setAgentId("spiffe://corp.example/agents/a").setSessionId("s").setTool(tool).setOutcome(Outcome.OK);
    }

    @Test
    void shouldKnowTheCommonAgentToolsAndTheirFlags() {
        // then
        assertThat(builtIn.lookup("read_inbox").flags()).containsExactlyInAnyOrder(ToolFlag.UNTRUSTED_INPUT,
                ToolFlag.PRIVATE_DATA);
        assertThat(builtIn.lookup("send_email").operation()).isEqualTo(Operation.SEND);
        assertThat(builtIn.lookup("send_email").flags()).containsExactly(ToolFlag.EXTERNAL_SINK);
        assertThat(builtIn.lookup("web_fetch").boundary()).isEqualTo("internet");
        assertThat(builtIn.lookup("pay_invoice").flags()).containsExactly(ToolFlag.FINANCIAL);
    }

    @Test
    void shouldPreferAnExactNameToAGlobAndTakeGlobsInFileOrder() {
        // then: send_email is exact; send_sms falls to send_*; get_secret_key matches get_secret* before get*
        assertThat(builtIn.lookup("send_email").match()).isEqualTo("send_email");
        assertThat(builtIn.lookup("send_sms").match()).isEqualTo("send_*");
        assertThat(builtIn.lookup("get_secret_key").match()).isEqualTo("get_secret*");
        assertThat(builtIn.lookup("get_weather").match()).isEqualTo("get*");
    }

    @Test
    void shouldKnowNothingAboutAnUnknownTool() {
        // then
        assertThat(builtIn.find("frobnicate")).isEmpty();
        assertThat(builtIn.lookup("frobnicate").flags()).isEmpty();
    }

    @Test
    void shouldLetAUserCatalogOverrideTheBuiltInOne() throws IOException {
        // given
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, """
                tools:
                  - {match: send_email, operation: SEND, boundary: customer-mail, scope: mail:send, flags: []}
                  - {match: "ticket_*", operation: write, sensitivity: confidential, flags: [private_data]}
                """);

        // when
        ToolCatalog user = ToolCatalog.fromConfig(file.toString());

        // then
        assertThat(user.lookup("send_email").boundary()).isEqualTo("customer-mail");
        assertThat(user.lookup("send_email").flags()).isEmpty();
        assertThat(user.lookup("ticket_close").sensitivity()).isEqualTo(Sensitivity.CONFIDENTIAL);
        assertThat(user.lookup("ticket_close").operation()).isEqualTo(Operation.WRITE);
        assertThat(user.lookup("read_inbox").flags()).contains(ToolFlag.UNTRUSTED_INPUT);
    }

    @Test
    void shouldReadAJsonCatalogToo() throws IOException {
        // given
        Path file = dir.resolve("catalog.json");
        Files.writeString(file, "{\"tools\": [{\"match\": \"archive\", \"operation\": \"WRITE\"}]}");

        // then
        assertThat(ToolCatalog.load(file).lookup("archive").operation()).isEqualTo(Operation.WRITE);
    }

    @Test
    void shouldSayWhichEntryIsWrongAndWhatIsValid() throws IOException {
        // given
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "tools:\n  - {match: a}\n  - {match: b, operation: STEAL}\n");

        // then
        assertThatThrownBy(() -> ToolCatalog.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tools entry 2").hasMessageContaining("STEAL").hasMessageContaining("READ");
    }

    @Test
    void shouldRefuseACatalogWithoutToolsOrAnEntryWithoutMatch() throws IOException {
        // given
        Path noTools = dir.resolve("no-tools.yaml");
        Files.writeString(noTools, "entries: []\n");
        Path noMatch = dir.resolve("no-match.yaml");
        Files.writeString(noMatch, "tools:\n  - {operation: READ}\n");

        // then
        assertThatThrownBy(() -> ToolCatalog.load(noTools)).hasMessageContaining("'tools:'");
        assertThatThrownBy(() -> ToolCatalog.load(noMatch)).hasMessageContaining("match");
        assertThatThrownBy(() -> ToolCatalog.load(dir.resolve("missing.yaml"))).hasMessageContaining("missing.yaml");
    }

    @Test
    void shouldLetEventFieldsWinOverTheCatalog() {
        // when
        Call c = Call.of(call("send_email").setOperation(Operation.WRITE).setBoundary("customer-mail")
                .setSensitivity(Sensitivity.RESTRICTED).build(), builtIn);

        // then
        assertThat(c.operation()).isEqualTo(Operation.WRITE);
        assertThat(c.boundary()).isEqualTo("customer-mail");
        assertThat(c.sensitivity()).isEqualTo(Sensitivity.RESTRICTED);
        assertThat(c.has(ToolFlag.EXTERNAL_SINK)).isTrue();
    }

    @Test
    void shouldFillGapsFromTheCatalogThenWithCautiousDefaults() {
        // when
        Call sink = Call.of(call("send_email").build(), builtIn);
        Call unknown = Call.of(call("frobnicate").setBoundary(" ").setTokenId("").build(), builtIn);
        Call crm = Call.of(call("crm_lookup").build(), builtIn);

        // then
        assertThat(sink.operation()).isEqualTo(Operation.SEND);
        assertThat(sink.boundary()).isEqualTo(Call.EXTERNAL);
        assertThat(sink.sensitivity()).isEqualTo(Sensitivity.INTERNAL);
        assertThat(unknown.operation()).isEqualTo(Operation.EXECUTE);
        assertThat(unknown.boundary()).isNull();
        assertThat(unknown.tokenId()).isNull();
        assertThat(crm.readsSensitiveData()).isTrue();
        assertThat(crm.isLowRiskRead()).isFalse();
    }

    @Test
    void shouldMatchGlobsAgainstTheWholeName() {
        // then
        assertThat(Glob.matches("send_*", "send_email")).isTrue();
        assertThat(Glob.matches("send_*", "resend_email")).isFalse();
        assertThat(Glob.matches("*_read", "hr_read")).isTrue();
        assertThat(Glob.matches("v?", "v1")).isTrue();
        assertThat(Glob.matches("a.b", "axb")).isFalse();
        assertThat(Glob.matches("*", null)).isFalse();
    }

    @Test
    void shouldKeepTheLookupCacheBoundedWhenEveryCallNamesANewTool() {
        // given
        ToolCatalog catalog = ToolCatalog.builtIn();

        // when a producer invents ten times as many tool names as the cache holds
        for (int i = 0; i < 10 * ToolCatalog.MAX_CACHED_NAMES; i++) {
            catalog.lookup("send_invented_" + i);
        }

        // then the cache stayed within its bound, and lookups still answer right
        assertThat(catalog.cachedNames()).isBetween(1, ToolCatalog.MAX_CACHED_NAMES);
        assertThat(catalog.lookup("send_invented_3").operation()).isEqualTo(Operation.SEND);
        assertThat(catalog.find("read_inbox")).isPresent();
        assertThat(catalog.find("zz_invented")).isEmpty();
    }
}
