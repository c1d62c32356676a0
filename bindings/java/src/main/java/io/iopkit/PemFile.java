package io.iopkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Reads the PEM file of a {@code setCaBundleFile(Path)}. Package-private. */
final class PemFile {
    private PemFile() {}

    /**
     * The file's bytes (the core checks they hold PEM certificates).
     *
     * @throws IllegalArgumentException if it cannot be read
     * @throws NullPointerException if {@code pemFile} is {@code null}
     */
    static byte[] read(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        try {
            return Files.readAllBytes(pemFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("pemFile " + pemFile + " cannot be read: " + e, e);
        }
    }
}
