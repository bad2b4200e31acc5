package io.agentwatch.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/** The truststore the registry client checks an https:// registry's certificate against. */
record RegistryTls(String truststoreLocation, String truststoreType, String truststorePassword) {

    SSLContext sslContext() {
        Path file = Path.of(truststoreLocation);
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore trusted = KeyStore.getInstance(truststoreType);
            trusted.load(in, truststorePassword.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(AvroSerdeConfig.TRUSTSTORE_LOCATION + "=" + truststoreLocation
                    + " cannot be read as a " + truststoreType + " truststore (" + e.getMessage() + "): check the path, "
                    + AvroSerdeConfig.TRUSTSTORE_TYPE + " and " + AvroSerdeConfig.TRUSTSTORE_PASSWORD);
        }
    }

    @Override
    public String toString() {
        return "RegistryTls[" + truststoreLocation + ", " + truststoreType + "]"; // not the password
    }
}
