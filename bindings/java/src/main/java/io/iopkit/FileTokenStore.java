package io.iopkit;

import io.iopkit.internal.Native;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link TokenStore} in one JSON file, shared safely by the processes of one host: each write
 * replaces the file atomically (mode 0600), and the refresh lock is an advisory lock on
 * {@code <path>.lock}, so one process refreshes while the others wait and then read its new
 * pair. The file holds the tokens, never the app secret. Not for network file systems.
 * Thread-safe; {@link #close()} frees it early (managers using it keep it alive).
 */
public final class FileTokenStore extends NativeTokenStore {
    private final Path path;

    /**
     * A store at {@code path}, created on the first write (its folder must exist). A file that
     * others may read (a mode other than 0600 or stricter) is refused when read.
     *
     * @throws IllegalArgumentException if {@code path} names no file
     * @throws NullPointerException if {@code path} is {@code null}
     */
    public FileTokenStore(Path path) {
        super(() -> Native.storeFileNew(Objects.requireNonNull(path, "path").toString()));
        this.path = path;
    }

    /** As {@link #FileTokenStore(Path)}. */
    public FileTokenStore(String path) {
        this(Path.of(Objects.requireNonNull(path, "path")));
    }

    /** The file's path. */
    public Path getPath() {
        return path;
    }

    @Override
    public String toString() {
        return "FileTokenStore{path=" + path + "}";
    }
}
