//! `IopBatch`: many calls sent at once through one client, from C.

use std::ffi::c_char;

use super::client::{IopClient, protocol_arg};
use super::config::number_or_default;
use super::guard::{self, handle, handle_mut, handle_type};
use super::request::IopRequest;
use super::response::IopResponse;
use super::status::IopStatus;
use super::strings::{opt_str, out_arg};
use crate::batch::{BatchItem, DEFAULT_BATCH_CONCURRENCY, MAX_BATCH_CONCURRENCY};
use crate::error::{Error, Result};
use crate::response::Response;
use crate::secret::Secret;

/// Calls to send together with `iop_client_execute_batch`, then their outcomes. Opaque; not
/// for concurrent use.
#[repr(C)]
pub struct IopBatch {
    tag: u64,
    items: Vec<BatchItem>,
    /// One outcome per item once executed; `None` once taken.
    outcomes: Vec<Option<Result<Response>>>,
}
handle_type!(IopBatch, 0x494f_5042_4154_000b);

/// Creates an empty batch. On `IOP_OK` writes `*out_batch`: owned, release with
/// `iop_batch_free`.
///
/// # Safety
/// `out_batch` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_batch_new(out_batch: *mut *mut IopBatch) -> IopStatus {
    guard::status(|| {
        out_arg(out_batch, "out_batch")?;
        let tag = <IopBatch as guard::Handle>::TAG;
        unsafe { *out_batch = guard::into_handle(IopBatch { tag, items: Vec::new(), outcomes: Vec::new() }) };
        Ok(())
    })
}

/// Frees a batch and every outcome not taken. NULL does nothing.
///
/// # Safety
/// `batch` is NULL or from `iop_batch_new`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_batch_free(batch: *mut IopBatch) {
    unsafe { guard::free_handle(batch) }
}

/// Appends a call: a copy of `request`, signed with `access_token` (NULL: none; copied) and
/// sent with `protocol` (an `IopProtocol` value). Its index is the number of calls added
/// before it. Adding to an executed batch clears its outcomes.
///
/// # Safety
/// Handles are NULL or live; `access_token` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_batch_add(
    batch: *mut IopBatch,
    request: *const IopRequest,
    access_token: *const c_char,
    protocol: i32,
) -> IopStatus {
    guard::status(|| {
        let b = unsafe { handle_mut(batch, "batch") }?;
        let request = unsafe { handle(request, "request") }?.request.clone();
        let access_token = unsafe { opt_str(access_token, "access_token") }?.map(Secret::new);
        let protocol = protocol_arg(protocol)?;
        b.outcomes.clear();
        b.items.push(BatchItem { request, access_token, protocol });
        Ok(())
    })
}

/// The number of calls in `batch` (0 when `batch` is NULL or invalid).
///
/// # Safety
/// `batch` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_batch_len(batch: *const IopBatch) -> usize {
    guard::value(0, || unsafe { handle(batch, "batch") }.ok().map(|b| b.items.len()))
}

/// Signs and sends every call of `batch`, at most `concurrency` at once over the client's
/// keep-alive pool (1 to `IOP_MAX_BATCH_CONCURRENCY`; `IOP_USE_DEFAULT`:
/// `IOP_DEFAULT_BATCH_CONCURRENCY`), and keeps each outcome in the batch, in input order: read
/// them with `iop_batch_take_response`. Returns `IOP_OK` once every call has ended, whatever
/// their outcomes (a failed call does not stop the others); another status only for invalid
/// arguments. Blocks; the batch must not be used by another thread meanwhile.
///
/// # Safety
/// `client` and `batch` are NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_client_execute_batch(
    client: *const IopClient,
    batch: *mut IopBatch,
    concurrency: i32,
) -> IopStatus {
    guard::status(|| {
        let c = unsafe { handle(client, "client") }?;
        let b = unsafe { handle_mut(batch, "batch") }?;
        let n = number_or_default(i64::from(concurrency), DEFAULT_BATCH_CONCURRENCY, 1, "concurrency")?;
        if n > MAX_BATCH_CONCURRENCY {
            return Err(Error::invalid_argument("concurrency", &format!("must be at most {MAX_BATCH_CONCURRENCY}")));
        }
        b.outcomes = c.client.execute_all(&b.items, n as usize).into_iter().map(Some).collect();
        Ok(())
    })
}

/// Takes the outcome of call `index` of an executed batch: returns what `iop_client_execute`
/// would have returned for it. On `IOP_OK` writes `*out_response` (a platform error is a
/// response, as with `iop_client_execute`): owned, release with `iop_response_free`. A failed
/// call returns its status with its details in the last error (`iop_last_error_*`). An index
/// out of range, a batch not executed, or an outcome already taken is
/// `IOP_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `batch` is NULL or live; `out_response` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_batch_take_response(
    batch: *mut IopBatch,
    index: usize,
    out_response: *mut *mut IopResponse,
) -> IopStatus {
    guard::status(|| {
        out_arg(out_response, "out_response")?;
        let b = unsafe { handle_mut(batch, "batch") }?;
        if b.outcomes.is_empty() && !b.items.is_empty() {
            return Err(Error::invalid_argument("batch", "has not been executed"));
        }
        let slot = b.outcomes.get_mut(index).ok_or_else(|| Error::invalid_argument("index", "is out of range"))?;
        let response = slot.take().ok_or_else(|| Error::invalid_argument("index", "was already taken"))??;
        unsafe { *out_response = guard::into_handle(IopResponse::new(response)) };
        Ok(())
    })
}
