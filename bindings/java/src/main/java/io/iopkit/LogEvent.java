package io.iopkit;

import io.iopkit.internal.Json;
import java.util.Map;

/**
 * One event of the library's log stream, as handed to the {@code io.iopkit} {@link System.Logger}
 * (the single parameter of each record; see {@link IopLogging}): its stable {@code name}
 * ({@code "call.end"}), one English line, and its fields as a JSON object. Never carries a
 * secret, token, code, signature, query string or body.
 *
 * @param level the level the library gave it
 * @param name the stable event name: {@code call.start}, {@code call.end}, {@code call.retry},
 *     {@code token.refresh}, {@code token.create}, {@code store.lock_wait}, {@code limit.wait},
 *     {@code limit.reject}, {@code limit.ban}
 * @param message one English line
 * @param fieldsJson the fields as a JSON object ({@code {"api":"/seller/get","http_status":200,…}})
 */
public record LogEvent(System.Logger.Level level, String name, String message, String fieldsJson) {
    /** The fields, parsed: {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code null} values. */
    public Map<String, Object> fields() {
        return Json.parseObject(fieldsJson);
    }

    /** {@code name: message fieldsJson}, the text a formatter prints. */
    @Override
    public String toString() {
        return name + ": " + message + " " + fieldsJson;
    }
}
