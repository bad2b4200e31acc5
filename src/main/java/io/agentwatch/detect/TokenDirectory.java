package io.agentwatch.detect;

import io.agentwatch.state.TokenState;
import java.util.Optional;

/**
 * Tokens of every agent by token id: the token index (a GlobalKTable). It lags the stream a
 * little, so a token issued moments ago on another partition may not be there yet; findings
 * that rely on it say so.
 */
@FunctionalInterface
public interface TokenDirectory {
    String LAG_NOTE = "the cross-agent token index is eventually consistent and may lag the stream by a few seconds";

    Optional<TokenState> lookup(String tokenId);

    TokenDirectory EMPTY = id -> Optional.empty();
}
