package io.agentwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A TLS terminator in front of a plain TCP service (the Apicurio registry of the tests), as a
 * load balancer or sidecar would be in production: clients speak TLS to {@link #port()}, the
 * bytes go on in clear to the service on loopback.
 */
public final class TlsFront implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private TlsFront(ServerSocket server, String host, int port) {
        this.server = server;
        Thread acceptor = new Thread(() -> accept(host, port), "tls-front-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on a free loopback port with the certificate of {@code tls}, forwarding to host:port. */
    public static TlsFront start(SSLContext tls, String host, int port) {
        try {
            ServerSocket server = tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new TlsFront(server, host, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the TLS front", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept(String host, int port) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket backend = new Socket(host, port);
                open.add(client);
                open.add(backend);
                pump(client, backend);
                pump(backend, client);
            } catch (IOException e) {
                // closed, or one connection failed: the next accept decides
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tls-front-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closeQuietly(server);
        open.forEach(TlsFront::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
