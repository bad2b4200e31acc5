package io.agentwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwatch.trust.Ed25519;
import io.agentwatch.trust.KeyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Creates an Ed25519 key pair as two PEM files: NAME.key (private and public key, mode 600) for
 * the signer, NAME.pub (public key) for whoever verifies. Prints the key id and the paths as
 * one JSON object.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Create an Ed25519 key pair (PEM): NAME.key (private, mode 600) and NAME.pub (public).",
            "agentwatch signs revoke commands with it (response.signing.key.file=NAME.key) and the credential",
            "broker verifies with NAME.pub; a telemetry gateway signs its records with its own pair, and",
            "agentwatch trusts the .pub files listed in input.trusted.keys.file. Existing files are never overwritten.",
            "Prints {\"key_id\", \"private_key\", \"public_key\"} on stdout."})
public final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = ".", paramLabel = "DIR",
            description = "Directory to write the files to; created if missing (default: the current directory).")
    Path dir;

    @Option(names = "--name", defaultValue = "agentwatch-signing", paramLabel = "NAME",
            description = "Base name of the files (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() throws Exception {
        if (name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw new ExitCodes.UsageException("--name '" + name + "' must be a plain file name; put the directory in --dir");
        }
        Files.createDirectories(dir);
        Path privateFile = dir.resolve(name + ".key").toAbsolutePath();
        Path publicFile = dir.resolve(name + ".pub").toAbsolutePath();
        KeyPair pair = Ed25519.generate();
        KeyFiles.write(pair, privateFile, publicFile);
        Map<String, String> out = new LinkedHashMap<>();
        out.put("key_id", Ed25519.keyId(pair.getPublic()));
        out.put("private_key", privateFile.toString());
        out.put("public_key", publicFile.toString());
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(out));
        return ExitCodes.OK;
    }
}
