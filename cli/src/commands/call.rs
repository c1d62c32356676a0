//! `iop call`: any platform call.

use std::path::Path;

use iop::{HttpMethod, Request, Response};

use super::{Context, key_value, protocol};
use crate::args::CallArgs;
use crate::credentials::secret_arg;
use crate::failure::{Failure, PLATFORM, platform_hint};
use crate::output::{Table, pretty_json};

/// Signs and sends the call; prints status, error fields and the body (pretty JSON).
pub fn run(ctx: &Context<'_>, args: &CallArgs) -> Result<(), Failure> {
    let creds = ctx.credentials()?;
    let mut request = Request::new(&args.api)?;
    for p in &args.params {
        let (k, v) = key_value(p, "parameter")?;
        request.add_param(k, v)?;
    }
    for f in &args.file {
        let (k, path) = key_value(f, "--file")?;
        let content =
            std::fs::read(path).map_err(|e| Failure::usage(format!("--file {k}: cannot read {path}: {e}")))?;
        let name = Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or("file");
        request.add_file(k, name, content_type(path), &content)?;
    }
    if args.get {
        request.set_http_method(HttpMethod::Get);
    }
    let token = secret_arg(args.token.as_deref(), "IOP_ACCESS_TOKEN", "access token", &ctx.stdin)?;
    let client = ctx.client(&creds)?;
    let response = client.execute(&request, token.as_ref().map(|t| t.expose()), protocol(args.protocol))?;
    print(&response, ctx.global.json);
    match response.error() {
        None => Ok(()),
        Some(e) => {
            let hint = response.code().and_then(platform_hint).map(str::to_owned);
            Err(Failure { code: PLATFORM, message: e.message().to_owned(), hint })
        }
    }
}

fn print(response: &Response, json: bool) {
    if json {
        // The body is a JSON object (the library refuses anything else): embedded as received.
        println!(
            "{{\"http_status\":{},\"success\":{},\"body\":{}}}",
            response.http_status(),
            response.is_success(),
            response.body()
        );
        return;
    }
    let mut t = Table::default();
    let outcome = if response.is_success() { "success" } else { "platform error" };
    t.row("status", format!("HTTP {} ({outcome})", response.http_status()));
    if !response.is_success() {
        t.opt("code", response.code())
            .opt("type", response.error_type())
            .opt("message", response.message())
            .opt("sub_code", response.sub_code())
            .opt("sub_msg", response.sub_message());
    }
    t.opt("request_id", response.request_id());
    print!("{}", t.render());
    println!("{}", pretty_json(response.body()));
}

/// A MIME type for common upload types, by file extension.
fn content_type(path: &str) -> Option<&'static str> {
    let ext = Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "xml" => "application/xml",
        "mp4" => "video/mp4",
        _ => return None,
    })
}
