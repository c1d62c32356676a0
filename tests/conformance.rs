//! The cross-language conformance table (`tests/conformance/cases.json`) run through the C ABI
//! itself, as every binding's suite runs it through its public API: one expectation per case,
//! the same for every language.

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use iop::ffi::authorize::{iop_authorize_build_url, iop_authorize_verify_state};
use iop::ffi::client::{IopClient, iop_client_free, iop_client_new, iop_client_sign};
use iop::ffi::config::IOP_USE_DEFAULT;
use iop::ffi::config::{
    IopConfig, iop_config_free, iop_config_new, iop_config_set_allow_insecure_http, iop_config_set_ca_bundle,
    iop_config_set_connect_timeout_ms, iop_config_set_idle_timeout_ms, iop_config_set_max_connect_retries,
    iop_config_set_max_idle_connections, iop_config_set_max_response_bytes, iop_config_set_partner_id,
    iop_config_set_read_timeout_ms,
};
use iop::ffi::enos::{IopEnosClient, iop_enos_client_free, iop_enos_client_new, iop_enos_client_sign};
use iop::ffi::last_error::{iop_last_error_code, iop_last_error_status};
use iop::ffi::push::{
    IopPushMessage, IopPushReceiver, iop_push_message_auth_expires_at_ms, iop_push_message_free,
    iop_push_message_is_duplicate, iop_push_message_seller_id, iop_push_message_site, iop_push_message_timestamp_ms,
    iop_push_message_type, iop_push_receiver_free, iop_push_receiver_new, iop_push_receiver_verify,
};
use iop::ffi::request::{IopRequest, iop_request_add_param, iop_request_free, iop_request_new};
use iop::ffi::status::{IopProtocol, IopStatus};
use iop::ffi::strings::iop_string_free;
use iop::ffi::token::{
    IopToken, iop_token_access_token, iop_token_account, iop_token_can_refresh, iop_token_country,
    iop_token_country_count, iop_token_expires_at_ms, iop_token_free, iop_token_from_json, iop_token_parse,
    iop_token_refresh_expires_at_ms, iop_token_refresh_token, iop_token_seller_id, iop_token_to_json,
    iop_token_user_id,
};
use iop::ffi::version::iop_status_name;
use serde_json::{Map, Value, json};

/// What a case produced: a status name for a failure, or its fields.
type Outcome = Result<Map<String, Value>, String>;

fn cstr(v: &Value) -> Option<CString> {
    v.as_str().map(|s| CString::new(s).expect("no NUL in the table"))
}

