//! The push sender through the control endpoints: register, order, faults, flush, log; expiry
//! alerts on the virtual clock; signatures exactly as the platform makes them.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::*;
use iop::push::PushReceiver;
use iop_sandbox::{DEFAULT_APP_KEY, DEFAULT_APP_SECRET, DEFAULT_REFRESH_TTL_SECS, Flavour, Sandbox};
use serde_json::Value;

type Captured = Arc<Mutex<Vec<(Option<String>, Vec<u8>)>>>;

/// A receiver on 127.0.0.1 answering `status` to every push; its URL and what it got.
fn receiver(status: u16) -> (String, Captured) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/push", listener.local_addr().unwrap());
    let captured: Captured = Arc::default();
    let seen = captured.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let text = String::from_utf8_lossy(&data).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len: usize = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                        })
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    if data.len() >= end + 4 + len {
                        let auth = text[..end].lines().find_map(|l| {
                            l.split_once(':')
                                .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                                .map(|(_, v)| v.trim().to_owned())
                        });
                        seen.lock().unwrap().push((auth, data[end + 4..end + 4 + len].to_vec()));
                        break;
                    }
                }
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => data.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(stream, "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, captured)
}

fn control(sb: &Sandbox, path_and_query: &str) -> Resp {
    post_empty(&format!("{}/_sandbox{path_and_query}", sb.url()))
}

fn log(sb: &Sandbox) -> Value {
    get(&format!("{}/_sandbox/push/log", sb.url())).json
}

#[test]
fn control_endpoints_register_order_fault_flush_and_log() {
    let sb = sandbox();
    let (url, captured) = receiver(200);
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    assert_eq!(control(&sb, "/push/order?seller_id=1").status, 400, "no receiver yet");
    assert_eq!(control(&sb, &format!("/push/register?url={}&app_key=nope", enc(&url))).status, 400);
    assert_eq!(
        control(&sb, &format!("/push/register?url={}&app_key={DEFAULT_APP_KEY}", enc("http://10.0.0.1:80/"))).status,
        400
    );
    assert_eq!(
        control(&sb, &format!("/push/register?url={}&app_key={DEFAULT_APP_KEY}", enc("https://127.0.0.1:80/"))).status,
        400
    );
    assert_eq!(get(&format!("{}/_sandbox/push/register", sb.url())).status, 405);
    let r = control(&sb, &format!("/push/register?url={}&app_key={DEFAULT_APP_KEY}", enc(&url)));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(control(&sb, "/push/faults?mode=nonsense").status, 400);
    assert_eq!(control(&sb, "/push/faults?mode=bad-signature&count=1").status, 200);
    let id = control(&sb, "/push/order?seller_id=1000100001").json["id"].as_u64().unwrap();
    control(&sb, "/push/order?seller_id=1000100002");
    assert_eq!(control(&sb, "/push/flush").status, 200);

    let entries = log(&sb)["deliveries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0]["id"], id);
    assert_eq!(entries[0]["message_type"], 0);
    assert_eq!(entries[0]["seller_id"], "1000100001");
    assert_eq!(entries[0]["attempt"], 1);
    assert_eq!(entries[0]["status"], 200);
    assert_eq!(entries[0]["bad_signature"], true);
    assert_eq!(entries[1]["bad_signature"], false);
    assert!(entries[0]["at_ms"].as_i64().unwrap() > 0);

    let r = PushReceiver::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, 10).unwrap();
    let got = captured.lock().unwrap().clone();
    let first = r.verify(got[0].0.as_deref(), &got[0].1).unwrap_err();
    assert_eq!(first.platform_error().unwrap().code, "SignatureMismatch", "the faulted delivery");
    let second = r.verify(got[1].0.as_deref(), &got[1].1).unwrap();
    assert_eq!((second.message_type(), second.seller_id()), (0, Some("1000100002")));
    let body = String::from_utf8(got[1].1.clone()).unwrap();
    assert!(body.starts_with(r#"{"seller_id":"1000100002","message_type":0,"data":{"order_status":"#), "{body}");
    assert_eq!(
        got[1].0.as_deref().unwrap(),
        iop::push::sign_push(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, body.as_bytes())
    );
}

#[test]
fn expiry_alerts_once_per_virtual_day_within_48_hours() {
    let sb = sandbox();
    let (url, captured) = receiver(200);
    sb.register_push(&url, DEFAULT_APP_KEY).unwrap();
    let grant = create_token(&sb, Flavour::Lazada);
    let seller = grant["country_user_info"][0]["seller_id"].as_str().map(str::to_owned);
    let alerts = || sb.push_log().into_iter().filter(|d| d.message_type == 8).collect::<Vec<_>>();
    let advance = |secs: i64| {
        let r = control(&sb, &format!("/clock/advance?seconds={secs}"));
        assert_eq!(r.status, 200);
        control(&sb, "/push/flush");
    };
    advance(DEFAULT_REFRESH_TTL_SECS - 49 * 3600);
    assert!(alerts().is_empty());
    advance(2 * 3600); // 47 hours left
    let a = alerts();
    let mine: Vec<_> = a.iter().filter(|d| seller.is_none() || d.seller_id == seller).collect();
    assert_eq!(mine.len(), 1, "{a:?}");
    assert_eq!(mine[0].status, Some(200));
    let count = a.len();
    advance(3600);
    assert_eq!(alerts().len(), count, "not twice the same virtual day");
    advance(24 * 3600); // 22 hours left, a new virtual day
    assert!(alerts().len() > count, "once a day while within 48 hours");
    let r = PushReceiver::new(DEFAULT_APP_KEY, DEFAULT_APP_SECRET, 0).unwrap();
    for (auth, body) in captured.lock().unwrap().iter() {
        let m = r.verify(auth.as_deref(), body).unwrap();
        assert_eq!(m.message_type(), 8);
        assert!(m.auth_expires_at_ms().unwrap() > 0 && m.seller_id().is_some());
        assert!(String::from_utf8_lossy(body).contains(r#""app_key":"100001""#));
    }
    advance(23 * 3600); // expired: no more alerts
    let after = alerts().len();
    advance(24 * 3600);
    assert_eq!(alerts().len(), after);
}
