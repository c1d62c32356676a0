//! The one table `scripts/bench` prints: every layer's figure next to its floor and its target.
//!
//! Reads what the harnesses left in the bench directory (`target/bench`): criterion's samples
//! (`criterion/`), JMH's result file and the timing loops' sample files (`raw/`).

use std::fmt::Write as _;
use std::path::Path;

use crate::concurrent::{LATENCY_CALLS, POOL_CALLS, POOL_THREADS, latency_file, pool_file};
use crate::sources;
use crate::stats::Summary;

/// Target: build + sign a token request, µs.
pub const SIGN_TARGET_US: f64 = 2.0;
/// Target: a C ABI call's round trip over the floor client's.
pub const C_ABI_TARGET_RATIO: f64 = 1.25;
/// Target: what a binding may add over the C ABI per call, µs.
pub const BINDING_TARGET_US: f64 = 10.0;
/// Target: the most resident memory may grow from 50,000 to 100,000 calls and still be flat, KiB
/// (about one byte a call; RSS moves in 4 KiB pages).
pub const FLAT_MEMORY_KIB: f64 = 64.0;

/// Thread counts of the shared-client rows.
pub const THREADS: [u32; 3] = [1, 2, 4];
/// Target: connections a fresh client may open for 4,000 calls from 8 threads (one a thread).
pub const POOL_CONNECTIONS_TARGET: f64 = 8.0;
/// Target: calls per second of a C ABI batch of 2,000 at concurrency 16 against the 20 ms server.
pub const C_BATCH_TARGET_PER_S: f64 = 600.0;

/// A binding's row: label and sample file (under `raw/`); for JMH, the prefix of its result
/// files (`java-jmh.<round>.json`, pooled).
const BINDINGS: [(&str, &str); 4] = [
    ("Java `IopClient.execute` (JNI; JMH)", "java-jmh"),
    ("PHP `IopClient::execute` (FFI)", "php.txt"),
    (".NET `IopClient.Execute` (P/Invoke; Mono)", "dotnet.txt"),
    ("Python `IopClient.execute` (ctypes)", "python.txt"),
];

/// The rendered table and how its targets went.
pub struct Report {
    /// The markdown: a machine line, the table, a line on targets.
    pub markdown: String,
    /// Rows that could not be measured (their files were missing or unreadable).
    pub missing: Vec<String>,
    /// Targets missed, each with by how much.
    pub missed: Vec<String>,
}

/// One table row.
struct Row {
    what: String,
    median: String,
    spread: String,
    compared: String,
    target: String,
}

impl Row {
    fn section(title: &str) -> Row {
        Row {
            what: format!("**{title}**"),
            median: "".into(),
            spread: "".into(),
            compared: "".into(),
            target: "".into(),
        }
    }
}

/// Builds the report from the bench directory `dir`.
pub fn build(dir: &Path) -> Report {
    let mut b = Builder { dir, rows: Vec::new(), missing: Vec::new(), missed: Vec::new() };
    b.signing();
    b.calls();
    b.tls();
    b.threads();
    b.pool();
    b.latency();
    b.memory_and_size();
    let markdown = render(&machine_line(dir), &b.rows, &b.missed, &b.missing);
    Report { markdown, missing: b.missing, missed: b.missed }
}

struct Builder<'a> {
    dir: &'a Path,
    rows: Vec<Row>,
    missing: Vec<String>,
    missed: Vec<String>,
}

