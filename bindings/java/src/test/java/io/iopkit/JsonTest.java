package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.iopkit.internal.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small JSON reader behind log event fields and the rate limiter's status. */
class JsonTest {
    @Test
    void readsTheLibrarysDocuments() {
        Map<String, Object> m = Json.parseObject(
                "{\"api\":\"/seller/get\",\"attempt\":1,\"rate\":12.5,\"ok\":true,\"none\":null,"
                        + "\"list\":[{\"a\":-2},[]],\"esc\":\"q\\\"\\\\\\/\\n\\u00e9\"}");
        assertEquals("/seller/get", m.get("api"));
        assertEquals(1L, m.get("attempt"));
        assertEquals(12.5, m.get("rate"));
        assertEquals(Boolean.TRUE, m.get("ok"));
        assertNull(m.get("none"));
        assertEquals(List.of(Map.of("a", -2L), List.of()), m.get("list"));
        assertEquals("q\"\\/\n\u00e9", m.get("esc"));
        assertEquals(List.of("api", "attempt", "rate", "ok", "none", "list", "esc"), List.copyOf(m.keySet()));
        assertEquals(Map.of(), Json.parseObject(" { } "));
    }

    @Test
    void refusesWhatIsNotOneJsonValue() {
        for (String bad : new String[] {"", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"open", "{} x", "nul", "[1e]"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]"));
    }
}
