//! `iop-abigen [--check] [--root DIR]`: regenerates the bindings' glue files from
//! `include/iop.h`, or with `--check` reports the ones that are out of date (exit status 1).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: iop-abigen [--check] [--root DIR]

Parses <root>/include/iop.h and writes the files the language emitters generate from it
(only those whose contents changed). With --check, writes nothing and exits with status 1
when a generated file is missing or stale. DIR defaults to the workspace root.";

fn main() -> ExitCode {
    let mut check = false;
    let mut root: Option<PathBuf> = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--check") => check = true,
            Some("--root") => match args.next() {
                Some(dir) => root = Some(dir.into()),
                None => return usage_error("--root needs a directory"),
            },
            Some("-h" | "--help") => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => return usage_error(&format!("unexpected argument `{}`", arg.to_string_lossy())),
        }
    }
    let root = root.unwrap_or_else(iopkit_abigen::default_root);
    match run(&root, check) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("abigen: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(root: &std::path::Path, check: bool) -> Result<ExitCode, iopkit_abigen::Error> {
    let files = iopkit_abigen::generate(root)?;
    if check {
        let drifts = iopkit_abigen::check(root, &files)?;
        if drifts.is_empty() {
            println!("abigen: {} up to date", files_count(files.len()));
            return Ok(ExitCode::SUCCESS);
        }
        for drift in &drifts {
            eprintln!("abigen: {drift}");
        }
        eprintln!(
            "abigen: {} of {} out of date; run `cargo run -p iopkit-abigen` to regenerate",
            drifts.len(),
            files_count(files.len())
        );
        return Ok(ExitCode::from(1));
    }
    let written = iopkit_abigen::write_changed(root, &files)?;
    for path in &written {
        println!("abigen: wrote {}", path.display());
    }
    if written.is_empty() {
        println!("abigen: {} up to date", files_count(files.len()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `1 file`, `3 files`.
fn files_count(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("abigen: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