impl Builder<'_> {
    /// A summary in µs, or a "not measured" row (and the reason kept) when it is missing.
    fn us(&mut self, what: &str, samples: Result<Vec<f64>, String>) -> Option<Summary> {
        match samples.and_then(|s| Summary::of(&s).ok_or_else(|| "no usable samples".to_owned())) {
            Ok(s) => Some(s),
            Err(e) => {
                self.missing.push(format!("{what}: {e}"));
                self.rows.push(Row {
                    what: what.to_owned(),
                    median: "not measured".into(),
                    spread: "".into(),
                    compared: "".into(),
                    target: "".into(),
                });
                None
            }
        }
    }

    fn criterion_us(&self, id: &str) -> Result<Vec<f64>, String> {
        sources::criterion_ns(&self.dir.join("criterion"), id).map(|v| v.iter().map(|ns| ns / 1000.0).collect())
    }

    fn raw(&self, file: &str) -> std::path::PathBuf {
        self.dir.join("raw").join(file)
    }

    /// The scores, in µs, of every JMH result file `raw/<prefix>.*.json`.
    fn jmh_us(&self, prefix: &str) -> Result<Vec<f64>, String> {
        let dir = self.dir.join("raw");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.starts_with(&format!("{prefix}.")) && name.ends_with(".json")
            })
            .collect();
        if files.is_empty() {
            return Err(format!("{}: no {prefix}.*.json", dir.display()));
        }
        files.sort();
        let mut all = Vec::new();
        for file in files {
            let (scores, unit) = sources::jmh_scores(&file)?;
            match unit.as_str() {
                "us/op" => all.extend(scores),
                "ns/op" => all.extend(scores.iter().map(|ns| ns / 1000.0)),
                other => return Err(format!("{}: unexpected JMH unit {other}", file.display())),
            }
        }
        Ok(all)
    }

    fn time_row(&mut self, what: &str, s: Summary, compared: String, target: String) {
        self.rows.push(Row { what: what.to_owned(), median: us(s.median), spread: spread_us(s), compared, target });
    }

    fn signing(&mut self) {
        self.rows.push(Row::section("Signing (Rust, criterion)"));
        let what = "HMAC-SHA256 of the string to sign (the floor)";
        let hmac = self.us(what, self.criterion_us("sign/hmac_sha256"));
        if let Some(h) = hmac {
            self.time_row(what, h, "".into(), "".into());
        }
        let what = "build + sign a token request";
        if let Some(s) = self.us(what, self.criterion_us("sign/build_and_sign_token_request")) {
            let compared = hmac.map_or(String::new(), |h| format!("{:.1}× HMAC", s.median / h.median));
            let target = self.check(
                s.median <= SIGN_TARGET_US,
                format!("≤ {SIGN_TARGET_US} µs"),
                format!("signing: {} over the {SIGN_TARGET_US} µs target", us(s.median - SIGN_TARGET_US)),
            );
            self.time_row(what, s, compared, target);
        }
    }

    fn calls(&mut self) {
        self.rows.push(Row::section("One call over loopback, canned-response server (µs per call)"));
        let what = "floor: minimal keep-alive HTTP/1.1 client, Rust (criterion)";
        let floor = self.us(what, self.criterion_us("call/floor_client"));
        if let Some(f) = floor {
            self.time_row(what, f, "".into(), "".into());
        }
        let what = "Rust API `Client::execute` (criterion)";
        if let Some(s) = self.us(what, self.criterion_us("call/rust_api")) {
            let compared = floor.map_or(String::new(), |f| format!("{:.2}× Rust floor", s.median / f.median));
            self.time_row(what, s, compared, "".into());
        }
        let what = "floor: minimal keep-alive client, C (samples interleaved with the C ABI's)";
        let c_floor = self.us(what, sources::line_samples(&self.raw("c_floor.txt")));
        if let Some(f) = c_floor {
            self.time_row(what, f, "".into(), "".into());
        }
        let what = "C ABI `iop_client_execute` (C timing loop)";
        let c_abi = self.us(what, sources::line_samples(&self.raw("c_abi.txt")));
        if let Some(c) = c_abi {
            let (compared, target) = match c_floor {
                Some(f) => {
                    let ratio = c.median / f.median;
                    let limit = f.median * C_ABI_TARGET_RATIO;
                    let target = self.check(
                        ratio <= C_ABI_TARGET_RATIO,
                        format!("≤ {C_ABI_TARGET_RATIO}× floor"),
                        format!(
                            "C ABI call: {ratio:.2}× the floor, {} over {C_ABI_TARGET_RATIO}× ({})",
                            us(c.median - limit),
                            us(limit)
                        ),
                    );
                    (format!("{ratio:.2}× C floor"), target)
                }
                None => (String::new(), format!("≤ {C_ABI_TARGET_RATIO}× floor: no floor")),
            };
            self.time_row(what, c, compared, target);
        }
        for (what, file) in BINDINGS {
            let samples =
                if file.ends_with(".txt") { sources::line_samples(&self.raw(file)) } else { self.jmh_us(file) };
            if let Some(s) = self.us(what, samples) {
                let (compared, target) = match c_abi {
                    Some(c) => {
                        let over = s.median - c.median;
                        let name = what.split_whitespace().next().unwrap_or(what);
                        let target = self.check(
                            over <= BINDING_TARGET_US,
                            format!("≤ +{BINDING_TARGET_US} µs"),
                            format!(
                                "{name}: +{} over the C ABI, {} over the target",
                                us(over),
                                us(over - BINDING_TARGET_US)
                            ),
                        );
                        (format!("{}{} over C ABI", if over >= 0.0 { "+" } else { "−" }, us(over.abs())), target)
                    }
                    None => (String::new(), format!("≤ +{BINDING_TARGET_US} µs: no C ABI figure")),
                };
                self.time_row(what, s, compared, target);
            }
        }
    }

    fn threads(&mut self) {
        self.rows.push(Row::section("One Rust client shared by N threads (calls per second)"));
        let mut single: Option<f64> = None;
        for n in THREADS {
            let what = format!("{n} thread{}", if n == 1 { "" } else { "s" });
            // One criterion iteration is one call on each of the n threads.
            let samples = sources::criterion_ns(&self.dir.join("criterion"), &format!("threads/{n}"))
                .map(|v| v.iter().map(|ns| f64::from(n) * 1e9 / ns).collect());
            if let Some(s) = self.us(&what, samples) {
                let compared = match single {
                    Some(one) => format!("{:.2}× 1 thread", s.median / one),
                    None => "".into(),
                };
                single = single.or(Some(s.median));
                self.rows.push(Row {
                    what,
                    median: format!("{}/s", thousands(s.median)),
                    spread: format!("{}–{}/s", thousands(s.p25), thousands(s.p75)),
                    compared,
                    target: "".into(),
                });
            }
        }
    }

    fn rate_row(&mut self, what: String, s: Summary, compared: String, target: String) {
        let spread = if s.n > 1 { format!("{}–{}/s", thousands(s.p25), thousands(s.p75)) } else { "1 run".into() };
        self.rows.push(Row { what, median: format!("{}/s", thousands(s.median)), spread, compared, target });
    }

    fn tls(&mut self) {
        self.rows.push(Row::section(
            "One call over HTTPS, loopback, verified against the run's CA (µs per call; one keep-alive connection)",
        ));
        let plain = |b: &Self, id: &str| b.criterion_us(id).ok().and_then(|v| Summary::of(&v));
        let over_plain = |s: Summary, p: Option<Summary>| {
            p.map_or(String::new(), |p| format!("; {} over plain HTTP", signed_us(s.median - p.median)))
        };
        let what = "floor: minimal keep-alive client over one rustls session, Rust (criterion)";
        let floor = self.us(what, self.criterion_us("tls/floor_client"));
        if let Some(f) = floor {
            let compared = over_plain(f, plain(self, "call/floor_client")).trim_start_matches("; ").to_owned();
            self.time_row(what, f, compared, "".into());
        }
        let what = "Rust API `Client::execute` over TLS, `ca_bundle_pem` = the CA (criterion)";
        if let Some(s) = self.us(what, self.criterion_us("tls/rust_api")) {
            let ratio = floor.map_or(String::new(), |f| format!("{:.2}× Rust TLS floor", s.median / f.median));
            let compared = format!("{ratio}{}", over_plain(s, plain(self, "call/rust_api")));
            self.time_row(what, s, compared.trim_start_matches("; ").to_owned(), "".into());
        }
        let line = |b: &Self, file: &str| sources::line_samples(&b.raw(file)).ok().and_then(|v| Summary::of(&v));
        let what = "floor: minimal keep-alive client over one OpenSSL session, C (interleaved with the C ABI's)";
        let c_floor = self.us(what, sources::line_samples(&self.raw("c_floor_tls.txt")));
        if let Some(f) = c_floor {
            let compared = over_plain(f, line(self, "c_floor.txt")).trim_start_matches("; ").to_owned();
            self.time_row(what, f, compared, "".into());
        }
        let what = "C ABI `iop_client_execute` over TLS, `iop_config_set_ca_bundle` (C timing loop)";
        if let Some(s) = self.us(what, sources::line_samples(&self.raw("c_abi_tls.txt"))) {
            let ratio = c_floor.map_or(String::new(), |f| format!("{:.2}× C TLS floor", s.median / f.median));
            let compared = format!("{ratio}{}", over_plain(s, line(self, "c_abi.txt")));
            self.time_row(what, s, compared.trim_start_matches("; ").to_owned(), "".into());
        }
    }

    fn pool(&mut self) {
        self.rows.push(Row::section(&format!(
            "One fresh Rust client shared by N threads, {} calls in all (calls per second; connections the server accepted)",
            thousands(POOL_CALLS as f64)
        )));
        let mut single: Option<f64> = None;
        for n in POOL_THREADS {
            let what = format!("{n} thread{}", if n == 1 { "" } else { "s" });
            let Some(rate) = self.us(&what, sources::line_samples(&self.raw(&pool_file("rate", n)))) else { continue };
            let conns = sources::line_samples(&self.raw(&pool_file("conns", n)));
            let (opened, target) = match conns.as_deref().ok().and_then(Summary::of) {
                Some(c) => {
                    let most = conns.as_deref().unwrap_or(&[]).iter().copied().fold(0.0, f64::max);
                    let plural = |v: f64| if v == 1.0 { "" } else { "s" };
                    let opened = if c.n > 1 {
                        format!(
                            "{:.0} connection{} opened (most in one of {} runs: {most:.0})",
                            c.median,
                            plural(c.median),
                            c.n
                        )
                    } else {
                        format!("{:.0} connection{} opened", c.median, plural(c.median))
                    };
                    let target = if n == 8 {
                        self.check(
                            most <= POOL_CONNECTIONS_TARGET,
                            format!("≤ {POOL_CONNECTIONS_TARGET} connections"),
                            format!(
                                "pool: 8 threads × {} calls opened {most:.0} connections, over {POOL_CONNECTIONS_TARGET}",
                                thousands(POOL_CALLS as f64)
                            ),
                        )
                    } else {
                        String::new()
                    };
                    (opened, target)
                }
                None => {
                    let e = conns.err().unwrap_or_else(|| "no usable samples".into());
                    self.missing.push(format!("{what} (connections): {e}"));
                    (
                        "connections: not measured".into(),
                        if n == 8 { "≤ 8 connections: not measured".into() } else { String::new() },
                    )
                }
            };
            let times = single.map_or(String::new(), |one| format!("{:.2}× 1 thread; ", rate.median / one));
            single = single.or(Some(rate.median));
            self.rate_row(what, rate, format!("{times}{opened}"), target);
        }
    }

    fn latency(&mut self) {
        self.rows.push(Row::section(&format!(
            "Latency-bound: {} calls through one client to a server answering each request 20 ms after reading it \
             (calls per second)",
            thousands(LATENCY_CALLS as f64)
        )));
        for (lang, label, threads, batch) in [
            ("rust", "Rust", "`Client::execute` from 16 threads", "batch `Client::execute_all`, concurrency 16"),
            ("c", "C ABI", "`iop_client_execute` from 16 threads", "batch `iop_client_execute_batch`, concurrency 16"),
        ] {
            let file = self.raw(&latency_file(lang, "sequential"));
            // The file's comment says how many calls (fewer with --quick).
            let calls = std::fs::read_to_string(&file).ok().and_then(|text| {
                let head = text.lines().next()?.strip_prefix('#')?.to_owned();
                let before = head.split(" calls one after another").next().filter(|b| b.len() < head.len())?;
                before.rsplit(' ').next()?.parse::<f64>().ok()
            });
            let what = match calls {
                Some(n) => format!("{label}: sequential, one thread ({} calls)", thousands(n)),
                None => format!("{label}: sequential, one thread"),
            };
            let seq = self.us(&what, sources::line_samples(&file));
            if let Some(s) = seq {
                self.rate_row(what, s, format!("{:.1} ms a call", 1000.0 / s.median), "".into());
            }
            for (mode, name) in [("threads", threads), ("batch", batch)] {
                let what = format!("{label}: {name}");
                let Some(s) = self.us(&what, sources::line_samples(&self.raw(&latency_file(lang, mode)))) else {
                    continue;
                };
                let compared = seq.map_or(String::new(), |q| format!("{:.1}× sequential", s.median / q.median));
                let target = if lang == "c" && mode == "batch" {
                    self.check(
                        s.median >= C_BATCH_TARGET_PER_S,
                        format!("≥ {C_BATCH_TARGET_PER_S}/s"),
                        format!(
                            "C batch: {}/s, {}/s under the {C_BATCH_TARGET_PER_S}/s target",
                            thousands(s.median),
                            thousands(C_BATCH_TARGET_PER_S - s.median)
                        ),
                    )
                } else {
                    String::new()
                };
                self.rate_row(what, s, compared, target);
            }
        }
    }

    fn memory_and_size(&mut self) {
        self.rows.push(Row::section("Memory and size"));
        let what = "peak RSS of a process making 100,000 C ABI calls";
        match sources::key_values(&self.raw("memory.txt")) {
            Ok(kv) => {
                let kib = |k: &str| kv.get(k).and_then(|v| v.parse::<f64>().ok());
                match (kib("peak_kb"), kib("rss_kb_10000"), kib("rss_kb_50000"), kib("rss_kb_100000")) {
                    (Some(peak), Some(at10), Some(at50), Some(at100)) => {
                        let growth = at100 - at50;
                        let target = self.check(
                            growth <= FLAT_MEMORY_KIB,
                            format!("flat (≤ {FLAT_MEMORY_KIB} KiB over the last 50k calls)"),
                            format!("memory: RSS grew {growth} KiB from 50,000 to 100,000 calls"),
                        );
                        self.rows.push(Row {
                            what: what.into(),
                            median: mib(peak),
                            spread: "".into(),
                            compared: format!(
                                "RSS after 10k / 50k / 100k calls: {:.0} / {:.0} / {:.0} KiB",
                                at10, at50, at100
                            ),
                            target,
                        });
                    }
                    _ => {
                        let _ = self.us(what, Err("memory.txt lacks peak_kb or rss_kb_{10000,50000,100000}".into()));
                    }
                }
            }
            Err(e) => {
                let _ = self.us(what, Err(e));
            }
        }
        let what = "libiop.so (release), stripped";
        match sources::key_values(&self.raw("libsize.txt")) {
            Ok(kv) => match (kv.get("stripped_bytes"), kv.get("unstripped_bytes")) {
                (Some(s), Some(u)) => {
                    let (s, u) = (s.parse::<f64>().unwrap_or(f64::NAN), u.parse::<f64>().unwrap_or(f64::NAN));
                    self.rows.push(Row {
                        what: what.into(),
                        median: format!("{} B", thousands(s)),
                        spread: "".into(),
                        compared: format!("{:.2} MiB; {} B before strip", s / 1048576.0, thousands(u)),
                        target: "".into(),
                    });
                }
                _ => {
                    let _ = self.us(what, Err("libsize.txt lacks stripped_bytes or unstripped_bytes".into()));
                }
            },
            Err(e) => {
                let _ = self.us(what, Err(e));
            }
        }
    }

    /// The target cell: "met" or "missed", keeping what was missed.
    fn check(&mut self, met: bool, target: String, missed: String) -> String {
        if met {
            format!("{target}: met")
        } else {
            self.missed.push(missed);
            format!("{target}: **missed**")
        }
    }
}

