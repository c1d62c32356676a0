//! Push messages (webhooks): the sandbox pushes exactly as the platform does; `PushReceiver`
//! verifies, rejects tampering with the right reason, recognises re-deliveries, and applies an
//! authorization-expiry alert to token stores so that `reauthorization_due` names the seller.

mod common;

use std::ffi::{CStr, CString, c_char};
use std::io::Write;
use std::net::TcpListener;
use std::ptr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use iop::ErrorKind;
use iop::ffi::last_error::{iop_last_error_code, iop_last_error_message};
use iop::ffi::push::*;
use iop::ffi::status::IopStatus;
use iop::ffi::store::{iop_token_store_free, iop_token_store_list_due, iop_token_store_new_file};
use iop::ffi::strings::iop_string_free;
use iop::ffi::version::iop_status_name;
use iop::manager::{FileStore, MemoryStore, TokenRecord, TokenStore, apply_expiry_alert, reauthorization_due};
use iop::push::{DEFAULT_PUSH_REMEMBER, PushReceiver, PushType};

/// A request the test receiver got: the `Authorization` header and the raw body.
type Captured = Arc<Mutex<Vec<(Option<String>, Vec<u8>)>>>;

/// An HTTP receiver on 127.0.0.1 answering each request with `answer(authorization, body)`;
/// its URL and what it received.
fn receiver(answer: impl Fn(Option<&str>, &[u8]) -> u16 + Send + 'static) -> (String, Captured) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/lazada/push", listener.local_addr().unwrap());
    let captured: Captured = Arc::default();
    let seen = captured.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let Some(request) = read_request(&mut stream) else { continue };
            let (auth, body) = (request.header("authorization"), request.body);
            let status = answer(auth.as_deref(), &body);
            seen.lock().unwrap().push((auth, body));
            let _ = write!(stream, "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, captured)
}

fn reason(e: &iop::Error) -> String {
    assert_eq!(e.kind(), ErrorKind::PushRejected, "{e}");
    e.platform_error().expect("a reason code").code.clone()
}

/// One trade-order push from the sandbox, as received.
fn one_order_push(sb: &Sandbox) -> (String, Vec<u8>) {
    let (url, captured) = receiver(|_, _| 200);
    sb.register_push(&url, APP_KEY).unwrap();
    sb.push_order("1000100042").unwrap();
    sb.flush_push();
    let (auth, body) = captured.lock().unwrap().first().cloned().expect("a delivery");
    (auth.expect("an Authorization header"), body)
}

#[test]
fn sandbox_push_verifies_and_tampering_is_refused() {
    let sb = sandbox();
    let (auth, body) = one_order_push(&sb);
    let r = PushReceiver::new(APP_KEY, APP_SECRET, DEFAULT_PUSH_REMEMBER as usize).unwrap();
    let m = r.verify(Some(&auth), &body).unwrap();
    assert_eq!(
        (m.kind(), m.message_type(), m.seller_id(), m.site()),
        (Some(PushType::TradeOrder), 0, Some("1000100042"), Some("lazada_sg"))
    );
    assert!(m.timestamp_ms().unwrap() > 1_000_000_000_000, "seconds normalized to ms");
    assert!(m.data()["trade_order_id"].is_string() && !m.is_duplicate());
    assert_eq!(m.auth_expires_at_ms(), None);

    let fresh = || PushReceiver::new(APP_KEY, APP_SECRET, 16).unwrap();
    let mut changed = body.clone();
    let i = changed.iter().position(|&b| b == b'4').unwrap();
    changed[i] = b'5';
    assert_eq!(reason(&fresh().verify(Some(&auth), &changed).unwrap_err()), "SignatureMismatch");
    let other_app = PushReceiver::new(iop_sandbox::NON_REFRESHABLE_APP_KEY, APP_SECRET, 16).unwrap();
    assert_eq!(reason(&other_app.verify(Some(&auth), &body).unwrap_err()), "SignatureMismatch");
    assert_eq!(reason(&fresh().verify(Some(&auth[..40]), &body).unwrap_err()), "MalformedAuthorization");
    assert_eq!(reason(&fresh().verify(None, &body).unwrap_err()), "MissingAuthorization");
    let reserialized = serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&body).unwrap()).unwrap();
    assert_ne!(reserialized, body);
    let e = fresh().verify(Some(&auth), &reserialized).unwrap_err();
    assert_eq!(reason(&e), "SignatureMismatch");
    for text in [e.message(), &format!("{e:?}")] {
        assert!(!text.contains(APP_SECRET) && !text.contains(&auth) && !text.contains("1000100042"), "{text}");
    }
    assert!(fresh().verify(Some(&auth.to_uppercase()), &body).is_ok(), "upper-case hex verifies");
    assert_eq!(fresh().sign(&body), auth, "sign gives what the sandbox sent");
}

