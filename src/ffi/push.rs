//! `IopPushReceiver` and `IopPushMessage`: verifying Lazada push messages (webhooks) from C,
//! and applying an authorization-expiry alert to a token store.
#![allow(non_camel_case_types)]

use std::ffi::{CString, c_char};
use std::ptr;

use super::config::number_or_default;
use super::guard::{self, handle, handle_type};
use super::status::IopStatus;
use super::store::IopTokenStore;
use super::strings::{borrowed, bytes_arg, opt_str, out_arg, owned, to_cstring};
use crate::error::Error;
use crate::manager::{DEFAULT_WAIT_TIMEOUT, apply_expiry_alert};
use crate::push::{DEFAULT_PUSH_REMEMBER, PushMessage, PushReceiver, PushType};

/// Values of iop_push_message_type for the known types (other numbers are kept as they come).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IopPushType {
    /// Trade order status changed (data: order_status, status_update_time, trade_order_id,
    /// trade_order_line_id).
    IOP_PUSH_TRADE_ORDER = 0,
    /// Product quality control.
    IOP_PUSH_PRODUCT_QC = 1,
    /// Product created (data: item_id, sku_list, action, status_update_time).
    IOP_PUSH_PRODUCT_CREATED = 3,
    /// Product updated.
    IOP_PUSH_PRODUCT_UPDATED = 4,
    /// Product deleted.
    IOP_PUSH_PRODUCT_DELETED = 5,
    /// The seller's authorization expires within 48 hours (sent once a day); see
    /// iop_push_message_auth_expires_at_ms and iop_token_store_apply_push.
    IOP_PUSH_TOKEN_EXPIRY_ALERT = 8,
    /// Reverse order (return, refund, cancellation).
    IOP_PUSH_REVERSE_ORDER = 10,
    /// The category tree was updated (a broadcast: no seller).
    IOP_PUSH_CATEGORY_TREE = 12,
    /// The seller's status changed.
    IOP_PUSH_SELLER_STATUS = 13,
    /// Purchase order.
    IOP_PUSH_PURCHASE_ORDER = 35,
}

const _: () = {
    // The C values are the platform's numbers, as PushType knows them.
    assert!(IopPushType::IOP_PUSH_TOKEN_EXPIRY_ALERT as i32 == 8 && IopPushType::IOP_PUSH_PURCHASE_ORDER as i32 == 35);
};

/// An app's push-message verifier. Opaque; thread-safe.
#[repr(C)]
pub struct IopPushReceiver {
    tag: u64,
    receiver: PushReceiver,
}
handle_type!(IopPushReceiver, 0x494f_5050_5352_000c);

/// A verified push message. Opaque, immutable, shareable.
#[repr(C)]
pub struct IopPushMessage {
    tag: u64,
    pub(crate) message: PushMessage,
    seller_id: Option<CString>,
    site: Option<CString>,
    data_json: CString,
    body: CString,
}
handle_type!(IopPushMessage, 0x494f_5050_4d53_000d);

impl IopPushMessage {
    fn new(message: PushMessage) -> IopPushMessage {
        IopPushMessage {
            tag: <IopPushMessage as guard::Handle>::TAG,
            seller_id: message.seller_id().map(to_cstring),
            site: message.site().map(to_cstring),
            data_json: to_cstring(&message.data().to_string()),
            body: to_cstring(message.body()),
            message,
        }
    }
}

