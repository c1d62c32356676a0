package io.iopkit.bench;

import io.iopkit.IopClient;
import io.iopkit.IopException;
import io.iopkit.IopRequest;
import io.iopkit.IopResponse;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code IopClient.execute} against the canned-response server at {@code IOP_BENCH_URL}
 * (the workload of bench/src/workload.rs: {@code /auth/token/create} with a code). Average time
 * per call in microseconds; each measurement iteration is one sample. scripts/bench may shorten
 * the run with JMH's own options (-wi, -i, -w, -r).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ExecuteBenchmark {
    static final String APP_KEY = "100001";
    static final String APP_SECRET = "benchSecret-100001-0123456789abcdef";
    static final String API = "/auth/token/create";
    static final String CODE = "0_100001_bench_code_4fQjXa9kD2LrTzWc";

    private IopClient client;
    private IopRequest request;

    /** Creates the client and checks that the server answers a success. */
    @Setup(Level.Trial)
    public void setUp() throws IopException {
        String url = System.getenv("IOP_BENCH_URL");
        if (url == null || url.isEmpty()) {
            throw new IllegalStateException("IOP_BENCH_URL is not set");
        }
        client = new IopClient(url, APP_KEY, APP_SECRET);
        request = new IopRequest(API);
        request.addApiParameter("code", CODE);
        IopResponse first = client.execute(request);
        if (!first.isSuccess() || !"0".equals(first.getCode())) {
            throw new IllegalStateException("the canned server's answer is not a success: " + first);
        }
    }

    /** Frees the client. */
    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
    }

    /** One full call: sign, send, receive, parse. */
    @Benchmark
    public IopResponse execute() throws IopException {
        return client.execute(request);
    }
}
