//! `iop push verify` and `iop push listen`: Lazada push messages (webhooks).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

use iop::push::{DEFAULT_PUSH_REMEMBER, PushReceiver};

use super::Context;
use crate::credentials;
use crate::failure::{Failure, INTERNAL};

/// Largest body `iop push listen` accepts.
const MAX_BODY: usize = 1 << 20;
/// Largest request head.
const MAX_HEAD: usize = 64 * 1024;
/// How long a sender may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

fn receiver(ctx: &Context<'_>, remember: usize) -> Result<PushReceiver, Failure> {
    let (app_key, app_secret) = credentials::find(ctx.global, &ctx.stdin)?.key_and_secret()?;
    Ok(PushReceiver::new(&app_key, app_secret.expose(), remember)?)
}

/// Verifies one message; prints it as JSON, or fails with the reason (exit code 6).
pub fn verify(ctx: &Context<'_>, authorization: &str, body_file: Option<&Path>) -> Result<(), Failure> {
    if body_file.is_none() && ctx.global.app_secret_stdin {
        return Err(Failure::usage("standard input carries the app secret: pass the body with --body-file"));
    }
    let receiver = receiver(ctx, 0)?;
    let body = match body_file {
        Some(path) => std::fs::read(path)
            .map_err(|e| Failure::usage(format!("cannot read --body-file {}: {e}", path.display())))?,
        None => {
            let mut body = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut body)
                .map_err(|e| Failure::usage(format!("cannot read the body from standard input: {e}")))?;
            body
        }
    };
    let message = receiver.verify(Some(authorization), &body)?;
    println!("{}", message.summary_json());
    Ok(())
}

/// One request: the `Authorization` header (if any) and the body; or the status to answer.
fn read_request(stream: &TcpStream) -> Result<(Option<String>, Vec<u8>), u16> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut head_bytes = 0;
    reader.read_line(&mut line).map_err(|_| 400u16)?;
    head_bytes += line.len();
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let (mut authorization, mut length) = (None, 0usize);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_err(|_| 400u16)? == 0 {
            return Err(400);
        }
        head_bytes += header.len();
        if head_bytes > MAX_HEAD {
            return Err(431);
        }
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_owned());
            } else if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().map_err(|_| 400u16)?;
            } else if name.trim().eq_ignore_ascii_case("transfer-encoding") {
                return Err(411);
            }
        }
    }
    if method != "POST" {
        return Err(405);
    }
    if length > MAX_BODY {
        return Err(413);
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).map_err(|_| 400u16)?;
    Ok((authorization, body))
}

fn answer(mut stream: &TcpStream, status: u16) {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        _ => "Bad Request",
    };
    let _ = write!(stream, "HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = stream.flush();
}

/// Serves push messages on `bind:port` until killed (or `exit_after` verified messages).
pub fn listen(ctx: &Context<'_>, bind: IpAddr, port: u16, exit_after: Option<u64>) -> Result<(), Failure> {
    let receiver = receiver(ctx, DEFAULT_PUSH_REMEMBER as usize)?;
    let listener = TcpListener::bind(SocketAddr::new(bind, port)).map_err(|e| {
        Failure { code: INTERNAL, message: format!("cannot listen on {bind}:{port}: {e}"), hint: None }
            .hint("pick another --port, or 0 for any free one")
    })?;
    let addr = listener.local_addr().map_err(|e| Failure::usage(e.to_string()))?;
    eprintln!("listening on http://{addr}");
    let mut verified = 0u64;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
        let (authorization, body) = match read_request(&stream) {
            Ok(request) => request,
            Err(status) => {
                answer(&stream, status);
                continue;
            }
        };
        match receiver.verify(authorization.as_deref(), &body) {
            Ok(message) => {
                answer(&stream, 200);
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{}", message.summary_json()).and_then(|()| out.flush());
                verified += 1;
                if exit_after.is_some_and(|n| verified >= n) {
                    return Ok(());
                }
            }
            Err(e) => {
                answer(&stream, 401);
                eprintln!("rejected: {}", e.message());
            }
        }
    }
    Ok(())
}
