//! `iop sign`: what a call signs, or why a failing request's signature was rejected.

use std::collections::BTreeMap;

use crate::diagnose::{Cause, Diagnosis, FailingRequest, TIMESTAMP_WINDOW_MS, diagnose};
use iop::client::now_ms;
use iop::datetime::rfc3339;
use iop::skew::ClockSkew;
use iop::{Client, Protocol, Request};
use serde_json::{Value, json};

use super::{Context, key_value, protocol};
use crate::args::SignArgs;
use crate::credentials::secret_arg;
use crate::failure::Failure;
use crate::output::Table;

/// Parameters the client adds itself: refused as business parameters outside a diagnosis.
const SYSTEM: [(&str, &str); 6] = [
    ("app_key", "it comes from the credentials"),
    ("timestamp", "use --timestamp MS"),
    ("sign_method", "it is always sha256"),
    ("partner_id", "iop sends its own"),
    ("access_token", "use --token"),
    ("session", "use --token"),
];

/// Runs `iop sign`.
pub fn run(ctx: &Context<'_>, args: &SignArgs) -> Result<(), Failure> {
    let mut params = Vec::new();
    let mut given_sign = None;
    for p in &args.params {
        match key_value(p, "parameter")? {
            ("sign", v) => given_sign = Some(v),
            kv => params.push(kv),
        }
    }
    let protocol = protocol(args.protocol).unwrap_or_else(|| Protocol::for_api(&args.api));
    if protocol == Protocol::Gop && !args.api.starts_with('/') {
        return Err(Failure::usage(format!("`{}` is not an API path (GOP names start with /)", args.api))
            .hint("dotted method names are TOP calls: add --protocol top"));
    }
    let creds = ctx.credentials()?;
    let client = ctx.client(&creds)?;
    match given_sign {
        Some(sign) => explain_failure(ctx, args, &client, protocol, &params, sign, creds.app_secret.expose()),
        None => show(ctx, args, &client, protocol, &params),
    }
}

fn protocol_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Gop => "GOP",
        Protocol::Top => "TOP",
    }
}

fn protocol_text(p: Protocol, chosen: bool) -> String {
    let why = if chosen { "as asked" } else { "chosen by the API name" };
    match p {
        Protocol::Gop => format!("GOP ({why}: the API path prefixes the string to sign; URL …/rest + path)"),
        Protocol::Top => {
            format!("TOP ({why}: the method is a parameter; nothing prefixes the string; URL <host>/sync)")
        }
    }
}

/// Without `sign=`: what `iop call` would send and sign.
fn show(
    ctx: &Context<'_>,
    args: &SignArgs,
    client: &Client,
    protocol: Protocol,
    params: &[(&str, &str)],
) -> Result<(), Failure> {
    let mut request = Request::new(&args.api)?;
    for (k, v) in params {
        if let Some((_, how)) = SYSTEM.iter().find(|(s, _)| s == k) {
            return Err(Failure::usage(format!("`{k}` is added by iop: {how}"))
                .hint("to diagnose a failing request, give all its parameters together with its sign=…"));
        }
        request.add_param(k, v)?;
    }
    let token = secret_arg(args.token.as_deref(), "IOP_ACCESS_TOKEN", "access token", &ctx.stdin)?;
    let timestamp = args.timestamp.unwrap_or_else(now_ms);
    let signed = client.sign(&request, token.as_ref().map(|t| t.expose()), Some(protocol), timestamp)?;
    let skew = (args.explain && !args.offline).then(|| client.clock_skew());
    if ctx.global.json {
        let mut all: BTreeMap<&str, &str> = signed.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        all.insert("sign", &signed.sign);
        let out = json!({
            "protocol": protocol_name(protocol),
            "url": signed.url,
            "params": all,
            "sign_string": signed.sign_string,
            "sign": signed.sign,
            "clock_skew": skew.as_ref().map(skew_json),
        });
        println!("{out}");
        return Ok(());
    }
    if !args.explain {
        println!("# POST (form body) or GET (query) to {}", signed.url);
        for (k, v) in &signed.params {
            println!("{k}={v}");
        }
        println!("sign={}", signed.sign);
        return Ok(());
    }
    let mut t = Table::default();
    t.row("protocol", protocol_text(protocol, args.protocol.is_some()))
        .row("request URL", signed.url.as_str())
        .row("string to sign", signed.sign_string.as_str())
        .row("signature", format!("{} (HMAC-SHA256 with the app secret, upper-case hex)", signed.sign));
    for (k, v) in &signed.params {
        t.row("parameter", format!("{k}={v}"));
    }
    t.row("parameter", format!("sign={}", signed.sign));
    clock_rows(&mut t, skew.as_ref(), args.offline);
    print!("{}", t.render());
    Ok(())
}

