package io.iopkit;

import java.time.Instant;
import java.util.Objects;

/**
 * An account whose seller must authorize the app again by {@link #getReauthorizeBy()}, from
 * {@link TokenStore#reauthorizationDue}. Immutable.
 */
public final class ReauthorizationDue {
    private final String account;
    private final Instant reauthorizeBy;

    // Called from the native library.
    private ReauthorizationDue(String account, long reauthorizeByMs) {
        this.account = account;
        this.reauthorizeBy = Instant.ofEpochMilli(reauthorizeByMs);
    }

    /** The account (the key the manager was created with). */
    public String getAccount() {
        return account;
    }

    /** The deadline; for a grant already known dead, a time not after the query. */
    public Instant getReauthorizeBy() {
        return reauthorizeBy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReauthorizationDue d && account.equals(d.account) && reauthorizeBy.equals(d.reauthorizeBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(account, reauthorizeBy);
    }

    @Override
    public String toString() {
        return "ReauthorizationDue{account=" + account + ", reauthorizeBy=" + reauthorizeBy + "}";
    }
}