#[test]
fn duplicates_are_recognised_and_the_memory_is_bounded() {
    let r = PushReceiver::new(APP_KEY, APP_SECRET, 2).unwrap();
    let body = |n: u32| format!(r#"{{"seller_id":"{n}","message_type":0,"data":{{}},"timestamp":1627455838}}"#);
    let deliver = |n: u32| r.verify(Some(&r.sign(body(n).as_bytes())), body(n).as_bytes()).unwrap().is_duplicate();
    assert!(!deliver(1));
    assert!(deliver(1), "the same delivery twice");
    assert!(!deliver(2));
    assert!(!deliver(3), "a third distinct message");
    assert!(deliver(3) && deliver(2));
    assert!(!deliver(1), "evicted by the third");
    let none = PushReceiver::new(APP_KEY, APP_SECRET, 0).unwrap();
    let b = body(9);
    assert!(!none.verify(Some(&none.sign(b.as_bytes())), b.as_bytes()).unwrap().is_duplicate());
    assert!(!none.verify(Some(&none.sign(b.as_bytes())), b.as_bytes()).unwrap().is_duplicate());
}

fn text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
}

#[test]
fn c_abi_verifies_and_reports_the_reason() {
    let sb = sandbox();
    let (auth, body) = one_order_push(&sb);
    let (key, secret) = (CString::new(APP_KEY).unwrap(), CString::new(APP_SECRET).unwrap());
    unsafe {
        let mut r = ptr::null_mut();
        assert_eq!(iop_push_receiver_new(key.as_ptr(), secret.as_ptr(), -1, &mut r), IopStatus::IOP_OK);
        let mut signed = ptr::null_mut();
        assert_eq!(iop_push_receiver_sign(r, body.as_ptr(), body.len(), &mut signed), IopStatus::IOP_OK);
        assert_eq!(text(signed).unwrap(), auth);
        iop_string_free(signed);
        let c_auth = CString::new(auth.to_uppercase()).unwrap();
        for duplicate in [false, true] {
            let mut m = ptr::null_mut();
            assert_eq!(
                iop_push_receiver_verify(r, c_auth.as_ptr(), body.as_ptr(), body.len(), &mut m),
                IopStatus::IOP_OK
            );
            assert_eq!(iop_push_message_type(m), IopPushType::IOP_PUSH_TRADE_ORDER as i32);
            assert_eq!(text(iop_push_message_seller_id(m)).as_deref(), Some("1000100042"));
            assert_eq!(text(iop_push_message_site(m)).as_deref(), Some("lazada_sg"));
            assert!(iop_push_message_timestamp_ms(m) > 1_000_000_000_000);
            assert_eq!(text(iop_push_message_body(m)).unwrap().as_bytes(), &body[..]);
            assert!(text(iop_push_message_data_json(m)).unwrap().contains("trade_order_id"));
            assert_eq!(iop_push_message_is_duplicate(m), duplicate);
            assert_eq!(iop_push_message_auth_expires_at_ms(m), -1);
            iop_push_message_free(m);
        }
        let mut m = ptr::null_mut();
        let short = CString::new(&auth[..63]).unwrap();
        let cases: [(*const c_char, &[u8], &str); 3] = [
            (ptr::null(), &body, "MissingAuthorization"),
            (short.as_ptr(), &body, "MalformedAuthorization"),
            (c_auth.as_ptr(), b"{}", "SignatureMismatch"),
        ];
        for (a, b, code) in cases {
            let status = iop_push_receiver_verify(r, a, b.as_ptr(), b.len(), &mut m);
            assert_eq!(status, IopStatus::IOP_ERR_PUSH_REJECTED);
            assert!(m.is_null(), "nothing written on failure");
            assert_eq!(text(iop_last_error_code()).as_deref(), Some(code));
            assert!(!text(iop_last_error_message()).unwrap().contains(APP_SECRET));
        }
        let not_a_message = b"[1,2]";
        let mut sig = ptr::null_mut();
        assert_eq!(iop_push_receiver_sign(r, not_a_message.as_ptr(), 5, &mut sig), IopStatus::IOP_OK);
        let status = iop_push_receiver_verify(r, sig, not_a_message.as_ptr(), 5, &mut m);
        iop_string_free(sig);
        assert_eq!(status, IopStatus::IOP_ERR_PUSH_REJECTED);
        assert_eq!(text(iop_last_error_code()).as_deref(), Some("MalformedBody"));
        assert_eq!(text(iop_status_name(12)).as_deref(), Some("IOP_ERR_PUSH_REJECTED"));
        assert_eq!(
            iop_push_receiver_verify(r, c_auth.as_ptr(), ptr::null(), 3, &mut m),
            IopStatus::IOP_ERR_INVALID_ARGUMENT
        );
        assert_eq!(
            iop_push_receiver_verify(ptr::null(), c_auth.as_ptr(), ptr::null(), 0, &mut m),
            IopStatus::IOP_ERR_INVALID_ARGUMENT
        );
        let mut bad = ptr::null_mut();
        assert_eq!(
            iop_push_receiver_new(key.as_ptr(), secret.as_ptr(), -2, &mut bad),
            IopStatus::IOP_ERR_INVALID_ARGUMENT
        );
        assert_eq!(iop_push_message_type(ptr::null()), -1);
        assert!(iop_push_message_seller_id(ptr::null()).is_null() && !iop_push_message_is_duplicate(ptr::null()));
        iop_push_message_free(ptr::null_mut());
        iop_push_receiver_free(r);
    }
}

