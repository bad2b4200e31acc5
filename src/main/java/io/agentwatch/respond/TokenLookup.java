package io.agentwatch.respond;

import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.util.List;
import java.util.Optional;

/** Read access to tokens for the response step: this agent's store and the cross-agent index. */
public interface TokenLookup {
    /** This agent's token, or null when it was never issued to this agent (or already purged). */
    TokenState own(String tokenId);

    /** This agent's tokens still usable at {@code time}: of {@code session} when given, else all of them. */
    List<TokenState> live(SessionState session, long time);

    /** Any agent's token, from the token index (which may lag the stream slightly). */
    Optional<TokenState> indexed(String tokenId);

    /** The SUSPEND command {@code tokenId} waits on for a person's decision, or null when it waits on none. */
    default String suspendedBy(String tokenId) {
        return null;
    }
}
