package io.agentwatch.simulate.model;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Sensitivity;

/**
 * A tool as the runtime knows it: what it does, the OAuth scope it needs, and where its data
 * usually lives. A call can still override boundary and sensitivity (mail to a new domain, a
 * confidential page in an otherwise internal wiki).
 */
public record Tool(String name, Operation operation, String scope, String boundary, Sensitivity sensitivity) {

    public Step on(String target) {
        return Step.of(this, target);
    }
}