/// The seller's grant as a record whose refresh deadline the app never learnt (so only the
/// alert can tell it), stored under `account`.
fn store_grant(store: &dyn TokenStore, account: &str, token: &iop::Token) {
    let mut record = TokenRecord::from_grant(token, 1);
    record.refresh_expires_at_ms = None;
    record.version = 1;
    assert!(store.compare_and_swap(account, 0, &record).unwrap());
}

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("iop-push-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("tokens.json")
}

#[test]
fn expiry_alert_end_to_end_reaches_the_token_stores() {
    let sb = sandbox();
    let token = client(&sb, Flavour::Lazada).create_token(&sb.issue_code(APP_KEY).unwrap()).unwrap();
    let seller = token.seller_id.clone().expect("the sandbox names the seller");
    let memory: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let rust_path = temp_file("rust");
    let file: Arc<dyn TokenStore> = Arc::new(FileStore::new(&rust_path).unwrap());
    let c_path = temp_file("c");
    for store in [&memory, &file, &(Arc::new(FileStore::new(&c_path).unwrap()) as Arc<dyn TokenStore>)] {
        store_grant(&**store, "shop-sg", &token);
        store_grant(&**store, "another-seller", &iop::Token { seller_id: Some("999".into()), ..token.clone() });
    }

    let r = Arc::new(PushReceiver::new(APP_KEY, APP_SECRET, 100).unwrap());
    let applied = Arc::new(Mutex::new(Vec::new()));
    let (stores, log, rr) = (vec![memory.clone(), file.clone()], applied.clone(), r.clone());
    let (url, captured) = receiver(move |auth, body| match rr.verify(auth, body) {
        Ok(m) => {
            if let (Some(PushType::TokenExpiryAlert), Some(s), Some(at)) =
                (m.kind(), m.seller_id(), m.auth_expires_at_ms())
            {
                for store in &stores {
                    log.lock().unwrap().push(apply_expiry_alert(&**store, s, at, Duration::from_secs(5)).unwrap());
                }
            }
            200
        }
        Err(_) => 401,
    });
    sb.register_push(&url, APP_KEY).unwrap();
    let within = Duration::from_secs(48 * 3600);
    assert!(reauthorization_due(&*memory, sb.now_ms(), within).unwrap().is_empty());

    // 49 hours before the authorization ends: no alert yet.
    let refresh_ttl_ms = iop_sandbox::DEFAULT_REFRESH_TTL_SECS * 1000;
    sb.advance_clock_ms(refresh_ttl_ms - 49 * 3_600_000);
    sb.flush_push();
    assert!(sb.push_log().iter().all(|d| d.message_type != 8), "{:?}", sb.push_log());
    // 47 hours before: one alert, delivered and applied.
    sb.advance_clock(2 * 3600);
    sb.flush_push();
    let alerts: Vec<_> = sb.push_log().into_iter().filter(|d| d.message_type == 8).collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(
        (alerts[0].status, alerts[0].seller_id.as_deref(), alerts[0].attempt),
        (Some(200), Some(seller.as_str()), 1)
    );
    assert_eq!(*applied.lock().unwrap(), vec![1, 1], "one record per store: the seller's");
    let (auth, body) = captured.lock().unwrap().last().cloned().unwrap();
    let m = PushReceiver::new(APP_KEY, APP_SECRET, 0).unwrap().verify(auth.as_deref(), &body).unwrap();
    let expires = m.auth_expires_at_ms().unwrap();
    assert_eq!(m.seller_id(), Some(seller.as_str()));
    assert!((expires - (sb.now_ms() + 47 * 3_600_000)).abs() < 5_000, "{expires}");
    assert!(String::from_utf8_lossy(&body).contains(r#""seller_id":"null""#));

    for store in [&memory, &file] {
        let due = reauthorization_due(&**store, sb.now_ms(), within).unwrap();
        assert_eq!(due, vec![("shop-sg".to_owned(), expires)], "the seller is named at once");
        assert_eq!(apply_expiry_alert(&**store, &seller, expires, Duration::from_secs(1)).unwrap(), 0, "idempotent");
    }
    let reread = FileStore::new(&rust_path).unwrap();
    assert_eq!(reread.load("shop-sg").unwrap().unwrap().reauthorize_by_ms(), Some(expires), "durable");

    // The same alert again later that day: no second alert.
    sb.advance_clock(3600);
    sb.flush_push();
    assert_eq!(sb.push_log().iter().filter(|d| d.message_type == 8).count(), 1);

    // Through the C ABI: verify the delivery and apply it to a file store, then list_due.
    unsafe {
        let (key, secret) = (CString::new(APP_KEY).unwrap(), CString::new(APP_SECRET).unwrap());
        let path = CString::new(c_path.to_str().unwrap()).unwrap();
        let (mut rc, mut store, mut m, mut json) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        assert_eq!(iop_push_receiver_new(key.as_ptr(), secret.as_ptr(), -1, &mut rc), IopStatus::IOP_OK);
        assert_eq!(iop_token_store_new_file(path.as_ptr(), &mut store), IopStatus::IOP_OK);
        let c_auth = CString::new(auth.unwrap()).unwrap();
        assert_eq!(iop_push_receiver_verify(rc, c_auth.as_ptr(), body.as_ptr(), body.len(), &mut m), IopStatus::IOP_OK);
        assert_eq!(iop_push_message_type(m), IopPushType::IOP_PUSH_TOKEN_EXPIRY_ALERT as i32);
        assert_eq!(iop_push_message_auth_expires_at_ms(m), expires);
        let within_ms = expires - iop::client::now_ms() + 3_600_000;
        assert_eq!(iop_token_store_list_due(store, within_ms, &mut json), IopStatus::IOP_OK);
        assert_eq!(text(json).unwrap(), "[]", "nothing due before the alert is applied");
        iop_string_free(json);
        let mut updated = -1;
        assert_eq!(iop_token_store_apply_push(store, m, &mut updated), IopStatus::IOP_OK);
        assert_eq!(updated, 1);
        assert_eq!(iop_token_store_list_due(store, within_ms, &mut json), IopStatus::IOP_OK);
        let due: serde_json::Value = serde_json::from_str(&text(json).unwrap()).unwrap();
        iop_string_free(json);
        assert_eq!(due, serde_json::json!([{"account": "shop-sg", "reauthorize_by": expires}]));
        assert_eq!(iop_token_store_apply_push(store, m, &mut updated), IopStatus::IOP_OK);
        assert_eq!(updated, 0);
        iop_push_message_free(m);
        iop_token_store_free(store);
        iop_push_receiver_free(rc);
    }
}

#[test]
fn unacknowledged_push_is_delivered_again_after_30_minutes() {
    let sb = sandbox();
    let (url, captured) = receiver(|_, _| 500);
    sb.register_push(&url, APP_KEY).unwrap();
    let id = sb.push_order("1000100007").unwrap();
    sb.flush_push();
    let attempts = || sb.push_log().into_iter().filter(|d| d.id == id).collect::<Vec<_>>();
    assert_eq!(attempts().len(), 1);
    assert_eq!((attempts()[0].status, attempts()[0].attempt), (Some(500), 1));
    sb.advance_clock(29 * 60);
    sb.flush_push();
    std::thread::sleep(Duration::from_millis(300)); // the push thread does not deliver early either
    assert_eq!(attempts().len(), 1, "not before 30 minutes");
    sb.advance_clock(60);
    sb.flush_push();
    let all = attempts();
    assert_eq!(all.len(), 2);
    assert_eq!((all[1].status, all[1].attempt), (Some(500), 2));
    assert!(all[1].at_ms - all[0].at_ms >= 30 * 60_000);
    let bodies = captured.lock().unwrap();
    assert_eq!(bodies[0].1, bodies[1].1, "the same message again: a receiver recognises it");
    drop(bodies);
    // 12 retries at most.
    for _ in 0..15 {
        sb.advance_clock(30 * 60);
        sb.flush_push();
    }
    assert_eq!(attempts().len(), 13);
    assert_eq!(attempts().last().unwrap().attempt, 13);
}

#[test]
fn bad_signature_fault_is_rejected_then_retried() {
    let sb = sandbox();
    let r = PushReceiver::new(APP_KEY, APP_SECRET, 100).unwrap();
    let reasons = Arc::new(Mutex::new(Vec::new()));
    let seen = reasons.clone();
    let (url, _) = receiver(move |auth, body| match r.verify(auth, body) {
        Ok(_) => 200,
        Err(e) => {
            seen.lock().unwrap().push(e.platform_error().unwrap().code.clone());
            401
        }
    });
    sb.register_push(&url, APP_KEY).unwrap();
    sb.arm_push_bad_signature(1);
    let id = sb.push_order("1000100008").unwrap();
    sb.flush_push();
    let log: Vec<_> = sb.push_log().into_iter().filter(|d| d.id == id).collect();
    assert_eq!((log[0].status, log[0].bad_signature), (Some(401), true));
    assert_eq!(*reasons.lock().unwrap(), vec!["SignatureMismatch".to_owned()]);
    sb.advance_clock(30 * 60);
    sb.flush_push();
    let log: Vec<_> = sb.push_log().into_iter().filter(|d| d.id == id).collect();
    assert_eq!((log.len(), log[1].status, log[1].bad_signature, log[1].attempt), (2, Some(200), false, 2));
}
