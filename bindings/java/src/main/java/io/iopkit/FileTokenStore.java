package io.iopkit;

import io.iopkit.internal.Native;
import java.nio.file.Path;

/**
 * A token store in one JSON file (mode 0600, created on the first write; its folder must exist),
 * shared safely by the processes of one host through an advisory lock on {@code <path>.lock}.
 * Holds tokens, never the app secret. Not for network file systems.
 */
public final class FileTokenStore extends NativeTokenStore {
    private final Path path;

    /** A store at {@code path}. */
    public FileTokenStore(Path path) {
        super(p -> Native.tokenStoreNewFile(path.toString()));
        this.path = path;
    }

    /** As {@link #FileTokenStore(Path)}. */
    public FileTokenStore(String path) {
        this(Path.of(path));
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
