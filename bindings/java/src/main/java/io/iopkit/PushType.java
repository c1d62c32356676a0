package io.iopkit;

import io.iopkit.internal.Native;
import java.util.Arrays;

/** The push message types the library names ({@code IopPushType}); other numbers are kept as they come. */
public enum PushType {
    TRADE_ORDER(Native.IOP_PUSH_TRADE_ORDER), PRODUCT_QC(Native.IOP_PUSH_PRODUCT_QC),
    PRODUCT_CREATED(Native.IOP_PUSH_PRODUCT_CREATED), PRODUCT_UPDATED(Native.IOP_PUSH_PRODUCT_UPDATED),
    PRODUCT_DELETED(Native.IOP_PUSH_PRODUCT_DELETED), TOKEN_EXPIRY_ALERT(Native.IOP_PUSH_TOKEN_EXPIRY_ALERT),
    REVERSE_ORDER(Native.IOP_PUSH_REVERSE_ORDER), CATEGORY_TREE(Native.IOP_PUSH_CATEGORY_TREE),
    SELLER_STATUS(Native.IOP_PUSH_SELLER_STATUS), PURCHASE_ORDER(Native.IOP_PUSH_PURCHASE_ORDER);

    private final int value;

    PushType(int value) {
        this.value = value;
    }

    /** The {@code message_type} number. */
    public int value() {
        return value;
    }

    /** The type numbered {@code value}, or {@code null} for a number the library does not name. */
    public static PushType of(int value) {
        return Arrays.stream(values()).filter(t -> t.value == value).findFirst().orElse(null);
    }
}
