//! The profile file: `[name]` sections of `key = value` lines, refused unless only its owner
//! can read it (mode 0600).
//!
//! ```text
//! # ~/.config/iop/profiles.ini
//! [prod-sg]
//! gateway = https://api.lazada.sg/rest
//! app_key = 123456
//! app_secret = "…"
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use iop::Secret;

use crate::failure::Failure;

/// Keys a profile may set.
const KEYS: [&str; 3] = ["gateway", "app_key", "app_secret"];

/// One profile's values.
#[derive(Debug, Default)]
pub struct Profile {
    /// Gateway base URL.
    pub gateway: Option<String>,
    /// App key.
    pub app_key: Option<String>,
    /// App secret.
    pub app_secret: Option<Secret>,
}

/// Where the profile file is: `$IOP_PROFILE_FILE`, else `$XDG_CONFIG_HOME/iop/profiles.ini`,
/// else `~/.config/iop/profiles.ini`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("IOP_PROFILE_FILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|p| !p.is_empty()).map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("iop").join("profiles.ini"))
}

/// Reads profile `name` from the file at `path`, after checking that its mode is 0600.
pub fn load(path: &Path, name: &str) -> Result<Profile, Failure> {
    let shown = path.display();
    let meta = fs::metadata(path).map_err(|e| {
        Failure::usage(format!("cannot read the profile file {shown}: {e}"))
            .hint("create it with mode 0600, or set IOP_PROFILE_FILE to its path")
    })?;
    check_mode(path, &meta)?;
    let text =
        fs::read_to_string(path).map_err(|e| Failure::usage(format!("cannot read the profile file {shown}: {e}")))?;
    let sections = parse(&text).map_err(|e| Failure::usage(format!("profile file {shown}: {e}")))?;
    let values = sections.get(name).ok_or_else(|| {
        let known: Vec<&str> = sections.keys().map(String::as_str).collect();
        Failure::usage(format!("profile file {shown} has no [{name}] section"))
            .hint(format!("profiles in it: {}", if known.is_empty() { "none".into() } else { known.join(", ") }))
    })?;
    Ok(Profile {
        gateway: values.get("gateway").cloned(),
        app_key: values.get("app_key").cloned(),
        app_secret: values.get("app_secret").map(Secret::new),
    })
}

#[cfg(unix)]
fn check_mode(path: &Path, meta: &fs::Metadata) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Failure::usage(format!(
            "refusing the profile file {}: its mode is {mode:04o}, so other users can read the app secret in it",
            path.display()
        ))
        .hint(format!("chmod 600 {}", path.display())));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _meta: &fs::Metadata) -> Result<(), Failure> {
    Ok(())
}

/// Sections → key → value. Errors name the line, never its content (it may be a secret).
fn parse(text: &str) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    let mut sections: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let n = i + 1;
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("line {n}: empty section name"));
            }
            sections.entry(name.to_owned()).or_default();
            current = Some(name.to_owned());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("line {n}: expected `key = value` or `[profile]`"));
        };
        let key = key.trim();
        if !KEYS.contains(&key) {
            return Err(format!("line {n}: unknown key `{key}` (known: {})", KEYS.join(", ")));
        }
        let Some(section) = current.as_ref() else {
            return Err(format!("line {n}: `{key}` before any [profile] section"));
        };
        let value = value.trim();
        let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
        sections.entry(section.clone()).or_default().insert(key.to_owned(), value.to_owned());
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_quotes() {
        let s = parse("# c\n[a]\ngateway = https://h/rest\napp_key=1\napp_secret = \"s = t\"\n\n[b]\n").unwrap();
        assert_eq!(s["a"]["gateway"], "https://h/rest");
        assert_eq!(s["a"]["app_key"], "1");
        assert_eq!(s["a"]["app_secret"], "s = t");
        assert!(s["b"].is_empty());
    }

    #[test]
    fn errors_never_quote_values() {
        let e = parse("[a]\nthis-is-secret\n").unwrap_err();
        assert!(e.contains("line 2") && !e.contains("this-is-secret"), "{e}");
        assert!(parse("app_key = 1\n").unwrap_err().contains("before any"));
        assert!(parse("[a]\napp_secrt = x\n").unwrap_err().contains("unknown key `app_secrt`"));
        assert!(parse("[]\n").is_err());
    }
}