/// Creates a verifier of the push messages of the app `app_key` with `app_secret` (both
/// copied, neither empty). `remember`: how many recent messages are remembered (SHA-256 of the
/// body) to recognise the platform's re-deliveries (at least 0; 0 = none; `IOP_USE_DEFAULT`:
/// `IOP_DEFAULT_PUSH_REMEMBER`). On `IOP_OK` writes `*out_receiver`: owned, release with
/// `iop_push_receiver_free`.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `out_receiver` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_receiver_new(
    app_key: *const c_char,
    app_secret: *const c_char,
    remember: i64,
    out_receiver: *mut *mut IopPushReceiver,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_receiver, "out_receiver")?;
        let app_key = unsafe { super::strings::arg_str(app_key, "app_key") }?;
        let app_secret = unsafe { super::strings::arg_str(app_secret, "app_secret") }?;
        let remember = number_or_default(remember, DEFAULT_PUSH_REMEMBER, 0, "remember")?;
        let remember = usize::try_from(remember).map_err(|_| Error::invalid_argument("remember", "is too large"))?;
        let receiver = PushReceiver::new(app_key, app_secret, remember)?;
        let tag = <IopPushReceiver as guard::Handle>::TAG;
        unsafe { *out_receiver = guard::into_handle(IopPushReceiver { tag, receiver }) };
        Ok(())
    })
}

/// Frees a receiver. NULL does nothing.
///
/// # Safety
/// `receiver` is NULL or from `iop_push_receiver_new`, not yet freed, and no other thread
/// uses it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_receiver_free(receiver: *mut IopPushReceiver) {
    unsafe { guard::free_handle(receiver) }
}

/// Verifies a push request: `authorization` is the value of its `Authorization` header (NULL
/// when the header is missing; hex in either case), `body` its raw body (`body_len` bytes, as
/// received: do not re-serialize it). The signature is the HMAC-SHA256, keyed with the app
/// secret, of the app key followed by the body, compared in constant time.
/// `IOP_ERR_PUSH_REJECTED` when the header is missing, malformed or does not match, or the body
/// is not a JSON object with an integer `message_type`; `iop_last_error_code` gives the reason
/// (`"MissingAuthorization"`, `"MalformedAuthorization"`, `"SignatureMismatch"`,
/// `"MalformedBody"`); answer such requests with a non-200 status. A verified message is
/// remembered (see `iop_push_message_is_duplicate`): answer 200 to re-deliveries too. On `IOP_OK`
/// writes `*out_message`: owned, release with `iop_push_message_free`.
///
/// # Safety
/// `receiver` is NULL or live; `authorization` is NULL or NUL-terminated; `body` is NULL (with
/// `body_len` 0) or has `body_len` readable bytes; `out_message` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_receiver_verify(
    receiver: *const IopPushReceiver,
    authorization: *const c_char,
    body: *const u8,
    body_len: usize,
    out_message: *mut *mut IopPushMessage,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_message, "out_message")?;
        let r = unsafe { handle(receiver, "receiver") }?;
        let authorization = unsafe { opt_str(authorization, "authorization") }?;
        let body = unsafe { bytes_arg(body, body_len, "body") }?;
        let message = r.receiver.verify(authorization, body)?;
        unsafe { *out_message = guard::into_handle(IopPushMessage::new(message)) };
        Ok(())
    })
}

/// The `Authorization` value the platform sends with `body` (`body_len` bytes): lower-case hex
/// HMAC-SHA256 of the app key followed by the body, keyed with the app secret. For tests and
/// senders. On `IOP_OK` writes `*out_authorization`: owned, release with `iop_string_free`.
///
/// # Safety
/// `receiver` is NULL or live; `body` is NULL (with `body_len` 0) or has `body_len` readable
/// bytes; `out_authorization` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_receiver_sign(
    receiver: *const IopPushReceiver,
    body: *const u8,
    body_len: usize,
    out_authorization: *mut *mut c_char,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_authorization, "out_authorization")?;
        let r = unsafe { handle(receiver, "receiver") }?;
        let body = unsafe { bytes_arg(body, body_len, "body") }?;
        unsafe { *out_authorization = owned(&r.receiver.sign(body)) };
        Ok(())
    })
}

/// Frees a message. NULL does nothing.
///
/// # Safety
/// `message` is NULL or from `iop_push_receiver_verify`, not yet freed, and no other thread
/// uses it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_free(message: *mut IopPushMessage) {
    unsafe { guard::free_handle(message) }
}

