//! A JSON file of records shared by the processes of one host: atomic replacement (temp file,
//! fsync, rename, fsync of the folder) and an advisory lock on `<file>.lock`.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{ErrorKind as IoKind, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::record::TokenRecord;
use super::store::{StoreLock, TokenStore, lock_timeout};
use crate::error::{Error, ErrorKind, Result};

/// The `format` tag of the file.
const FORMAT: &str = "iopkit-tokens/1";
/// How long to sleep between attempts to take the lock.
const LOCK_POLL: Duration = Duration::from_millis(2);

/// Records in one JSON file (mode 0600; it holds tokens, never the app secret). Several
/// processes on one host may share it: writes replace the file atomically, and the refresh
/// lock is an advisory `flock` on `<file>.lock`, so after taking it a process re-reads what
/// another may already have refreshed. Not for network file systems.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    lock_path: PathBuf,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(ErrorKind::InvalidArgument, format!("token file {}: cannot {what}: {e}", path.display()))
}

impl FileStore {
    /// A store at `path` (created on the first write; its folder must exist).
    pub fn new(path: impl Into<PathBuf>) -> Result<FileStore> {
        let path = path.into();
        let name = path.file_name().ok_or_else(|| Error::invalid_argument("path", "names no file"))?;
        let mut lock_name = name.to_owned();
        lock_name.push(".lock");
        let lock_path = path.with_file_name(lock_name);
        Ok(FileStore { path, lock_path })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every record in the file (none when it does not exist yet).
    fn read_all(&self) -> Result<BTreeMap<String, Value>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == IoKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(io_error("be read", &self.path, e)),
        };
        let mode = fs::metadata(&self.path).map_err(|e| io_error("be read", &self.path, e))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "token file {} is readable by others (mode {:o}); chmod 600 it",
                    self.path.display(),
                    mode & 0o777
                ),
            ));
        }
        let json: Value = serde_json::from_str(&text).map_err(|e| {
            Error::new(ErrorKind::MalformedResponse, format!("token file {} is not JSON: {e}", self.path.display()))
        })?;
        match json.get("accounts") {
            Some(Value::Object(accounts)) if json.get("format").and_then(Value::as_str) == Some(FORMAT) => {
                Ok(accounts.clone().into_iter().collect())
            }
            _ => Err(Error::new(
                ErrorKind::MalformedResponse,
                format!("token file {} is not an {FORMAT} file", self.path.display()),
            )),
        }
    }

    /// Replaces the file with `accounts`: temp file (0600), fsync, rename, fsync of the folder.
    fn write_all(&self, accounts: BTreeMap<String, Value>) -> Result<()> {
        let mut doc = Map::new();
        doc.insert("format".into(), FORMAT.into());
        doc.insert("accounts".into(), Value::Object(accounts.into_iter().collect()));
        let text = Value::Object(doc).to_string();
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let tmp = self.path.with_file_name(format!(
            ".{}.tmp-{}-{}",
            self.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut f = OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            fs::rename(&tmp, &self.path)?;
            let folder = self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            File::open(folder)?.sync_all()
        })();
        written.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io_error("be written", &self.path, e)
        })
    }
}

impl TokenStore for FileStore {
    fn load(&self, account: &str) -> Result<Option<TokenRecord>> {
        match self.read_all()?.get(account) {
            Some(value) => TokenRecord::from_json(&value.to_string()).map(Some),
            None => Ok(None),
        }
    }

    fn compare_and_swap(&self, account: &str, expected_version: u64, record: &TokenRecord) -> Result<bool> {
        let mut all = self.read_all()?;
        let stored = match all.get(account) {
            Some(v) => TokenRecord::from_json(&v.to_string())?.version,
            None => 0,
        };
        if stored != expected_version {
            return Ok(false);
        }
        let value: Value = serde_json::from_str(&record.to_json()).expect("records serialize to JSON");
        all.insert(account.to_owned(), value);
        self.write_all(all)?;
        Ok(true)
    }

    fn lock(&self, account: &str, timeout: Duration) -> Result<StoreLock<'_>> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&self.lock_path)
            .map_err(|e| io_error("open its lock file", &self.lock_path, e))?;
        let deadline = Instant::now() + timeout;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(LOCK_POLL),
                Err(TryLockError::WouldBlock) => return Err(lock_timeout(account, timeout)),
                Err(TryLockError::Error(e)) => return Err(io_error("lock", &self.lock_path, e)),
            }
        }
        // Closing the file releases the lock, also when the process dies.
        Ok(StoreLock::new(move || drop(file)))
    }

    fn accounts(&self) -> Result<Vec<String>> {
        Ok(self.read_all()?.into_keys().collect())
    }
}
