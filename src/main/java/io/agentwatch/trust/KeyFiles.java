package io.agentwatch.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys in PEM files, the format the JDK, OpenSSL and every language's crypto library
 * read without help: {@code PRIVATE KEY} is PKCS#8, {@code PUBLIC KEY} is X.509
 * SubjectPublicKeyInfo. A private key file holds both blocks (the JDK cannot derive an Ed25519
 * public key from the private one, and the key id needs it); a public key file, or a file of
 * trusted keys, holds one or more {@code PUBLIC KEY} blocks.
 *
 * <p>For a key made by OpenSSL: {@code openssl genpkey -algorithm ed25519 -out k.pem && openssl
 * pkey -in k.pem -pubout >> k.pem}.
 */
public final class KeyFiles {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {
    }

    /**
     * Writes a new key pair: {@code privateFile} (private and public block, mode 600 from the
     * moment it exists) and {@code publicFile} (public block). Never overwrites.
     *
     * @throws IllegalArgumentException when either file exists already
     */
    public static void write(KeyPair pair, Path privateFile, Path publicFile) {
        String publicPem = pem(PUBLIC, pair.getPublic().getEncoded());
        for (Path p : List.of(privateFile, publicFile)) {
            if (Files.exists(p)) {
                throw new IllegalArgumentException(p + " exists already: move it away or choose another --name/--dir;"
                        + " keys are never overwritten");
            }
        }
        try {
            createFile(privateFile, OWNER_ONLY);
            Files.writeString(privateFile, pem(PRIVATE, pair.getPrivate().getEncoded()) + publicPem,
                    StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(publicFile, publicPem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(e.getFile() + " exists already: keys are never overwritten", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the key files " + privateFile + " and " + publicFile
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a private key file. Refuses a file others can read (as ssh does), and a public block
     * that does not belong to the private key.
     */
    public static SigningKey readSigningKey(Path file) {
        String text = read(file, "signing key");
        if (isPosix(file)) {
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                    throw new IllegalArgumentException("private key file " + file + " can be read by others ("
                            + PosixFilePermissions.toString(perms) + "): chmod 600 " + file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the permissions of " + file, e);
            }
        }
        Map<String, List<byte[]>> blocks = blocks(text);
        List<byte[]> privates = blocks.getOrDefault(PRIVATE, List.of());
        List<byte[]> publics = blocks.getOrDefault(PUBLIC, List.of());
        if (privates.size() != 1 || publics.size() != 1) {
            throw new IllegalArgumentException(file + " must hold one PRIVATE KEY and one PUBLIC KEY PEM block (found "
                    + privates.size() + " and " + publics.size() + "): create one with `agentwatch keys`, or append"
                    + " the public key of an OpenSSL key: openssl pkey -in " + file + " -pubout >> " + file);
        }
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(privates.get(0)));
            publicKey = factory.generatePublic(new X509EncodedKeySpec(publics.get(0)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " does not hold an Ed25519 key pair: " + e.getMessage(), e);
        }
        byte[] probe = "agentwatch key pair check".getBytes(StandardCharsets.US_ASCII);
        if (!Ed25519.verify(publicKey, probe, Ed25519.sign(privateKey, probe))) {
            throw new IllegalArgumentException("the PUBLIC KEY block of " + file + " is not the public half of its"
                    + " PRIVATE KEY: regenerate it with openssl pkey -in KEY -pubout");
        }
        return new SigningKey(privateKey, publicKey, Ed25519.keyId(publicKey));
    }

    /** Every PUBLIC KEY block of {@code file}, by key id. */
    public static TrustedKeys readTrustedKeys(Path file) {
        List<byte[]> publics = blocks(read(file, "trusted keys")).getOrDefault(PUBLIC, List.of());
        if (publics.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PUBLIC KEY PEM block: put the .pub files of the"
                    + " trusted keys in it (cat a.pub b.pub > " + file.getFileName() + ")");
        }
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (byte[] spki : publics) {
            try {
                PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
                byId.put(Ed25519.keyId(key), key);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " holds a PUBLIC KEY that is not Ed25519: " + e.getMessage(), e);
            }
        }
        return new TrustedKeys(byId);
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static Map<String, List<byte[]>> blocks(String text) {
        Map<String, List<byte[]>> blocks = new LinkedHashMap<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            blocks.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(der);
        }
        return blocks;
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " file " + file + " (" + e
                    + "): check the path", e);
        }
    }

    private static void createFile(Path file, Set<PosixFilePermission> perms) throws IOException {
        if (isPosix(file)) {
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(perms);
            Files.createFile(file, attr);
        } else {
            Files.createFile(file);
        }
    }

    private static boolean isPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
