package io.iopkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the test classes sharing one sandbox per class (classes run one after another). */
abstract class SandboxTest {
    static Sandbox sandbox;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        sandbox.close();
    }
}
