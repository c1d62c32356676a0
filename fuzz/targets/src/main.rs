//! `iop-fuzz`: runs the fuzz targets on stable Rust, without libFuzzer: each target gets its
//! seed corpus, then deterministic mutations of it until an execution count or a time limit is
//! reached. A failing input is saved under `target/fuzz-failures/` (replay it with `--replay`).
//! The last line is `fuzz: N passed, M failed (E executions, seed S)`, counting targets.
//!
//! Usage: iop-fuzz [--execs N] [--seconds S] [--seed N] [--replay FILE] [TARGET...]

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use iop_fuzz::mutate::{Rng, mutate};
use iop_fuzz::{TARGETS, Target, seeds};

const USAGE: &str = "usage: iop-fuzz [--execs N] [--seconds S] [--seed N] [--replay FILE] [TARGET...]";
/// Inputs kept for further mutation besides the seeds.
const POOL_LIMIT: usize = 1024;

struct Options {
    execs: u64,
    seconds: f64,
    seed: u64,
    replay: Option<PathBuf>,
    targets: Vec<Target>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options { execs: 25_000, seconds: 30.0, seed: 1, replay: None, targets: Vec::new() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--execs" => o.execs = value()?.parse().map_err(|_| "--execs: not a number")?,
            "--seconds" => o.seconds = value()?.parse().map_err(|_| "--seconds: not a number")?,
            "--seed" => o.seed = value()?.parse().map_err(|_| "--seed: not a number")?,
            "--replay" => o.replay = Some(PathBuf::from(value()?)),
            name => o.targets.push(*TARGETS.iter().find(|t| t.name == name).ok_or(format!("unknown target {name}"))?),
        }
    }
    if o.targets.is_empty() {
        o.targets = TARGETS.to_vec();
    }
    Ok(o)
}

/// Runs one input; `false` if it panicked.
fn run_one(target: &Target, input: &[u8]) -> bool {
    panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input))).is_ok()
}

fn save_failure(target: &Target, input: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}-{:016x}.bin", target.name, fingerprint(input)));
    let _ = std::fs::write(&path, input);
    path
}

fn fingerprint(input: &[u8]) -> u64 {
    input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

/// Fuzzes one target; returns (executions, passed).
fn fuzz(target: &Target, o: &Options) -> (u64, bool) {
    let seeds = match seeds(target.name) {
        Ok(s) if !s.is_empty() => s,
        Ok(_) | Err(_) => {
            println!("fuzz {}: no seed corpus in {}", target.name, iop_fuzz::seeds_dir(target.name).display());
            return (0, false);
        }
    };
    let start = Instant::now();
    let limit = Duration::from_secs_f64(o.seconds);
    let mut execs = 0u64;
    let mut failure = None;
    for seed in &seeds {
        execs += 1;
        if !run_one(target, seed) {
            failure = Some(seed.clone());
            break;
        }
    }
    let mut rng = Rng::new(o.seed ^ fingerprint(target.name.as_bytes()));
    let mut pool: Vec<Vec<u8>> = Vec::new();
    while failure.is_none() && execs < o.execs && start.elapsed() < limit {
        let parent = match rng.below(4) {
            0 if !pool.is_empty() => &pool[rng.below(pool.len())],
            _ => &seeds[rng.below(seeds.len())],
        };
        let input = mutate(&mut rng, parent, &seeds, target.dictionary);
        execs += 1;
        if !run_one(target, &input) {
            failure = Some(input);
            break;
        }
        // Keep some mutants so that edits stack up over generations.
        if rng.below(8) == 0 {
            if pool.len() < POOL_LIMIT {
                pool.push(input);
            } else {
                let i = rng.below(POOL_LIMIT);
                pool[i] = input;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    match failure {
        None => {
            println!(
                "fuzz {}: {execs} executions ({} seeds, {} mutations) in {secs:.1} s, 0 failures",
                target.name,
                seeds.len(),
                execs - seeds.len() as u64
            );
            (execs, true)
        }
        Some(input) => {
            let path = save_failure(target, &input);
            println!(
                "not ok - fuzz {}: failed after {execs} executions; input saved to {}",
                target.name,
                path.display()
            );
            (execs, false)
        }
    }
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("iop-fuzz: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &o.replay {
        let input = match std::fs::read(path) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("iop-fuzz: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        };
        let failed = o.targets.iter().filter(|t| !run_one(t, &input)).count();
        println!("fuzz: {} passed, {failed} failed", o.targets.len() - failed);
        return if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    }
    let (mut total, mut passed, mut failed) = (0, 0, 0);
    for target in &o.targets {
        let (execs, ok) = fuzz(target, &o);
        total += execs;
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    println!("fuzz: {passed} passed, {failed} failed ({total} executions, seed {})", o.seed);
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
