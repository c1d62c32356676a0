//! Encryption at rest of stored records: AES-256-GCM with a 32-byte key from the application, a
//! fresh random 96-bit nonce per write, and the record's place (key name and version) as
//! associated data, so a sealed record cannot be moved to another account or version unnoticed.
//!
//! A sealed value is `sealed:1:<key id>:<hex of nonce ‖ ciphertext ‖ tag>`; the key id (the first
//! 8 bytes of SHA-256 over a label and the key) tells a wrong key apart from damaged data.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};

/// The prefix of every sealed value (format version 1).
const PREFIX: &str = "sealed:1:";
/// Nonce length of AES-GCM.
const NONCE_LEN: usize = 12;

/// Seals and opens records with one key. Debug shows the key id only.
pub(crate) struct Sealer {
    cipher: Aes256Gcm,
    key_id: String,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// The public id of `key`: 16 hex digits that reveal nothing usable about it.
pub(crate) fn key_id(key: &[u8; 32]) -> String {
    let digest = Sha256::new().chain_update(b"iopkit token store key id\0").chain_update(key).finalize();
    hex(&digest[..8])
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

/// Whether a stored value is sealed (rather than plain JSON).
pub(crate) fn is_sealed(value: &[u8]) -> bool {
    value.starts_with(PREFIX.as_bytes())
}

impl Sealer {
    /// A sealer for `key`.
    pub(crate) fn new(key: &[u8; 32]) -> Sealer {
        Sealer { cipher: Aes256Gcm::new(&(*key).into()), key_id: key_id(key) }
    }

    /// This key's id.
    pub(crate) fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Encrypts `plain` bound to `place` (the associated data).
    pub(crate) fn seal(&self, plain: &[u8], place: &[u8]) -> Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::getrandom(&mut nonce)
            .map_err(|_| Error::new(ErrorKind::Internal, "the system's random number generator failed"))?;
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plain, aad: place })
            .map_err(|_| Error::new(ErrorKind::Internal, "token store: a record could not be encrypted"))?;
        Ok(format!("{PREFIX}{}:{}{}", self.key_id, hex(&nonce), hex(&sealed)))
    }

    /// Decrypts a value made by [`Sealer::seal`] for the same `place`; `what` names the record
    /// in errors. A value sealed with another key is an [`ErrorKind::InvalidArgument`] naming
    /// both key ids; a damaged or moved value is an [`ErrorKind::MalformedResponse`].
    pub(crate) fn open(&self, value: &[u8], place: &[u8], what: &str) -> Result<Vec<u8>> {
        let damaged = || {
            Error::new(
                ErrorKind::MalformedResponse,
                format!("{what} fails decryption: it was altered, or moved from another account or version"),
            )
        };
        let text = std::str::from_utf8(value).map_err(|_| damaged())?;
        let rest = text.strip_prefix(PREFIX).ok_or_else(damaged)?;
        let (id, body) = rest.split_once(':').ok_or_else(damaged)?;
        if id != self.key_id {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{what} was encrypted with another key (key id {id}; this store's key id is {})", self.key_id),
            ));
        }
        let bytes = unhex(body).filter(|b| b.len() > NONCE_LEN).ok_or_else(damaged)?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| damaged())?;
        self.cipher.decrypt(&Nonce::from(nonce), Payload { msg: sealed, aad: place }).map_err(|_| damaged())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_tells_wrong_keys_from_damage() {
        let sealer = Sealer::new(&[7u8; 32]);
        let a = sealer.seal(b"{\"access_token\":\"AT-1\"}", b"place-1").unwrap();
        let b = sealer.seal(b"{\"access_token\":\"AT-1\"}", b"place-1").unwrap();
        assert!(is_sealed(a.as_bytes()) && !a.contains("AT-1"));
        assert_ne!(a, b, "a fresh nonce per write");
        assert_eq!(sealer.open(a.as_bytes(), b"place-1", "r").unwrap(), b"{\"access_token\":\"AT-1\"}");
        let moved = sealer.open(a.as_bytes(), b"place-2", "r").unwrap_err();
        assert_eq!(moved.kind(), ErrorKind::MalformedResponse);
        let wrong = Sealer::new(&[8u8; 32]).open(a.as_bytes(), b"place-1", "r").unwrap_err();
        assert_eq!(wrong.kind(), ErrorKind::InvalidArgument);
        assert!(wrong.message().contains(sealer.key_id()), "{}", wrong.message());
        let mut flipped = a.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(sealer.open(&flipped, b"place-1", "r").unwrap_err().kind(), ErrorKind::MalformedResponse);
        assert!(!format!("{sealer:?}").contains("7, 7"));
    }
}
