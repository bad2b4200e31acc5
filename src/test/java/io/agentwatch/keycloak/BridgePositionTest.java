package io.agentwatch.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgePositionTest {
    /** Version 1 as stored in the position topic: a change here is a change of the stored format. */
    private static final String VERSION_1 = "{\"version\":1,"
            + "\"events\":{\"watermark\":1796185530000,\"seen\":{\"e1\":1796185533365}},"
            + "\"admin_events\":{\"watermark\":1796185500000,\"seen\":{}},"
            + "\"reported_revoked\":{\"trrtcc:551b\":1796185833000}}";

    private static final BridgePosition POSITION = new BridgePosition(
            new EventCursor(1_796_185_530_000L, Map.of("e1", 1_796_185_533_365L)),
            new EventCursor(1_796_185_500_000L, Map.of()),
            Map.of("trrtcc:551b", 1_796_185_833_000L));

    @Test
    void shouldReadAndWriteVersion1() {
        assertThat(BridgePosition.decode(VERSION_1.getBytes(StandardCharsets.UTF_8))).isEqualTo(POSITION);
        assertThat(new String(POSITION.encode(), StandardCharsets.UTF_8)).isEqualTo(VERSION_1);
    }

    @Test
    void shouldRefuseAPositionItCannotRead() {
        assertThatThrownBy(() -> BridgePosition.decode("{\"version\":2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> BridgePosition.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not JSON");
    }

    @Test
    void shouldForgetReportedTokensOnceExpired() {
        BridgePosition p = POSITION.withReported("trrtcc:later", 1_796_185_900_000L);

        assertThat(p.purgedAt(1_796_185_850_000L).reportedRevoked()).containsOnlyKeys("trrtcc:later");
        assertThat(POSITION.purgedAt(1_796_185_000_000L)).isSameAs(POSITION);
    }
}
