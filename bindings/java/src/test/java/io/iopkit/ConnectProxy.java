package io.iopkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny loopback HTTP CONNECT proxy for the tests: counts the tunnels it opens, records each
 * request's {@code Proxy-Authorization}, and answers 407 when {@code requiredAuthorization} is set
 * and not sent. Anything but CONNECT gets 405.
 */
final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String requiredAuthorization;
    final AtomicInteger tunnels = new AtomicInteger();
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    ConnectProxy(String requiredAuthorization) throws IOException {
        this.requiredAuthorization = requiredAuthorization;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "connect-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    /** {@code http://127.0.0.1:port}. */
    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "connect-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            String auth = null;
            for (String line : lines) {
                if (line.toLowerCase().startsWith("proxy-authorization:")) {
                    auth = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            authorizations.add(String.valueOf(auth));
            if (!requestLine[0].equals("CONNECT")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(auth)) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String target = requestLine[1];
            int colon = target.lastIndexOf(':');
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(target.substring(0, colon),
                        Integer.parseInt(target.substring(colon + 1))), 5_000);
                tunnels.incrementAndGet();
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread up = new Thread(() -> pipe(in, upstreamOut(upstream)), "connect-proxy-up");
                up.setDaemon(true);
                up.start();
                pipe(upstream.getInputStream(), out);
                up.join(10_000);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // The connection ends.
        }
    }

    private static OutputStream upstreamOut(Socket s) {
        try {
            return s.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pipe(InputStream from, OutputStream to) {
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // One side closed.
        } finally {
            try {
                to.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the request head ended");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