fn machine_line(dir: &Path) -> String {
    let kv = sources::key_values(&dir.join("raw").join("machine.txt")).unwrap_or_default();
    let get = |k: &str| kv.get(k).map_or("?", String::as_str);
    format!(
        "Machine: {} cores, {}, Linux {}, {}; {}. Load average (1, 5, 15 min) at start: {}; at the end of \
         the timed steps: {}. Run: `scripts/bench{}`.",
        get("cores"),
        get("cpu"),
        get("kernel"),
        get("rustc"),
        get("runtimes"),
        get("load"),
        get("load_end"),
        if get("mode") == "quick" { " --quick" } else { "" }
    )
}

fn render(machine: &str, rows: &[Row], missed: &[String], missing: &[String]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{machine}\n");
    let _ = writeln!(out, "| what | median | spread (p25–p75) | compared with | target |");
    let _ = writeln!(out, "|---|---:|---:|---|---|");
    for r in rows {
        let _ = writeln!(out, "| {} | {} | {} | {} | {} |", r.what, r.median, r.spread, r.compared, r.target);
    }
    let _ = writeln!(out);
    if missed.is_empty() {
        let _ = writeln!(out, "Targets: all met.");
    } else {
        let _ = writeln!(out, "Targets missed: {}.", missed.join("; "));
    }
    if !missing.is_empty() {
        let _ = writeln!(out, "Not measured: {}.", missing.join("; "));
    }
    out
}