fn ptr_of(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

fn text(p: *const c_char) -> Value {
    if p.is_null() { Value::Null } else { Value::from(unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8")) }
}

/// Takes an owned string from the library.
fn owned(p: *mut c_char) -> String {
    let s = unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8").to_owned();
    unsafe { iop_string_free(p) };
    s
}

fn check(status: IopStatus) -> Result<(), String> {
    if status == IopStatus::IOP_OK {
        Ok(())
    } else {
        assert_eq!(iop_last_error_status(), status, "the last error keeps the status");
        Err(text(iop_status_name(status as i32)).as_str().unwrap().to_owned())
    }
}

fn ok() -> Outcome {
    Ok(Map::from_iter([("ok".to_owned(), Value::Bool(true))]))
}

fn config_set(case: &Value) -> Outcome {
    let mut config: *mut IopConfig = ptr::null_mut();
    check(unsafe { iop_config_new(&mut config) })?;
    let value = &case["value"];
    let int = || value.as_i64().expect("an integer value");
    let status = unsafe {
        match case["setting"].as_str().unwrap() {
            "connect_timeout_ms" => iop_config_set_connect_timeout_ms(config, int()),
            "read_timeout_ms" => iop_config_set_read_timeout_ms(config, int()),
            "max_response_bytes" => iop_config_set_max_response_bytes(config, int()),
            "max_connect_retries" => iop_config_set_max_connect_retries(config, int() as i32),
            "partner_id" => iop_config_set_partner_id(config, ptr_of(&cstr(value))),
            "ca_bundle" => iop_config_set_ca_bundle(config, ptr_of(&cstr(value))),
            "allow_insecure_http" => iop_config_set_allow_insecure_http(config, value.as_bool().unwrap()),
            "max_idle_connections" => iop_config_set_max_idle_connections(config, int() as i32),
            "idle_timeout_ms" => iop_config_set_idle_timeout_ms(config, int()),
            other => panic!("unknown setting {other}"),
        }
    };
    unsafe { iop_config_free(config) };
    check(status).and_then(|()| ok())
}

fn new_client(url: &Value, key: &Value, secret: &Value, config: *const IopConfig) -> Result<*mut IopClient, String> {
    let mut client: *mut IopClient = ptr::null_mut();
    let (url, key, secret) = (cstr(url), cstr(key), cstr(secret));
    check(unsafe { iop_client_new(ptr_of(&url), ptr_of(&key), ptr_of(&secret), config, &mut client) })?;
    Ok(client)
}

fn new_enos_client(case: &Value) -> Result<*mut IopEnosClient, String> {
    let mut client: *mut IopEnosClient = ptr::null_mut();
    let (url, key, secret) = (cstr(&case["gateway_url"]), cstr(&case["app_key"]), cstr(&case["app_secret"]));
    check(unsafe { iop_enos_client_new(ptr_of(&url), ptr_of(&key), ptr_of(&secret), ptr::null(), &mut client) })?;
    Ok(client)
}

fn sign(case: &Value) -> Outcome {
    let mut config: *mut IopConfig = ptr::null_mut();
    check(unsafe { iop_config_new(&mut config) })?;
    let partner = cstr(&case["partner_id"]);
    check(unsafe { iop_config_set_partner_id(config, ptr_of(&partner)) })?;
    let client = new_client(&case["server_url"], &case["app_key"], &case["app_secret"], config);
    unsafe { iop_config_free(config) };
    let client = client?;
    let mut request: *mut IopRequest = ptr::null_mut();
    let api = cstr(&case["api"]);
    let result = (|| {
        check(unsafe { iop_request_new(ptr_of(&api), &mut request) })?;
        for pair in case["params"].as_array().unwrap() {
            let (k, v) = (cstr(&pair[0]), cstr(&pair[1]));
            check(unsafe { iop_request_add_param(request, ptr_of(&k), ptr_of(&v)) })?;
        }
        let protocol = match case["protocol"].as_str().unwrap() {
            "AUTO" => IopProtocol::IOP_PROTOCOL_AUTO,
            "GOP" => IopProtocol::IOP_PROTOCOL_GOP,
            _ => IopProtocol::IOP_PROTOCOL_TOP,
        } as i32;
        let token = cstr(&case["access_token"]);
        let (mut sign_string, mut sign) = (ptr::null_mut(), ptr::null_mut());
        let ts = case["timestamp_ms"].as_i64().unwrap();
        check(unsafe { iop_client_sign(client, request, ptr_of(&token), protocol, ts, &mut sign_string, &mut sign) })?;
        Ok(Map::from_iter([
            ("sign_string".to_owned(), Value::from(owned(sign_string))),
            ("sign".to_owned(), Value::from(owned(sign))),
        ]))
    })();
    unsafe {
        iop_request_free(request);
        iop_client_free(client);
    }
    result
}

fn token_fields(token: *const IopToken) -> Map<String, Value> {
    let refresh_at = unsafe { iop_token_refresh_expires_at_ms(token) };
    unsafe {
        json!({
            "access_token": text(iop_token_access_token(token)),
            "refresh_token": text(iop_token_refresh_token(token)),
            "expires_at_ms": iop_token_expires_at_ms(token),
            "refresh_expires_at_ms": if refresh_at <= 0 { Value::Null } else { Value::from(refresh_at) },
            "can_refresh": iop_token_can_refresh(token),
            "account": text(iop_token_account(token)),
            "seller_id": text(iop_token_seller_id(token)),
            "user_id": text(iop_token_user_id(token)),
            "country": text(iop_token_country(token)),
            "country_count": iop_token_country_count(token),
        })
    }
    .as_object()
    .unwrap()
    .clone()
}

fn from_json(json: &Value) -> Outcome {
    let json = cstr(json);
    let mut token: *mut IopToken = ptr::null_mut();
    check(unsafe { iop_token_from_json(ptr_of(&json), &mut token) })?;
    let fields = token_fields(token);
    unsafe { iop_token_free(token) };
    Ok(fields)
}

fn token_round_trip(case: &Value) -> Outcome {
    let body = cstr(&case["response"]);
    let mut token: *mut IopToken = ptr::null_mut();
    check(unsafe { iop_token_parse(ptr_of(&body), case["received_at_ms"].as_i64().unwrap(), &mut token) })?;
    let mut out = ptr::null_mut();
    let status = unsafe { iop_token_to_json(token, &mut out) };
    let parsed = token_fields(token);
    unsafe { iop_token_free(token) };
    check(status)?;
    let again = from_json(&Value::from(owned(out)))?;
    assert_eq!(parsed, again, "to_json then from_json keeps every field");
    Ok(again)
}

fn authorize_url(case: &Value) -> Outcome {
    let platform = match case["platform"].as_str().unwrap() {
        "LAZADA" => 0,
        _ => 1,
    };
    let [base, id, redirect, country, state] =
        ["base_url", "client_id", "redirect_uri", "country", "state"].map(|k| cstr(&case[k]));
    let mut url = ptr::null_mut();
    check(unsafe {
        iop_authorize_build_url(
            platform,
            ptr_of(&base),
            ptr_of(&id),
            ptr_of(&redirect),
            ptr_of(&country),
            ptr_of(&state),
            &mut url,
        )
    })?;
    Ok(Map::from_iter([("url".to_owned(), Value::from(owned(url)))]))
}

fn enos_sign(case: &Value) -> Outcome {
    let client = new_enos_client(case)?;
    let (token, path) = (cstr(&case["access_token"]), cstr(&case["path_and_query"]));
    let body = case["body"].as_str().unwrap_or_default();
    let (mut ts, mut signature) = (0i64, ptr::null_mut());
    let status = unsafe {
        iop_enos_client_sign(
            client,
            ptr_of(&token),
            ptr_of(&path),
            body.as_ptr(),
            body.len(),
            case["timestamp_ms"].as_i64().unwrap(),
            &mut ts,
            &mut signature,
        )
    };
    unsafe { iop_enos_client_free(client) };
    check(status)?;
    Ok(Map::from_iter([
        ("signature".to_owned(), Value::from(owned(signature))),
        ("timestamp_ms".to_owned(), Value::from(ts)),
    ]))
}

fn push_verify(case: &Value) -> Outcome {
    let (key, secret, auth) = (cstr(&case["app_key"]), cstr(&case["app_secret"]), cstr(&case["authorization"]));
    let body = case["body"].as_str().unwrap();
    let mut receiver: *mut IopPushReceiver = ptr::null_mut();
    check(unsafe { iop_push_receiver_new(ptr_of(&key), ptr_of(&secret), IOP_USE_DEFAULT, &mut receiver) })?;
    let mut m: *mut IopPushMessage = ptr::null_mut();
    let status = unsafe { iop_push_receiver_verify(receiver, ptr_of(&auth), body.as_ptr(), body.len(), &mut m) };
    unsafe { iop_push_receiver_free(receiver) };
    if status != IopStatus::IOP_OK {
        // The rejection's reason is the error's code; report it with the status.
        let code = text(iop_last_error_code());
        return Err(format!(
            "{}/{}",
            text(iop_status_name(status as i32)).as_str().unwrap(),
            code.as_str().unwrap_or("")
        ));
    }
    let fields = unsafe {
        json!({
            "type": iop_push_message_type(m),
            "seller_id": text(iop_push_message_seller_id(m)),
            "site": text(iop_push_message_site(m)),
            "timestamp_ms": iop_push_message_timestamp_ms(m),
            "auth_expires_at_ms": iop_push_message_auth_expires_at_ms(m),
            "is_duplicate": iop_push_message_is_duplicate(m),
        })
    };
    unsafe { iop_push_message_free(m) };
    Ok(fields.as_object().unwrap().clone())
}

fn run(case: &Value) -> Outcome {
    match case["op"].as_str().unwrap() {
        "config_set" => config_set(case),
        "client_new" => new_client(&case["server_url"], &case["app_key"], &case["app_secret"], ptr::null())
            .map(|c| unsafe { iop_client_free(c) })
            .and_then(|()| ok()),
        "enos_client_new" => new_enos_client(case).map(|c| unsafe { iop_enos_client_free(c) }).and_then(|()| ok()),
        "sign" => sign(case),
        "token_round_trip" => token_round_trip(case),
        "token_from_json" => from_json(&case["json"]),
        // C has no exceptions: a status is its own "exception"; its name must round-trip.
        "status_exception" => {
            let name = case["status"].as_str().unwrap();
            let value = (0..64).find(|&v| text(iop_status_name(v)) == name).expect("a known status");
            Ok(Map::from_iter([("status".to_owned(), text(iop_status_name(value)))]))
        }
        "status_name" => {
            Ok(Map::from_iter([("value".to_owned(), text(iop_status_name(case["value"].as_i64().unwrap() as i32)))]))
        }
        "authorize_url" => authorize_url(case),
        "verify_state" => {
            let (e, r) = (cstr(&case["expected"]), cstr(&case["received"]));
            let same = unsafe { iop_authorize_verify_state(ptr_of(&e), ptr_of(&r)) };
            Ok(Map::from_iter([("value".to_owned(), Value::Bool(same))]))
        }
        "enos_sign" => enos_sign(case),
        "push_verify" => push_verify(case),
        other => panic!("unknown op {other}: every op of the table must be run"),
    }
}

#[test]
fn every_case_gives_its_expected_result_through_the_c_abi() {
    let table: Value =
        serde_json::from_str(include_str!("conformance/cases.json")).expect("tests/conformance/cases.json is JSON");
    let cases = table["cases"].as_array().expect("cases");
    assert!(cases.len() >= 90, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let expect = case["expect"].as_object().expect("expect is an object");
        let got = run(case);
        let matches = match (&got, expect.get("error")) {
            // A push rejection carries its reason: "<status>/<code>".
            (Err(status), Some(want)) => match expect.get("code") {
                Some(code) => *status == format!("{}/{}", want.as_str().unwrap(), code.as_str().unwrap()),
                None => want == status.split('/').next().unwrap(),
            },
            (Ok(fields), None) => expect.iter().all(|(k, v)| fields.get(k) == Some(v)),
            _ => false,
        };
        if !matches {
            failures.push(format!("{}: expected {expect:?}, got {got:?}", case["id"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
