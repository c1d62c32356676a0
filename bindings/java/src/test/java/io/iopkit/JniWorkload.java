package io.iopkit;

import io.iopkit.internal.Native;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exercises every native entry point (success and failure paths, a panic, several threads) in a
 * child JVM started with -Xcheck:jni; LoaderTest checks its output holds no JNI warning.
 */
public final class JniWorkload {
    private JniWorkload() {}

    public static void main(String[] args) throws Exception {
        Native.errorKinds();
        Native.gatewayUrls();
        try (Sandbox sandbox = Sandbox.start();
                IopClient client = new IopClient(sandbox.lazada(), Sandbox.APP_KEY, Sandbox.APP_SECRET)) {
            Token token = client.createToken(sandbox.code(Sandbox.APP_KEY));
            token = client.refreshToken(token.getRefreshToken());
            final String access = token.getAccessToken();
            try {
                client.createToken("bad");
                throw new AssertionError("bad code accepted");
            } catch (IopPlatformException expected) {
                // Built in native code.
            }
            try {
                client.execute(new IopRequest(""));
                throw new AssertionError("empty API name accepted");
            } catch (IopInvalidArgumentException expected) {
                // Built in native code.
            }
            try {
                Native.debugPanic("workload panic");
                throw new AssertionError("no exception from a panic");
            } catch (IopInternalException expected) {
                // Caught at the boundary.
            }
            try {
                new IopClient("ftp://x", "k", "s");
                throw new AssertionError("ftp accepted");
            } catch (IllegalArgumentException expected) {
                // From the native constructor.
            }
            IopRequest many = new IopRequest("/seller/get");
            for (int i = 0; i < 100; i++) {
                many.addApiParameter("p" + i, "v" + i);
                many.addHeaderParameter("X-H" + i, "h" + i);
            }
            for (int i = 0; i < 20; i++) {
                many.addFileParameter("f" + i, "f" + i + ".bin", new byte[] {(byte) i});
            }
            if (!client.execute(many, access).isSuccess()) {
                throw new AssertionError("many-parameter call failed");
            }
            client.setReadTimeout(10_000);
            client.setConnectTimeout(10_000);
            client.setPartnerId("iopkit-workload");
            client.setAllowInsecureHttp(false);
            client.setMaxResponseBytes(1 << 20);
            client.setCaBundle(null);
            Token.parse(token.getRaw(), java.time.Instant.now());
            ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            });
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    boolean ok = true;
                    for (int i = 0; i < 50; i++) {
                        ok &= client.execute(new IopRequest("/seller/get"), access).isSuccess();
                        ok &= !client.execute(new IopRequest("/seller/get"), "bad").isSuccess();
                    }
                    return ok;
                }));
            }
            for (Future<Boolean> f : results) {
                if (!f.get()) {
                    throw new AssertionError("a threaded call failed");
                }
            }
            pool.shutdown();
        }
        System.out.println("WORKLOAD OK");
    }
}