/// With `sign=`: which mistake reproduces the failing request's signature.
fn explain_failure(
    ctx: &Context<'_>,
    args: &SignArgs,
    client: &Client,
    protocol: Protocol,
    params: &[(&str, &str)],
    sign: &str,
    app_secret: &str,
) -> Result<(), Failure> {
    if args.token.is_some() || args.timestamp.is_some() {
        return Err(Failure::usage("--token and --timestamp do not apply to a diagnosis").hint(
            "give every parameter the failing request carried as KEY=VALUE, access_token and timestamp included",
        ));
    }
    let mut sent = BTreeMap::new();
    for (k, v) in params {
        if sent.insert((*k).to_owned(), (*v).to_owned()).is_some() {
            return Err(Failure::usage(format!("the parameter `{k}` is given twice")));
        }
    }
    let skew = (!args.offline).then(|| client.clock_skew());
    let gateway_now = match &skew {
        Some(Ok(s)) => s.gateway_now_ms(),
        _ => now_ms(),
    };
    let request = FailingRequest { api_name: &args.api, protocol, params: &sent, sign };
    let partner_id = client.config().partner_id;
    let d = diagnose(client.app_key(), app_secret, Some(&partner_id), &request, Some(gateway_now));
    let url = protocol.url(client.server_url(), &args.api);
    if ctx.global.json {
        print_json(&d, protocol, &url, sign, skew.as_ref());
    } else {
        print_text(&d, protocol, args.protocol.is_some(), &url, sign, client.app_key(), skew.as_ref(), args.offline);
    }
    Ok(())
}

fn finding_text(d: &Diagnosis, app_key: &str) -> String {
    match &d.found {
        Some(c) => c.cause.to_string(),
        None => format!(
            "none of the {} candidate strings, signed with this app's secret, gives the sign given: the request was \
             signed with a different app secret (is it the secret of app {app_key}?) or over other values than \
             those given here",
            d.tried
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn print_text(
    d: &Diagnosis,
    protocol: Protocol,
    chosen: bool,
    url: &str,
    sign: &str,
    app_key: &str,
    skew: Option<&iop::Result<ClockSkew>>,
    offline: bool,
) {
    let mut t = Table::default();
    let same = sign == d.sign;
    t.row("protocol", protocol_text(protocol, chosen))
        .row("request URL", url)
        .row("string to sign", format!("{}   (what the gateway signs from the parameters given)", d.sign_string))
        .row("signature", format!("{} (HMAC-SHA256 with the secret of app {app_key})", d.sign))
        .row("sign given", format!("{sign} ({})", if same { "the same" } else { "differs" }))
        .row("finding", finding_text(d, app_key));
    if let Some(c) = d.found.as_ref().filter(|c| !matches!(c.cause, Cause::Correct | Cause::HexCase)) {
        t.row("string signed", c.sign_string.as_str()).row(
            "verified",
            format!(
                "HMAC-SHA256 of that string with this app's secret is the sign given ({} candidates tried)",
                d.tried
            ),
        );
    }
    for n in &d.notes {
        t.row("note", n.to_string());
    }
    clock_rows(&mut t, skew, offline);
    print!("{}", t.render());
}

fn print_json(d: &Diagnosis, protocol: Protocol, url: &str, sign: &str, skew: Option<&iop::Result<ClockSkew>>) {
    let finding = d
        .found
        .as_ref()
        .map(|c| json!({ "cause": c.cause.id(), "message": c.cause.to_string(), "sign_string": c.sign_string }));
    let notes: Vec<Value> = d.notes.iter().map(|n| json!({ "note": n.id(), "message": n.to_string() })).collect();
    let out = json!({
        "protocol": protocol_name(protocol),
        "url": url,
        "sign_string": d.sign_string,
        "sign": d.sign,
        "sign_given": sign,
        "finding": finding,
        "candidates_tried": d.tried,
        "notes": notes,
        "clock_skew": skew.map(skew_json),
    });
    println!("{out}");
}

fn skew_json(skew: &iop::Result<ClockSkew>) -> Value {
    match skew {
        Ok(s) => json!({
            "skew_ms": s.skew_ms,
            "gateway_ms": s.gateway_ms,
            "local_ms": s.local_ms,
            "round_trip_ms": s.round_trip_ms,
            "outside_window": s.skew_ms.abs() > TIMESTAMP_WINDOW_MS,
        }),
        Err(e) => json!({ "error": e.message() }),
    }
}

fn clock_rows(t: &mut Table, skew: Option<&iop::Result<ClockSkew>>, offline: bool) {
    let text = match skew {
        None if offline => "not measured (--offline)".to_owned(),
        None => return,
        Some(Err(e)) => format!("not measured: {e}"),
        Some(Ok(s)) => {
            // The Date header has whole seconds: within a second is agreement.
            let secs = if s.skew_ms.abs() <= 1000 { 0 } else { (s.skew_ms as f64 / 1000.0).round() as i64 };
            let side = match secs {
                0 => "the gateway's clock agrees with this machine's to the second".to_owned(),
                n if n > 0 => format!("the gateway's clock is {n} s ahead of this machine's"),
                n => format!("the gateway's clock is {} s behind this machine's", -n),
            };
            let verdict = if s.skew_ms.abs() > TIMESTAMP_WINDOW_MS {
                format!(
                    ": OUTSIDE the ±{} s window, so every timestamp made here is rejected (IncompleteSignature) \
                     whatever the signature; fix this machine's clock (NTP)",
                    TIMESTAMP_WINDOW_MS / 1000
                )
            } else {
                format!(", within the ±{} s window", TIMESTAMP_WINDOW_MS / 1000)
            };
            format!(
                "{side}{verdict}; gateway Date {} vs local {}, ±1 s",
                rfc3339(s.gateway_ms - 500),
                rfc3339(s.local_ms)
            )
        }
    };
    t.row("clock skew", text);
}
