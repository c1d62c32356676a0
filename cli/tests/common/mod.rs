//! Helpers for the `iop` tests: run the built binary in a clean environment, against an
//! in-process sandbox, and check that the app secret never shows up in what it prints.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub use iop_sandbox::{Config, Flavour, Sandbox};

/// The sandbox's default refreshable app.
pub const APP_KEY: &str = iop_sandbox::DEFAULT_APP_KEY;
/// Its secret: must never appear in anything `iop` prints (but `iop sandbox`'s banner).
pub const APP_SECRET: &str = iop_sandbox::DEFAULT_APP_SECRET;

/// What a run of `iop` gave.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Both streams.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Asserts the exit code, showing the output otherwise.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "exit code; stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// Standard output as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// `iop` with no credentials in its environment and no profile file to find.
pub fn iop() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iop"));
    for var in [
        "IOP_GATEWAY",
        "IOP_APP_KEY",
        "IOP_APP_SECRET",
        "IOP_PROFILE",
        "IOP_PROFILE_FILE",
        "IOP_ACCESS_TOKEN",
        "IOP_REFRESH_TOKEN",
        "IOP_CODE",
        "XDG_CONFIG_HOME",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", "/nonexistent/iop-cli-tests").env("RUST_BACKTRACE", "0");
    cmd
}

/// `iop` with the sandbox's default app on `flavour`'s gateway, from the environment.
pub fn iop_for(sb: &Sandbox, flavour: Flavour) -> Command {
    let mut cmd = iop();
    cmd.env("IOP_GATEWAY", sb.base_url(flavour)).env("IOP_APP_KEY", APP_KEY).env("IOP_APP_SECRET", APP_SECRET);
    cmd
}

/// Runs `cmd` with `args` and `stdin`; asserts the app secret was not printed.
pub fn run_with_stdin(cmd: &mut Command, args: &[&str], stdin: &str) -> Run {
    let mut child =
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("iop starts");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!run.all().contains(APP_SECRET), "the app secret was printed by iop {args:?}:\n{}", run.all());
    run
}

/// Runs `cmd` with `args` and an empty standard input.
pub fn run(cmd: &mut Command, args: &[&str]) -> Run {
    run_with_stdin(cmd, args, "")
}

/// A sandbox with the default apps.
pub fn sandbox() -> Sandbox {
    Sandbox::start(Config::default()).expect("sandbox starts")
}

/// A new, empty directory for one test.
pub fn temp_dir() -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir =
        std::env::temp_dir().join(format!("iop-cli-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A server answering every request with `status` and `body` (and no `Date` header); its base URL.
pub fn canned_server(status: u16, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/rest", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 65536];
            let mut seen = Vec::new();
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text[..end]
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if seen.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    url
}

/// A loopback base URL where nothing listens.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/rest")
}

/// A fresh authorization code from the sandbox for the default app.
pub fn code(sb: &Sandbox) -> String {
    sb.issue_code(APP_KEY).expect("known app")
}

/// A token (JSON) created through `iop token create --json`.
pub fn create_token(sb: &Sandbox) -> serde_json::Value {
    run(&mut iop_for(sb, Flavour::Lazada), &["token", "create", "--code", &code(sb), "--json"]).expect(0).json()
}
