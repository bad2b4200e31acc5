package io.agentwatch.respond;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.state.ResponseMemory;
import io.agentwatch.state.TokenState;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the response step decided for one event: the records to publish in order (findings,
 * each revoke command right after the finding that triggered it), what the session must
 * remember, and this agent's tokens whose revocation a command ordered.
 *
 * @param records    findings and revoke commands, in publishing order
 * @param command    the revoke command for this agent among them, or null
 * @param memory     the update for the session's {@link ResponseMemory}
 * @param ordered    this agent's tokens the command covers (to be marked as awaiting the broker)
 * @param suppressed rules of the findings a suppression rule matched
 * @param deduplicated true when a revoke was decided but an earlier command already covers it
 */
public record Response(List<SpecificRecord> records, RevokeCommand command, ResponseMemory.Update memory,
                       List<TokenState> ordered, List<String> suppressed, boolean deduplicated) {
}
