package io.agentwatch;

import io.agentwatch.cli.AdminCommand;
import io.agentwatch.cli.BenchCommand;
import io.agentwatch.cli.DemoCommand;
import io.agentwatch.cli.ExitCodes;
import io.agentwatch.cli.KeycloakBridgeCommand;
import io.agentwatch.cli.KeysCommand;
import io.agentwatch.cli.ReplayCommand;
import io.agentwatch.cli.RulesCommand;
import io.agentwatch.cli.RunCommand;
import io.agentwatch.cli.SimulateCommand;
import io.agentwatch.cli.TopologyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The agentwatch command line: parses, dispatches to a subcommand, exits with its code. */
@Command(name = "agentwatch", mixinStandardHelpOptions = true, versionProvider = App.Version.class,
        description = "Watches AI agents use their credentials; flags scope drift and cross-boundary tool "
                + "chaining in real time and tells the credential broker what to revoke.",
        subcommands = {DemoCommand.class, RunCommand.class, KeycloakBridgeCommand.class, AdminCommand.class,
            BenchCommand.class,
            KeysCommand.class, RulesCommand.class, ReplayCommand.class,
            SimulateCommand.class, TopologyCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            ExitCodes.OK_TEXT,
            ExitCodes.FAILURE_TEXT,
            ExitCodes.USAGE_TEXT,
            ExitCodes.STREAMS_ERROR_TEXT,
            ExitCodes.INTERRUPTED_TEXT})
public final class App implements Runnable {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new App());
        cli.setExecutionExceptionHandler((e, cmd, parse) -> {
            cmd.getErr().println("agentwatch: " + ExitCodes.describe(e));
            return ExitCodes.codeFor(e);
        });
        return cli;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }

    /** The version from the jar manifest (set by Maven), or "dev" when run from classes. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = App.class.getPackage().getImplementationVersion();
            return new String[] {"agentwatch " + (v == null ? "dev" : v)
                    + " (Kafka Streams " + org.apache.kafka.common.utils.AppInfoParser.getVersion() + ", Java "
                    + System.getProperty("java.version") + ")"};
        }
    }
}
