package io.iopkit;

import io.iopkit.internal.Native;

/** The IOP call styles ({@code IopProtocol}); {@link #AUTO} picks GOP for paths, TOP for dotted names. */
public enum Protocol {
    /** GOP for path-style API names ({@code /auth/token/create}), TOP for dotted ones. */
    AUTO(Native.IOP_PROTOCOL_AUTO),
    /** Path-style API names: URL {@code <base>/rest<path>}, the path prefixes the string to sign. */
    GOP(Native.IOP_PROTOCOL_GOP),
    /** Dotted method names: URL {@code <host>/sync}, token sent as {@code session}. */
    TOP(Native.IOP_PROTOCOL_TOP);

    private final int value;

    Protocol(int value) {
        this.value = value;
    }

    int value() {
        return value;
    }
}
