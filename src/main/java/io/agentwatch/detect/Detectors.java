package io.agentwatch.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * The call detectors, in the order their findings are reported: credential checks first (they
 * act from the first event), then drift, chaining by boundary and by destination, untrusted
 * content from unvetted sources, and rate; then those given (the analysts' rules).
 */
public final class Detectors {
    private final List<Detector> detectors;

    public Detectors(Detector... more) {
        List<Detector> all = new ArrayList<>(List.of(new CredentialDetector(), new ScopeDriftDetector(),
                new ChainDetector(), new DestinationDetector(), new UnvettedSourceDetector(), new RateDetector()));
        all.addAll(List.of(more));
        detectors = List.copyOf(all);
    }

    public List<Detection> inspect(CallContext ctx) {
        List<Detection> out = new ArrayList<>();
        for (Detector d : detectors) {
            out.addAll(d.inspect(ctx));
        }
        return out;
    }
}
