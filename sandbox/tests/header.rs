//! The C header generated from src/ffi.rs with cbindgen.toml: exactly the documented items,
//! valid C and C++, and identical to the committed include/iop_sandbox.h when there is one.

use std::io::Write;
use std::process::{Command, Stdio};

fn generate() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml parses");
    let bindings = cbindgen::Builder::new().with_crate(dir).with_config(config).generate().expect("header generates");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

const DECLARATIONS: [&str; 14] = [
    "typedef struct IopSandbox IopSandbox;",
    "const char *iop_sandbox_last_error_message(void);",
    "IopStatus iop_sandbox_start(const char *config_json, IopSandbox **out_sandbox);",
    "const char *iop_sandbox_url(const IopSandbox *sandbox);",
    "IopStatus iop_sandbox_issue_code(const IopSandbox *sandbox, const char *app_key, char **out_code);",
    "IopStatus iop_sandbox_advance_clock_ms(const IopSandbox *sandbox, int64_t ms);",
    "IopStatus iop_sandbox_arm_fault(const IopSandbox *sandbox, const char *route, const char *fault, uint32_t count);",
    "IopStatus iop_sandbox_clear_faults(const IopSandbox *sandbox);",
    "IopStatus iop_sandbox_route_hits(const IopSandbox *sandbox, const char *route, int64_t *out_hits);",
    "IopStatus iop_sandbox_set_limits(const IopSandbox *sandbox, const char *limits_json);",
    "IopStatus iop_sandbox_ban(const IopSandbox *sandbox, const char *app_key, const char *api, uint32_t seconds, int64_t *out_until_ms);",
    "IopStatus iop_sandbox_request_log(const IopSandbox *sandbox, char **out_json);",
    "void iop_sandbox_string_free(char *s);",
    "void iop_sandbox_free(IopSandbox *sandbox);",
];

#[test]
fn exactly_the_documented_items() {
    let h = generate();
    assert!(h.contains("#ifndef IOP_SANDBOX_H\n#define IOP_SANDBOX_H"));
    assert!(h.contains("#include <stdint.h>"));
    let code: Vec<&str> = h
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with('#') && !l.starts_with("/*") && !l.starts_with('*') && !l.starts_with("//")
        })
        .filter(|l| !matches!(*l, "extern \"C\" {" | "}  // extern \"C\""))
        .collect();
    assert_eq!(code, DECLARATIONS, "\n{h}");
    // Every function is documented, with its ownership.
    for f in [
        "iop_sandbox_last_error_message",
        "iop_sandbox_start",
        "iop_sandbox_url",
        "iop_sandbox_issue_code",
        "iop_sandbox_advance_clock_ms",
        "iop_sandbox_arm_fault",
        "iop_sandbox_clear_faults",
        "iop_sandbox_route_hits",
        "iop_sandbox_set_limits",
        "iop_sandbox_ban",
        "iop_sandbox_request_log",
        "iop_sandbox_string_free",
        "iop_sandbox_free",
    ] {
        let at = h.find(&format!("{f}(")).unwrap();
        let before = &h[..at];
        assert!(
            before.trim_end().rsplit('\n').nth(1).is_some_and(|l| l.trim_start().starts_with('*')),
            "{f} has a doc comment"
        );
    }
    assert!(h.contains("Borrowed") && h.contains("owned"));
}

fn compiles(compiler: &str, lang: &str, source: &str) -> Option<bool> {
    let mut child = Command::new(compiler)
        .args(["-x", lang, "-fsyntax-only", "-Wall", "-Wextra", "-Werror"])
        .arg(concat!("-I", env!("CARGO_MANIFEST_DIR"), "/../include"))
        .arg("-")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(source.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    Some(out.status.success())
}

#[test]
fn compiles_as_c_and_cpp() {
    let h = generate();
    let program = format!(
        "{h}\nint main(void) {{ IopSandbox *s = 0; if (iop_sandbox_start(0, &s) != IOP_OK) return 1; \
         char *c = 0; (void)iop_sandbox_issue_code(s, \"100001\", &c); iop_sandbox_string_free(c); \
         (void)iop_sandbox_url(s); (void)iop_sandbox_advance_clock_ms(s, (int64_t)-1); \
         (void)iop_sandbox_arm_fault(s, \"*\", \"reset\", 1u); (void)iop_sandbox_clear_faults(s); \
         int64_t n = 0; (void)iop_sandbox_route_hits(s, \"*\", &n); (void)iop_sandbox_last_error_message(); \
         (void)iop_sandbox_set_limits(s, \"{{}}\"); (void)iop_sandbox_ban(s, \"100001\", 0, 1u, &n); \
         (void)iop_sandbox_request_log(s, &c); iop_sandbox_string_free(c); \
         iop_sandbox_free(s); return 0; }}\n"
    );
    assert_eq!(compiles("cc", "c", &program), Some(true), "header must compile as C (is cc installed?)");
    assert_eq!(compiles("c++", "c++", &program), Some(true), "header must compile as C++ (is c++ installed?)");
}

#[test]
fn committed_header_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../include/iop_sandbox.h");
    if std::env::var_os("IOP_UPDATE_HEADER").is_some() {
        std::fs::write(path, generate()).expect("write include/iop_sandbox.h");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generate(),
        "include/iop_sandbox.h is stale: regenerate with `IOP_UPDATE_HEADER=1 cargo test -p iopkit-sandbox --test header`"
    );
}
