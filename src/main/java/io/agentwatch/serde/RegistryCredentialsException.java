package io.agentwatch.serde;

/** The registry answered 401 or 403: credentials missing, wrong, or without the right. */
public class RegistryCredentialsException extends SchemaRegistryException {

    public RegistryCredentialsException(String message) {
        super(message);
    }
}
