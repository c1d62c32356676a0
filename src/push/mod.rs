//! Lazada push messages (webhooks): the platform POSTs a JSON body with an `Authorization`
//! header holding the lower-case hex HMAC-SHA256, keyed with the app secret, of the app key
//! followed by the raw body bytes. [`PushReceiver`] checks that signature in constant time,
//! reads the message ([`PushMessage`]) and recognises re-deliveries (the platform retries every
//! message not answered with HTTP 200, 12 times, 30 minutes apart).
//!
//! An expiry alert (type 8) can be applied to a token store with
//! [`crate::manager::apply_expiry_alert`], so that [`crate::manager::reauthorization_due`]
//! names the seller at once.

mod dedupe;
mod message;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub use message::{PushMessage, PushType, normalize_epoch_ms};

use crate::error::{Error, Result};
use crate::secret::Secret;
use dedupe::Dedupe;

/// Default number of recent messages a receiver remembers to recognise re-deliveries.
pub const DEFAULT_PUSH_REMEMBER: i64 = 10_000;

/// Reason code: the request had no `Authorization` header.
pub const MISSING_AUTHORIZATION: &str = "MissingAuthorization";
/// Reason code: the header is not 64 hexadecimal digits.
pub const MALFORMED_AUTHORIZATION: &str = "MalformedAuthorization";
/// Reason code: the signature does not match the body (another app, a changed body).
pub const SIGNATURE_MISMATCH: &str = "SignatureMismatch";
/// Reason code: the body verified but is not a push message.
pub const MALFORMED_BODY: &str = "MalformedBody";

/// The HMAC-SHA256 of `app_key` followed by `body`, keyed with `app_secret`.
fn mac(app_key: &str, app_secret: &[u8], body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret).expect("HMAC accepts keys of any length");
    mac.update(app_key.as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The `Authorization` value the platform sends with `body`: lower-case hex HMAC-SHA256 of the
/// app key followed by the body, keyed with the app secret.
pub fn sign_push(app_key: &str, app_secret: &str, body: &[u8]) -> String {
    hex::encode(mac(app_key, app_secret.as_bytes(), body))
}

/// 64 hex digits (either case) as 32 bytes.
fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

/// Verifies push messages of one app. Thread-safe.
#[derive(Debug)]
pub struct PushReceiver {
    app_key: String,
    app_secret: Secret,
    dedupe: Dedupe,
}

impl PushReceiver {
    /// A receiver for the app `app_key` that remembers the last `remember` messages (0: none).
    pub fn new(app_key: &str, app_secret: &str, remember: usize) -> Result<PushReceiver> {
        if app_key.is_empty() {
            return Err(Error::invalid_argument("app_key", "must not be empty"));
        }
        if app_secret.is_empty() {
            return Err(Error::invalid_argument("app_secret", "must not be empty"));
        }
        Ok(PushReceiver {
            app_key: app_key.to_owned(),
            app_secret: Secret::new(app_secret),
            dedupe: Dedupe::new(remember),
        })
    }

    /// The app key.
    pub fn app_key(&self) -> &str {
        &self.app_key
    }

    /// The `Authorization` value the platform would send with `body` (for tests and senders).
    pub fn sign(&self, body: &[u8]) -> String {
        sign_push(&self.app_key, self.app_secret.expose(), body)
    }

    /// Checks `authorization` (the header's value; `None` when the header is missing) against
    /// `body` and reads the message. Errors are [`crate::ErrorKind::PushRejected`] with the
    /// reason as the platform-error code; they never quote the header, the body or the secret.
    /// A verified message is remembered: the same body again is marked as a duplicate.
    pub fn verify(&self, authorization: Option<&str>, body: &[u8]) -> Result<PushMessage> {
        let header = authorization
            .ok_or_else(|| Error::push_rejected(MISSING_AUTHORIZATION, "the Authorization header is missing"))?;
        let given = decode_hex(header.trim()).ok_or_else(|| {
            Error::push_rejected(MALFORMED_AUTHORIZATION, "the Authorization header is not 64 hexadecimal digits")
        })?;
        let expected = mac(&self.app_key, self.app_secret.expose().as_bytes(), body);
        if !bool::from(expected.ct_eq(&given)) {
            return Err(Error::push_rejected(
                SIGNATURE_MISMATCH,
                "the signature does not match the body and this app's key and secret",
            ));
        }
        // Parsed before it is remembered, so that a malformed body is never recorded as seen.
        let message = PushMessage::parse(body, false)?;
        Ok(message.with_duplicate(self.dedupe.seen_before(body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"seller_id":"1","message_type":0,"data":{},"timestamp":1}"#;

    #[test]
    fn verify_sign_and_reasons() {
        let r = PushReceiver::new("100001", "secret", 4).unwrap();
        let auth = r.sign(BODY);
        assert_eq!(auth.len(), 64);
        assert!(!r.verify(Some(&auth), BODY).unwrap().is_duplicate());
        assert!(r.verify(Some(&auth.to_uppercase()), BODY).unwrap().is_duplicate());
        let code = |a: Option<&str>, b: &[u8]| r.verify(a, b).unwrap_err().platform_error().unwrap().code.clone();
        assert_eq!(code(None, BODY), MISSING_AUTHORIZATION);
        assert_eq!(code(Some(&auth[..63]), BODY), MALFORMED_AUTHORIZATION);
        assert_eq!(code(Some(&format!("{}zz", &auth[..62])), BODY), MALFORMED_AUTHORIZATION);
        assert_eq!(
            code(Some(&auth), br#"{"seller_id":"2","message_type":0,"data":{},"timestamp":1}"#),
            SIGNATURE_MISMATCH
        );
        let e = r.verify(Some(&r.sign(b"[]")), b"[]").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::PushRejected);
        assert_eq!(e.platform_error().unwrap().code, MALFORMED_BODY);
        assert!(!e.message().contains("[]") && !e.message().contains(&auth));
        assert!(PushReceiver::new("", "s", 1).is_err() && PushReceiver::new("k", "", 1).is_err());
    }
}
