//! Text output: two-column tables, times, and JSON re-indented with its key order kept.

use iop::datetime::rfc3339;

/// Rows of `label  value`, labels padded to one width.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<(String, String)>,
}

impl Table {
    /// Adds a row.
    pub fn row(&mut self, label: &str, value: impl Into<String>) -> &mut Table {
        self.rows.push((label.to_owned(), value.into()));
        self
    }

    /// Adds a row when `value` is present.
    pub fn opt(&mut self, label: &str, value: Option<&str>) -> &mut Table {
        if let Some(v) = value {
            self.row(label, v);
        }
        self
    }

    /// The table as text, one row per line.
    pub fn render(&self) -> String {
        let width = self.rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        self.rows.iter().map(|(l, v)| format!("{l:<width$}  {v}\n")).collect()
    }
}

/// `2026-12-02T01:27:29Z (in 6d 23h)` for an epoch-ms time relative to `now_ms`.
pub fn when(at_ms: i64, now_ms: i64) -> String {
    let delta = at_ms.saturating_sub(now_ms) / 1000;
    let span = duration(delta.unsigned_abs());
    if delta >= 0 { format!("{} (in {span})", rfc3339(at_ms)) } else { format!("{} ({span} ago)", rfc3339(at_ms)) }
}

/// `6d 23h`, `2h 5m`, `1m 5s`, `59s`, rounded to the last unit shown.
pub fn duration(secs: u64) -> String {
    if secs >= 86_400 {
        let hours = (secs + 1800) / 3600;
        format!("{}d {}h", hours / 24, hours % 24)
    } else if secs >= 3600 {
        let minutes = (secs + 30) / 60;
        format!("{}h {}m", minutes / 60, minutes % 60)
    } else if secs >= 60 {
        format!("{}m {}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

/// `json` re-indented by two spaces, keys in their original order; anything that is not JSON
/// structure (strings included) is copied as is.
pub fn pretty_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let chars: Vec<char> = json.chars().collect();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                let next = chars[i..].iter().position(|n| !n.is_whitespace()).map(|p| chars[i + p]);
                if next == Some(close) {
                    out.push(c);
                    out.push(close);
                    i += chars[i..].iter().position(|n| *n == close).unwrap_or(0) + 1;
                } else {
                    depth += 1;
                    out.push(c);
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_order_and_strings() {
        let s = r#"{"z":1,"a":{"b":[1, 2],"e":{},"f":[ ]},"s":"x, {y}: \"q\" \\"}"#;
        let p = pretty_json(s);
        assert_eq!(
            p,
            "{\n  \"z\": 1,\n  \"a\": {\n    \"b\": [\n      1,\n      2\n    ],\n    \"e\": {},\n    \"f\": []\n  },\n  \"s\": \"x, {y}: \\\"q\\\" \\\\\"\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&p).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(s).unwrap());
    }

    #[test]
    fn tables_and_times() {
        let mut t = Table::default();
        t.row("a", "1").opt("long_label", Some("2")).opt("none", None);
        assert_eq!(t.render(), "a           1\nlong_label  2\n");
        assert_eq!(duration(59), "59s");
        assert_eq!(duration(3_900), "1h 5m");
        assert_eq!(duration(604_800), "7d 0h");
        assert_eq!(duration(604_799), "7d 0h");
        assert_eq!(duration(86_399), "24h 0m");
        assert_eq!(when(1_000_000, 0), "1970-01-01T00:16:40Z (in 16m 40s)");
        assert_eq!(when(0, 61_000), "1970-01-01T00:00:00Z (1m 1s ago)");
    }
}
