package io.agentwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.frameworks.Frameworks;
import io.agentwatch.rules.Rule;
import io.agentwatch.rules.RuleFile;
import io.agentwatch.rules.RuleSet;
import io.agentwatch.rules.RuleVariables;
import io.agentwatch.rules.Rules;
import io.agentwatch.rules.RulesFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Analysts' rules offline: check a rules file with the limits a running instance would apply
 * (so a file is known good before it is deployed or reloaded), or list what a condition can read.
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = {"Analysts' rules (rules.file, README \"Writing a rule\"), offline:",
            "  check FILE   compile every rule as run would (input.max.* and rules.max.cost from --config);",
            "               one JSON object per rule on stdout {id, severity, action, cost, references},",
            "               every problem (file, rule id, reason) on stderr and exit 2 when the file is invalid",
            "  variables    the variables and functions a condition can use, one JSON object per line"})
public final class RulesCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION", description = "check or variables")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The rules file, for check.")
    Path file;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (properties): the limits to check with.")
    Path config;

    @Override
    public Integer call() throws Exception {
        AgentwatchConfig c = Commands.loadConfig(config, Map.of());
        RuleFile compiler = Rules.compiler(c);
        return switch (action) {
            case "check" -> check(compiler);
            case "variables" -> variables(compiler);
            default -> throw new ExitCodes.UsageException("unknown action '" + action + "': use check FILE or variables");
        };
    }

    private int check(RuleFile compiler) throws Exception {
        if (file == null || !Files.isReadable(file)) {
            throw new ExitCodes.UsageException("rules check needs a readable rules file, got " + file);
        }
        RuleSet set;
        try {
            set = compiler.load(file);
        } catch (RulesFileException e) {
            e.problems().forEach(p -> spec.commandLine().getErr().println(p));
            spec.commandLine().getErr().println("agentwatch: " + file + " is invalid (" + e.problems().size()
                    + (e.problems().size() == 1 ? " problem" : " problems") + "); a running instance would refuse it");
            return ExitCodes.USAGE;
        }
        for (Rule r : set.rules()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", r.id());
            out.put("severity", r.severity().name());
            out.put("action", r.action().name());
            out.put("cost", r.cost());
            out.put("references", r.references().stream().map(Frameworks.Item::tag).toList());
            out.put("tags", r.tags());
            spec.commandLine().getOut().println(JSON.writeValueAsString(out));
        }
        return ExitCodes.OK;
    }

    private int variables(RuleFile compiler) throws Exception {
        for (RuleVariables.Variable v : compiler.variables().all()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("variable", v.name());
            out.put("type", v.type().name());
            if (v.maxEntries() > 0) {
                out.put("max_entries", v.maxEntries());
            }
            out.put("meaning", v.doc());
            spec.commandLine().getOut().println(JSON.writeValueAsString(out));
        }
        for (RuleVariables.FunctionDoc f : RuleVariables.functions()) {
            spec.commandLine().getOut().println(JSON.writeValueAsString(Map.of("function", f.signature(),
                    "meaning", f.doc())));
        }
        return ExitCodes.OK;
    }
}
