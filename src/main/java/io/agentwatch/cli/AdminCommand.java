package io.agentwatch.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Operator actions on a running instance, through its admin HTTP endpoints (any instance:
 * it forwards to the one that owns the agent). The token is the instance's admin.token.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = {"Operator actions on a running agentwatch through its HTTP admin endpoints:",
            "  reset-baseline AGENT_ID   the agent's baseline starts again from LEARNING (after a legitimate change of its job)",
            "  reload-suppressions       re-read suppressions.file on every instance",
            "  reload-rules              re-read rules.file on every instance (an invalid file is refused, the rules in force stay)"})
public final class AdminCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "reset-baseline, reload-suppressions or reload-rules")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "AGENT_ID", description = "SPIFFE id, for reset-baseline")
    String agentId;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "Base URL of an agentwatch instance (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", description = "Admin token (default: $AGENTWATCH_ADMIN_TOKEN).")
    String token;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String path = switch (action) {
            case "reset-baseline" -> {
                if (agentId == null) {
                    throw new ExitCodes.UsageException("reset-baseline needs the agent's SPIFFE id");
                }
                yield "/admin/agents/" + URLEncoder.encode(agentId, StandardCharsets.UTF_8) + "/reset-baseline";
            }
            case "reload-suppressions" -> "/admin/suppressions/reload";
            case "reload-rules" -> "/admin/rules/reload";
            default -> throw new ExitCodes.UsageException("unknown action '" + action
                    + "': use reset-baseline AGENT_ID, reload-suppressions or reload-rules");
        };
        String bearer = token != null ? token : System.getenv("AGENTWATCH_ADMIN_TOKEN");
        if (bearer == null || bearer.isBlank()) {
            throw new ExitCodes.UsageException("no admin token: pass --token or set AGENTWATCH_ADMIN_TOKEN"
                    + " (the instance's admin.token)");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            System.err.println("agentwatch: cannot reach " + url + " (is agentwatch running there?)");
            return ExitCodes.FAILURE;
        }
        System.out.println(response.body());
        if (response.statusCode() / 100 == 2) {
            return ExitCodes.OK;
        }
        System.err.println("agentwatch: " + action + " failed with HTTP " + response.statusCode());
        return response.statusCode() / 100 == 4 ? ExitCodes.USAGE : ExitCodes.FAILURE;
    }
}
