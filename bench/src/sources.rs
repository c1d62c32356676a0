//! Readers of the samples each harness leaves behind: criterion's `sample.json`, JMH's JSON
//! result file, and the plain files of the timing loops (one sample a line; `key=value` lines).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

/// Reads a file, naming it in the error.
fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses JSON, naming the file in the error.
fn json(path: &Path) -> Result<Value, String> {
    serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// Criterion's samples of benchmark `id` (`group/function`) under `home` (`CRITERION_HOME`):
/// the time of one iteration in each sample, in nanoseconds.
pub fn criterion_ns(home: &Path, id: &str) -> Result<Vec<f64>, String> {
    let path = home.join(id).join("new").join("sample.json");
    let value = json(&path)?;
    let numbers = |key: &str| -> Result<Vec<f64>, String> {
        value[key]
            .as_array()
            .ok_or_else(|| format!("{}: no `{key}` array", path.display()))?
            .iter()
            .map(|v| v.as_f64().ok_or_else(|| format!("{}: `{key}` holds a non-number", path.display())))
            .collect()
    };
    let (iters, times) = (numbers("iters")?, numbers("times")?);
    if iters.len() != times.len() || iters.iter().any(|&i| i <= 0.0) {
        return Err(format!("{}: `iters` and `times` do not match", path.display()));
    }
    Ok(times.iter().zip(&iters).map(|(t, i)| t / i).collect())
}

/// JMH's per-iteration scores (every fork) of the one benchmark in a `-rf json` result file,
/// with the score's unit.
pub fn jmh_scores(path: &Path) -> Result<(Vec<f64>, String), String> {
    let value = json(path)?;
    let metric = &value[0]["primaryMetric"];
    let unit = metric["scoreUnit"].as_str().ok_or_else(|| format!("{}: no primaryMetric", path.display()))?;
    let scores: Vec<f64> = metric["rawData"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_f64)
        .collect();
    if scores.is_empty() {
        return Err(format!("{}: no rawData", path.display()));
    }
    Ok((scores, unit.to_owned()))
}

/// Samples written one per line (blank lines and `#` comments skipped).
pub fn line_samples(path: &Path) -> Result<Vec<f64>, String> {
    let text = read(path)?;
    let samples = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.parse::<f64>().map_err(|_| format!("{}: not a number: {l:?}", path.display())))
        .collect::<Result<Vec<_>, _>>()?;
    if samples.is_empty() {
        return Err(format!("{}: no samples", path.display()));
    }
    Ok(samples)
}

/// `key=value` lines.
pub fn key_values(path: &Path) -> Result<BTreeMap<String, String>, String> {
    Ok(read(path)?
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("iop-bench-sources-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_each_format() {
        let home = std::env::temp_dir().join(format!("iop-bench-crit-{}", std::process::id()));
        let dir = home.join("g/f/new");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("sample.json"), r#"{"sampling_mode":"Flat","iters":[2.0,4.0],"times":[10.0,40.0]}"#)
            .unwrap();
        assert_eq!(criterion_ns(&home, "g/f").unwrap(), vec![5.0, 10.0]);
        assert!(criterion_ns(&home, "g/missing").unwrap_err().contains("missing"));

        let jmh = temp("jmh.json", r#"[{"primaryMetric":{"scoreUnit":"us/op","rawData":[[1.5,2.5],[3.5]]}}]"#);
        assert_eq!(jmh_scores(&jmh).unwrap(), (vec![1.5, 2.5, 3.5], "us/op".to_owned()));

        let lines = temp("s.txt", "# µs per call\n12.5\n\n13\n");
        assert_eq!(line_samples(&lines).unwrap(), vec![12.5, 13.0]);
        assert!(line_samples(&temp("bad.txt", "x\n")).is_err());

        let kv = temp("kv.txt", "a=1\nb = two words\n");
        assert_eq!(key_values(&kv).unwrap()["b"], "two words");
        let _ = fs::remove_dir_all(home);
    }
}