/// Microseconds with 3 significant figures or so.
fn us(v: f64) -> String {
    match v.abs() {
        a if a < 10.0 => format!("{v:.2} µs"),
        a if a < 100.0 => format!("{v:.1} µs"),
        _ => format!("{v:.0} µs"),
    }
}

/// A difference in µs with its sign: "+1.20 µs", "−0.50 µs".
fn signed_us(v: f64) -> String {
    format!("{}{}", if v < 0.0 { "−" } else { "+" }, us(v.abs()))
}

fn spread_us(s: Summary) -> String {
    let (lo, hi) = (us(s.p25), us(s.p75));
    format!("{}–{}", lo.trim_end_matches(" µs"), hi)
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

/// An integer with thin-space-free comma grouping: 1234567 → "1,234,567".
fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::concurrent::{latency_file, pool_file};
    use std::fs;

    #[test]
    fn formats() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(us(1.234), "1.23 µs");
        assert_eq!(us(23.45), "23.4 µs");
        assert_eq!(signed_us(-1.25), "−1.25 µs");
        assert_eq!(signed_us(1.25), "+1.25 µs");
        assert_eq!(spread_us(Summary { median: 2.0, p25: 1.5, p75: 2.5, n: 3 }), "1.50–2.50 µs");
    }

    #[test]
    fn judges_targets_and_names_missing_rows() {
        let dir = std::env::temp_dir().join(format!("iop-bench-report-{}", std::process::id()));
        let raw = dir.join("raw");
        fs::create_dir_all(&raw).unwrap();
        let crit = |id: &str, ns: &str| {
            let d = dir.join("criterion").join(id).join("new");
            fs::create_dir_all(&d).unwrap();
            fs::write(d.join("sample.json"), format!(r#"{{"iters":[1,1,1],"times":[{ns}]}}"#)).unwrap();
        };
        crit("sign/hmac_sha256", "500,500,500");
        crit("sign/build_and_sign_token_request", "3000,3000,3000");
        crit("call/floor_client", "20000,20000,20000");
        fs::write(raw.join("c_floor.txt"), "20\n19\n21\n").unwrap();
        fs::write(raw.join("c_abi.txt"), "24\n24\n24\n").unwrap();
        fs::write(raw.join("python.txt"), "40\n40\n40\n").unwrap();
        let jmh = |round: u32, score: f64| {
            let json = format!(r#"[{{"primaryMetric":{{"scoreUnit":"us/op","rawData":[[{score},{score}]]}}}}]"#);
            fs::write(raw.join(format!("java-jmh.{round}.json")), json).unwrap();
        };
        jmh(1, 26.0);
        jmh(2, 30.0);
        jmh(3, 30.0);
        fs::write(raw.join("memory.txt"), "peak_kb=8000\nrss_kb_10000=7700\nrss_kb_50000=7950\nrss_kb_100000=7950\n")
            .unwrap();
        let report = build(&dir);
        assert!(
            report.markdown.contains("| C ABI `iop_client_execute` (C timing loop) | 24.0 µs |"),
            "{}",
            report.markdown
        );
        assert!(report.markdown.contains("| 1.20× C floor | ≤ 1.25× floor: met |"), "{}", report.markdown);
        assert_eq!(report.missed.len(), 2, "{:?}", report.missed); // signing 3 µs, Python +16 µs
        assert!(report.missed[0].starts_with("signing: 1.00 µs over"));
        assert!(report.missed[1].starts_with("Python: +16.0 µs over the C ABI"));
        assert!(
            report.markdown.contains(
                "| Java `IopClient.execute` (JNI; JMH) | 30.0 µs | 27.0–30.0 µs | +6.00 µs over C ABI | ≤ +10 µs: met |"
            ),
            "{}",
            report.markdown
        );
        assert!(report.missing.iter().any(|m| m.starts_with("Rust API")));
        assert!(report.missing.iter().any(|m| m.starts_with("libiop.so")));
        assert!(report.markdown.contains("7700 / 7950 / 7950 KiB | flat (≤ 64 KiB over the last 50k calls): met"));
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn many_calls_rows() {
        let dir = std::env::temp_dir().join(format!("iop-bench-report-many-{}", std::process::id()));
        let raw = dir.join("raw");
        fs::create_dir_all(&raw).unwrap();
        for (n, rate, conns) in [(1, "10000\n12000\n", "1\n1\n"), (2, "15000\n", "2\n"), (4, "18000\n", "4\n")] {
            fs::write(raw.join(pool_file("rate", n)), rate).unwrap();
            fs::write(raw.join(pool_file("conns", n)), conns).unwrap();
        }
        fs::write(raw.join(pool_file("rate", 8)), "20000\n21000\n22000\n").unwrap();
        fs::write(raw.join(pool_file("conns", 8)), "8\n8\n9\n").unwrap();
        fs::write(raw.join(latency_file("c", "sequential")), "# C ABI: 200 calls one after another, calls/s\n47\n")
            .unwrap();
        fs::write(raw.join(latency_file("c", "threads")), "700\n720\n").unwrap();
        fs::write(raw.join(latency_file("c", "batch")), "760\n780\n").unwrap();
        fs::write(raw.join("c_abi_tls.txt"), "60\n").unwrap();
        fs::write(raw.join("c_floor_tls.txt"), "30\n").unwrap();
        fs::write(raw.join("c_abi.txt"), "40\n").unwrap();
        let report = build(&dir);
        let md = &report.markdown;
        assert!(md.contains("| 8 threads | 21,000/s | 20,500–21,500/s | 1.91× 1 thread; 8 connections opened (most in one of 3 runs: 9) | ≤ 8 connections: **missed** |"), "{md}");
        assert!(md.contains("| 2 threads | 15,000/s | 1 run | 1.36× 1 thread; 2 connections opened |  |"));
        assert!(
            md.contains(
                "| 1 thread | 11,000/s | 10,500–11,500/s | 1 connection opened (most in one of 2 runs: 1) |  |"
            ),
            "{md}"
        );
        assert!(
            md.contains("| C ABI: sequential, one thread (200 calls) | 47/s | 1 run | 21.3 ms a call |  |"),
            "{md}"
        );
        assert!(md.contains("| 16.4× sequential | ≥ 600/s: met |"), "{md}");
        assert!(md.contains("| 60.0 µs | 60.0–60.0 µs | 2.00× C TLS floor; +20.0 µs over plain HTTP |  |"), "{md}");
        assert!(report.missed.iter().any(|m| m.starts_with("pool: 8 threads × 4,000 calls opened 9 connections")));
        assert!(report.missing.iter().any(|m| m.starts_with("Rust: sequential")));
        let _ = fs::remove_dir_all(dir);
    }
}
