package io.iopkit;

/**
 * The two IOP call styles. {@link IopClient#execute(IopRequest)} picks one from the API name
 * (GOP for paths such as {@code /auth/token/create}, TOP for dotted names such as
 * {@code aliexpress.ds.category.get}); the overloads taking a {@code Protocol} force it.
 */
public enum Protocol {
    /** Path-style API names: URL {@code <base>/rest<path>}, the path prefixes the string to sign. */
    GOP,
    /** Dotted method names: URL {@code <host>/sync}, {@code method} parameter, token sent as {@code session}. */
    TOP;

    int nativeValue() {
        return this == GOP ? 1 : 2;
    }
}
