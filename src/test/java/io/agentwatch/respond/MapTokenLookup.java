package io.agentwatch.respond;

import io.agentwatch.state.SessionState;
import io.agentwatch.state.TokenState;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The responder's view of tokens, over maps a test fills: the agent's own tokens by id (live ones
 * of a session in token id order, so commands list them the same way every run) and the global
 * index of every agent's tokens.
 */
class MapTokenLookup implements TokenLookup {
    private final Map<String, TokenState> own;
    private final Map<String, TokenState> index;

    MapTokenLookup(Map<String, TokenState> own, Map<String, TokenState> index) {
        this.own = own;
        this.index = index;
    }

    @Override
    public TokenState own(String tokenId) {
        return own.get(tokenId);
    }

    @Override
    public List<TokenState> live(SessionState s, long time) {
        return own.values().stream().filter(t -> s == null || s.sessionId().equals(t.sessionId()))
                .sorted(Comparator.comparing(TokenState::tokenId)).toList();
    }

    @Override
    public Optional<TokenState> indexed(String tokenId) {
        return Optional.ofNullable(index.get(tokenId));
    }
}