/// Reads a message accessor: `fallback` for NULL or a wrong handle.
fn read<T>(m: *const IopPushMessage, fallback: T, f: impl FnOnce(&IopPushMessage) -> T) -> T {
    // SAFETY: accessors' contract: `m` is NULL or live.
    guard::value(fallback, || unsafe { handle(m, "message") }.ok().map(f))
}

/// The `message_type` number (an `IopPushType` value for the known types; other numbers as
/// they came); -1 for NULL.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_type(m: *const IopPushMessage) -> i32 {
    read(m, -1, |m| m.message.message_type())
}

/// The seller the message is about: the top-level `seller_id`, or `data.seller_id` for an
/// expiry alert (type 8, whose top-level `seller_id` is `"null"`); NULL when there is none
/// (broadcasts such as type 12). Borrowed from `m`.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_seller_id(m: *const IopPushMessage) -> *const c_char {
    read(m, ptr::null(), |m| borrowed(&m.seller_id))
}

/// `site`, e.g. `"lazada_sg"`, or NULL. Borrowed from `m`.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_site(m: *const IopPushMessage) -> *const c_char {
    read(m, ptr::null(), |m| borrowed(&m.site))
}

/// `timestamp` as epoch milliseconds (the platform sends seconds or milliseconds: values below
/// 10^12 are seconds); -1 when absent or for NULL.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_timestamp_ms(m: *const IopPushMessage) -> i64 {
    read(m, -1, |m| m.message.timestamp_ms().unwrap_or(-1))
}

/// The `data` object as JSON text (`{}` when the body has none); NULL for NULL. Borrowed from `m`.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_data_json(m: *const IopPushMessage) -> *const c_char {
    read(m, ptr::null(), |m| m.data_json.as_ptr())
}

/// The raw body as received; NULL for NULL. Borrowed from `m`.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_body(m: *const IopPushMessage) -> *const c_char {
    read(m, ptr::null(), |m| m.body.as_ptr())
}

/// True when the receiver had already verified the same message (the same body bytes) among
/// the last `remember`: a re-delivery, to acknowledge (HTTP 200) without processing it again.
/// False for NULL.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_is_duplicate(m: *const IopPushMessage) -> bool {
    read(m, false, |m| m.message.is_duplicate())
}

/// For an expiry alert (type 8): `data.auth_expiry_time` (epoch seconds) in epoch ms; -1 for
/// other types, a missing value, or NULL.
///
/// # Safety
/// `m` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_push_message_auth_expires_at_ms(m: *const IopPushMessage) -> i64 {
    read(m, -1, |m| m.message.auth_expires_at_ms().unwrap_or(-1))
}

/// Applies a verified message to `store`. For an expiry alert (type 8): every account whose
/// record's seller id is the message's seller gets its re-authorization deadline moved to the
/// alert's expiry when that is earlier, written durably under the account's lock with a
/// compare-and-swap (as managers write), so `iop_token_store_list_due` names the seller at once.
/// Other types change nothing. The store must be able to list its accounts (callback stores
/// need the `accounts` callback). On `IOP_OK` writes `*out_updated`: how many records changed
/// (0 for other types, or when no record has that seller).
///
/// # Safety
/// `store` and `message` are NULL or live; `out_updated` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_token_store_apply_push(
    store: *const IopTokenStore,
    message: *const IopPushMessage,
    out_updated: *mut i64,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_updated, "out_updated")?;
        let s = unsafe { handle(store, "store") }?;
        let m = unsafe { handle(message, "message") }?;
        let updated = match (m.message.kind(), m.message.seller_id(), m.message.auth_expires_at_ms()) {
            (Some(PushType::TokenExpiryAlert), Some(seller), Some(at)) => {
                apply_expiry_alert(&*s.store, seller, at, DEFAULT_WAIT_TIMEOUT)?
            }
            _ => 0,
        };
        unsafe { *out_updated = i64::try_from(updated).unwrap_or(i64::MAX) };
        Ok(())
    })
}
