package io.agentwatch.trust;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.respond.CommandSigner;
import io.agentwatch.respond.CommandVerifier;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What signing costs, on this machine: a revoke command signed and verified (canonical JSON +
 * Ed25519), and a telemetry record's signature checked. Prints numbers; asserts nothing. Run:
 * {@code mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt && java -cp
 * target/test-classes:target/classes:$(cat target/cp.txt) io.agentwatch.trust.SigningBenchmark}
 */
public final class SigningBenchmark {
    private static final int WARMUP = 5_000;
    private static final int RUNS = 20_000;

    private SigningBenchmark() {
    }

    public static void main(String[] args) {
        SigningKey key = SigningKey.generate();
        CommandSigner signer = CommandSigner.with(key);
        Instant now = Instant.now();
        List<RevokeCommand> commands = new ArrayList<>();
        for (int i = 0; i < WARMUP + RUNS; i++) {
            commands.add(RevokeCommand.newBuilder().setCommandId("rc-" + i).setAgentId("spiffe://corp.example/agents/mailer")
                    .setScope(RevokeScope.SESSION).setTokenIds(List.of("tok-1", "tok-2")).setSessionId("sess-1")
                    .setReason("CONFIDENTIAL data read in corp was sent to paste.example").setFindingIds(List.of("f-1"))
                    .setIssuedAt(now).setExpiresAt(now.plusSeconds(3600)).setTriggerEventId("e-" + i).build());
        }
        commands.subList(0, WARMUP).forEach(signer::sign);
        long t = System.nanoTime();
        commands.subList(WARMUP, commands.size()).forEach(signer::sign);
        double sign = perOp(t, RUNS);
        CommandVerifier verifier = new CommandVerifier(key.asTrusted(), Clock.systemUTC());
        commands.subList(0, WARMUP).forEach(verifier::verify);
        t = System.nanoTime();
        commands.subList(WARMUP, commands.size()).forEach(verifier::verify);
        double verify = perOp(t, RUNS);

        byte[] recordKey = "spiffe://corp.example/agents/mailer".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = new byte[400];
        RecordHeaders headers = new RecordHeaders();
        TelemetrySignature.sign(key, recordKey, value, headers);
        TrustedKeys trusted = key.asTrusted();
        for (int i = 0; i < WARMUP; i++) {
            TelemetrySignature.verify(trusted, recordKey, value, headers);
        }
        t = System.nanoTime();
        for (int i = 0; i < RUNS; i++) {
            TelemetrySignature.verify(trusted, recordKey, value, headers);
        }
        double record = perOp(t, RUNS);
        System.out.printf("Java %s, %d cores: revoke command sign %.0f us, verify %.0f us; telemetry record verify %.0f us"
                        + " (%.0f records/s per thread)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), sign, verify, record, 1e6 / record);
    }

    private static double perOp(long startNanos, int n) {
        return (System.nanoTime() - startNanos) / 1e3 / n;
    }
}
