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
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own (Debian's package; scripts/test installs it) on
 * 127.0.0.1 and a free port, without persistence; {@link #close()} kills it (a shutdown hook
 * does too, should the test JVM exit first). Missing or failing to start is an error, never a
 * skip.
 */
final class RedisServer implements AutoCloseable {
    private final Process process;
    private final Thread reaper;
    final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
        this.reaper = new Thread(process::destroyForcibly, "redis-server-kill");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts one and waits (at most 10 s) until it answers PING. */
    static RedisServer start() throws IOException, InterruptedException {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", System.getProperty("java.io.tmpdir"),
                "--logfile", "");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server could not be started (" + e.getMessage()
                    + "): install Debian's redis-server package (scripts/test does)", e);
        }
        RedisServer server = new RedisServer(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                if ("PONG".equals(server.command("PING"))) {
                    return server;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            if (p.waitFor(20, TimeUnit.MILLISECONDS)) {
                server.close();
                throw new IllegalStateException("redis-server exited with status " + p.exitValue()
                        + " before answering on port " + port
                        + " (is Debian's redis-server package installed? scripts/test installs it)");
            }
        }
        server.close();
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 10 s");
    }

    /** A port that was free a moment ago on 127.0.0.1 (nothing listens on it now). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Sends one command and returns its reply: a status or bulk string, an integer as text,
     * {@code null} for a nil bulk string. An error reply is an {@link IOException}.
     */
    String command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(5000);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                req.writeBytes(b);
                req.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            OutputStream out = s.getOutputStream();
            out.write(req.toByteArray());
            out.flush();
            InputStream in = s.getInputStream();
            String line = readLine(in);
            switch (line.charAt(0)) {
                case '+':
                case ':':
                    return line.substring(1);
                case '-':
                    throw new IOException("redis error: " + line.substring(1));
                case '$': {
                    int len = Integer.parseInt(line.substring(1));
                    if (len < 0) {
                        return null;
                    }
                    byte[] body = in.readNBytes(len + 2);
                    return new String(body, 0, len, StandardCharsets.UTF_8);
                }
                default:
                    throw new IOException("unexpected reply: " + line);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8);
            }
            line.write(c);
        }
        throw new IOException("connection closed");
    }

    /** Kills the server and waits for it; idempotent. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }
}
