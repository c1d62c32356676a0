package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-language conformance table (tests/conformance/cases.json), every case through the
 * binding's public API: one test per case; an op this runner does not know fails.
 */
class ConformanceTest {
    static Stream<Named<JsonObject>> cases() throws IOException {
        Path file = Path.of(System.getProperty("iopkit.conformance", "../../tests/conformance/cases.json"));
        JsonArray cases = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject()
                .getAsJsonArray("cases");
        return cases.asList().stream().map(JsonElement::getAsJsonObject)
                .map(c -> Named.of(c.get("id").getAsString(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conformance(JsonObject c) throws Exception {
        JsonObject expect = c.getAsJsonObject("expect");
        Map<String, Object> got;
        try {
            got = run(c);
        } catch (IopException | IllegalArgumentException e) {
            IopException error = e instanceof IopException ie ? ie : (IopException) e.getCause();
            assertNotNull(error, "no IopException behind " + e);
            if (!expect.has("error")) {
                fail("unexpected " + error.getStatus().cName() + ": " + error.getMessage(), error);
            }
            assertEquals(expect.get("error").getAsString(), error.getStatus().cName(), error.getMessage());
            if (expect.has("code")) {
                assertEquals(expect.get("code").getAsString(), error.getCode(), error.getMessage());
            }
            return;
        }
        if (expect.has("error")) {
            fail("expected " + expect.get("error").getAsString() + ", got " + got.keySet());
        }
        for (Map.Entry<String, JsonElement> e : expect.entrySet()) {
            if (e.getKey().equals("ok")) {
                continue;
            }
            assertEquals(value(e.getValue()), got.get(e.getKey()), e.getKey());
        }
    }

    /** A JSON scalar as the Java value the facade gives (numbers as Long). */
    private static Object value(JsonElement v) {
        if (v == null || v.isJsonNull()) {
            return null;
        }
        if (v.getAsJsonPrimitive().isBoolean()) {
            return v.getAsBoolean();
        }
        return v.getAsJsonPrimitive().isNumber() ? (Object) v.getAsLong() : v.getAsString();
    }

    private static String str(JsonObject c, String name) {
        JsonElement v = c.get(name);
        return v == null || v.isJsonNull() ? null : v.getAsString();
    }

    private static Map<String, Object> run(JsonObject c) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (c.get("op").getAsString()) {
            case "config_set" -> {
                try (IopClient client = new IopClient("https://api.taobao.tw/rest", "500123", "s3cr3t")) {
                    configSet(client, str(c, "setting"), c.get("value"));
                }
            }
            case "client_new" -> new IopClient(str(c, "server_url"), str(c, "app_key"), str(c, "app_secret")).close();
            case "enos_client_new" -> new EnosClient(str(c, "gateway_url"), str(c, "app_key"), str(c, "app_secret")).close();
            case "sign" -> {
                try (IopClient client = new IopClient(str(c, "server_url"), str(c, "app_key"), str(c, "app_secret"))) {
                    client.setPartnerId(str(c, "partner_id"));
                    IopRequest request = new IopRequest(str(c, "api"));
                    for (JsonElement p : c.getAsJsonArray("params")) {
                        request.addApiParameter(p.getAsJsonArray().get(0).getAsString(), p.getAsJsonArray().get(1).getAsString());
                    }
                    IopClient.Signature s = client.sign(request, str(c, "access_token"),
                            Protocol.valueOf(str(c, "protocol")), c.get("timestamp_ms").getAsLong());
                    out.put("sign_string", s.signString());
                    out.put("sign", s.sign());
                }
            }
            case "token_round_trip" -> {
                Token parsed = Token.parse(str(c, "response"), Instant.ofEpochMilli(c.get("received_at_ms").getAsLong()));
                tokenFields(Token.fromJson(parsed.toJson()), out);
            }
            case "token_from_json" -> tokenFields(Token.fromJson(str(c, "json")), out);
            case "status_exception" -> {
                String name = str(c, "status");
                IopStatus status = null;
                for (IopStatus s : IopStatus.values()) {
                    status = s.cName().equals(name) ? s : status;
                }
                assertNotNull(status, name);
                IopException e = status.exception("m", null, null, null, null, null, 0, -1);
                String pascal = Stream.of(name.replaceFirst("^IOP_(ERR_)?", "").split("_"))
                        .map(w -> w.charAt(0) + w.substring(1).toLowerCase()).reduce("", String::concat);
                assertInstanceOf(Class.forName("io.iopkit.Iop" + pascal + "Exception"), e);
                assertInstanceOf(IopException.class, e);
                out.put("status", e.getStatus().cName());
            }
            case "status_name" -> out.put("value", Iopkit.statusName(c.get("value").getAsInt()));
            case "authorize_url" -> out.put("url", Authorization.authorizeUrl(
                    Authorization.Platform.valueOf(str(c, "platform")), str(c, "base_url"), str(c, "client_id"),
                    str(c, "redirect_uri"), str(c, "country"), str(c, "state")));
            case "verify_state" -> out.put("value", Authorization.verifyState(str(c, "expected"), str(c, "received")));
            case "enos_sign" -> {
                try (EnosClient enos = new EnosClient(str(c, "gateway_url"), str(c, "app_key"), str(c, "app_secret"))) {
                    ApimHeaders h = enos.sign(str(c, "access_token"), str(c, "path_and_query"), str(c, "body"),
                            Instant.ofEpochMilli(c.get("timestamp_ms").getAsLong()));
                    out.put("signature", h.getSignature());
                    out.put("timestamp_ms", h.getTimestampMillis());
                }
            }
            case "push_verify" -> {
                try (PushReceiver r = new PushReceiver(str(c, "app_key"), str(c, "app_secret"));
                        PushMessage m = r.verify(str(c, "authorization"), str(c, "body").getBytes(StandardCharsets.UTF_8))) {
                    out.put("type", (long) m.getMessageType());
                    out.put("seller_id", m.getSellerId());
                    out.put("site", m.getSite());
                    out.put("timestamp_ms", m.getTimestamp() == null ? -1L : m.getTimestamp().toEpochMilli());
                    out.put("auth_expires_at_ms", m.getAuthExpiresAt() == null ? -1L : m.getAuthExpiresAt().toEpochMilli());
                    out.put("is_duplicate", m.isDuplicate());
                }
            }
            default -> fail("unknown op " + c.get("op"));
        }
        return out;
    }

    private static void configSet(IopClient client, String setting, JsonElement v) {
        switch (setting) {
            case "connect_timeout_ms" -> client.setConnectTimeout(v.getAsLong());
            case "read_timeout_ms" -> client.setReadTimeout(v.getAsLong());
            case "max_response_bytes" -> client.setMaxResponseBytes(v.getAsLong());
            case "max_connect_retries" -> client.setMaxConnectRetries(v.getAsInt());
            case "partner_id" -> client.setPartnerId(v.isJsonNull() ? null : v.getAsString());
            case "ca_bundle" -> client.setCaBundle(v.isJsonNull() ? null : v.getAsString());
            case "allow_insecure_http" -> client.setAllowInsecureHttp(v.getAsBoolean());
            case "max_idle_connections" -> client.setMaxIdleConnections(v.getAsInt());
            case "idle_timeout_ms" -> client.setIdleTimeout(v.getAsLong());
            default -> fail("unknown setting " + setting);
        }
    }

    private static void tokenFields(Token t, Map<String, Object> out) {
        out.put("access_token", t.getAccessToken());
        out.put("refresh_token", t.getRefreshToken());
        out.put("expires_at_ms", t.getExpiresAt().toEpochMilli());
        out.put("refresh_expires_at_ms", t.getRefreshExpiresAt() == null ? null : t.getRefreshExpiresAt().toEpochMilli());
        out.put("can_refresh", t.canRefresh());
        out.put("account", t.getAccount());
        out.put("seller_id", t.getSellerId());
        out.put("user_id", t.getUserId());
        out.put("country", t.getCountry());
        out.put("country_count", (long) t.getCountryUserInfo().size());
    }
}
