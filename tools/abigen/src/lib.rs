//! iop-abigen: reads the C ABI of `libiop` from the committed `include/iop.h` (cbindgen output),
//! parses it into a typed model ([`model`]) and runs the per-language emitters ([`emit`]) that
//! generate the bindings' glue files; `--check` (and `tests/drift.rs`) fails when the files on
//! disk differ from what the current header gives.
//!
//! Emitter authors need [`model`] (the ABI and its helpers), [`names`] (case conversions) and
//! [`emit::generated_banner`] / [`emit::comment_lines`] / [`GeneratedFile`].

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub mod emit;
pub mod model;
pub mod names;
pub mod parse;

pub use emit::GeneratedFile;
pub use model::Abi;
pub use parse::{ParseError, parse_header};

/// Path of the header that describes the ABI, relative to the workspace root.
pub const HEADER: &str = "include/iop.h";

/// A failure to read the header or a generated file, or to parse the header.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing `path` failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The header at `path` does not parse.
    Parse {
        /// The header.
        path: PathBuf,
        /// What the parser rejected.
        source: ParseError,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Parse { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Parse { source, .. } => Some(source),
        }
    }
}

/// A generated file whose contents on disk differ from what the emitters produce.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// 1-based number of the first differing line; `None` when the file is missing.
    pub first_difference: Option<usize>,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.first_difference {
            None => write!(f, "{}: missing", self.path.display()),
            Some(line) => write!(f, "{}: stale (first difference at line {line})", self.path.display()),
        }
    }
}

/// The workspace root: two levels above this crate's manifest directory when
/// `include/iop.h` is there, else the current directory.
pub fn default_root() -> PathBuf {
    let compiled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if compiled.join(HEADER).is_file() {
        compiled.canonicalize().unwrap_or(compiled)
    } else {
        std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
    }
}

/// Reads and parses `<root>/include/iop.h`.
pub fn load(root: &Path) -> Result<Abi, Error> {
    let path = root.join(HEADER);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?;
    parse_header(&text).map_err(|source| Error::Parse { path: PathBuf::from(HEADER), source })
}

/// Parses the header under `root` and runs every emitter ([`emit::all`]).
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    Ok(emit::all(&load(root)?))
}

/// The files among `files` whose contents under `root` differ (or that are missing).
pub fn check(root: &Path, files: &[GeneratedFile]) -> Result<Vec<Drift>, Error> {
    let mut drifts = Vec::new();
    for file in files {
        let first_difference = match read_existing(&root.join(&file.path))? {
            None => None,
            Some(old) if old == file.contents.as_bytes() => continue,
            Some(old) => Some(first_difference(&String::from_utf8_lossy(&old), &file.contents)),
        };
        drifts.push(Drift { path: file.path.clone(), first_difference });
    }
    Ok(drifts)
}

/// Writes each of `files` under `root` whose contents changed (creating parent directories)
/// and returns their paths.
pub fn write_changed(root: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        if read_existing(&path)?.is_some_and(|old| old == file.contents.as_bytes()) {
            continue;
        }
        let io = |source| Error::Io { path: path.clone(), source };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, &file.contents).map_err(io)?;
        written.push(file.path.clone());
    }
    Ok(written)
}

/// The contents of `path`, or `None` when it does not exist.
fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { path: path.to_path_buf(), source }),
    }
}

/// 1-based number of the first line where `old` and `new` differ (a missing final newline
/// counts as a difference on the line after the last).
fn first_difference(old: &str, new: &str) -> usize {
    let (mut old_lines, mut new_lines) = (old.split('\n'), new.split('\n'));
    let mut line = 1;
    loop {
        match (old_lines.next(), new_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            _ => return line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_differences() {
        assert_eq!(first_difference("a\nb\nc\n", "a\nB\nc\n"), 2);
        assert_eq!(first_difference("a\nb\n", "a\nb\nc\n"), 3);
        assert_eq!(first_difference("a\nb", "a\nb\n"), 3);
        assert_eq!(first_difference("", "x"), 1);
    }

    #[test]
    fn check_and_write() {
        let root = std::env::temp_dir().join(format!("iop-abigen-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let files = vec![
            GeneratedFile::new("a/one.txt", "# banner\none\n"),
            GeneratedFile::new("a/b/two.txt", "# banner\ntwo\n"),
        ];
        let drifts = check(&root, &files).unwrap();
        assert_eq!(
            drifts,
            [
                Drift { path: "a/one.txt".into(), first_difference: None },
                Drift { path: "a/b/two.txt".into(), first_difference: None },
            ]
        );
        assert_eq!(drifts[0].to_string(), "a/one.txt: missing");
        assert_eq!(write_changed(&root, &files).unwrap().len(), 2);
        assert!(check(&root, &files).unwrap().is_empty());
        assert!(write_changed(&root, &files).unwrap().is_empty());
        std::fs::write(root.join("a/b/two.txt"), "# banner\nTWO\n").unwrap();
        let drifts = check(&root, &files).unwrap();
        assert_eq!(drifts, [Drift { path: "a/b/two.txt".into(), first_difference: Some(2) }]);
        assert_eq!(drifts[0].to_string(), "a/b/two.txt: stale (first difference at line 2)");
        assert_eq!(write_changed(&root, &files).unwrap(), [PathBuf::from("a/b/two.txt")]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
