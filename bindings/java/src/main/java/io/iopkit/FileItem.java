package io.iopkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file sent as a multipart part (POST only; files are never signed), as in the official SDKs.
 * A file on disk is read when the request is executed.
 */
public final class FileItem {
    private final Path path;
    private final String fileName;
    private final byte[] content;
    private final String mimeType;

    /** A file on disk. */
    public FileItem(File file) {
        this(Objects.requireNonNull(file, "file").toPath());
    }

    /** A file on disk, by path. */
    public FileItem(String filePath) {
        this(Path.of(Objects.requireNonNull(filePath, "filePath")));
    }

    /** A file on disk. */
    public FileItem(Path path) {
        this.path = Objects.requireNonNull(path, "path");
        Path name = path.getFileName();
        this.fileName = name == null ? path.toString() : name.toString();
        this.content = null;
        this.mimeType = null;
    }

    /** In-memory content announced under {@code fileName}. */
    public FileItem(String fileName, byte[] content) {
        this(fileName, content, null);
    }

    /**
     * In-memory content with a MIME type, sent as the part's Content-Type ({@code null}:
     * application/octet-stream).
     */
    public FileItem(String fileName, byte[] content, String mimeType) {
        this.path = null;
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.content = Objects.requireNonNull(content, "content").clone();
        this.mimeType = mimeType;
    }

    /** The file name announced in the part. */
    public String getFileName() {
        return fileName;
    }

    /** The MIME type given, or {@code null}. */
    public String getMimeType() {
        return mimeType;
    }

    /** The file's bytes (read from disk for a file item). */
    public byte[] getContent() throws IOException {
        return path != null ? Files.readAllBytes(path) : content.clone();
    }
}
