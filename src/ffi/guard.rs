//! The panic boundary and handle checks wrapped around every exported function.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::last_error;
use super::status::IopStatus;
use crate::error::{Error, ErrorKind, Result};

/// Runs a status-returning body: clears the last error, catches panics, records failures.
pub(crate) fn status(body: impl FnOnce() -> Result<()>) -> IopStatus {
    last_error::clear();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => IopStatus::IOP_OK,
        Ok(Err(e)) => last_error::set(e),
        Err(_) => {
            last_error::set(Error::new(ErrorKind::Internal, "internal error: a panic was caught at the C boundary"))
        }
    }
}

/// Runs an accessor body: a panic yields `fallback` (accessors have no status to report).
pub(crate) fn value<T>(fallback: T, body: impl FnOnce() -> Option<T>) -> T {
    catch_unwind(AssertUnwindSafe(body)).ok().flatten().unwrap_or(fallback)
}

/// An opaque object handed to C. Each handle type starts with a distinct tag so that NULL,
/// freed or wrong-type pointers are caught (best effort) instead of misread.
pub(crate) trait Handle: Sized {
    /// The tag stored in live objects of this type.
    const TAG: u64;
    /// The C type name for messages.
    const NAME: &'static str;
    /// The tag of this object.
    fn tag(&self) -> u64;
    /// Overwrites the tag (on free).
    fn set_tag(&mut self, tag: u64);
}

/// Borrows a handle argument, checking NULL and the tag.
///
/// # Safety
/// `ptr` is NULL or points to a live object created by this library.
pub(crate) unsafe fn handle<'a, T: Handle>(ptr: *const T, name: &str) -> Result<&'a T> {
    // SAFETY: caller's promise; the tag is the first field of every handle (repr(C)).
    match unsafe { ptr.as_ref() } {
        None => Err(Error::invalid_argument(name, "must not be NULL")),
        Some(h) if h.tag() != T::TAG => Err(Error::invalid_argument(name, &format!("is not a live {}", T::NAME))),
        Some(h) => Ok(h),
    }
}

/// Mutable form of [`handle`].
///
/// # Safety
/// As [`handle`], and no other reference to the object is in use.
pub(crate) unsafe fn handle_mut<'a, T: Handle>(ptr: *mut T, name: &str) -> Result<&'a mut T> {
    unsafe { handle::<T>(ptr, name) }?;
    // SAFETY: checked above; exclusivity is the caller's promise.
    Ok(unsafe { &mut *ptr })
}

/// Moves `value` to the heap and returns it as a C handle.
pub(crate) fn into_handle<T: Handle>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle; NULL and wrong-tag pointers are ignored.
///
/// # Safety
/// `ptr` is NULL or a handle created by this library and not yet freed.
pub(crate) unsafe fn free_handle<T: Handle>(ptr: *mut T) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        if let Ok(h) = unsafe { handle_mut::<T>(ptr, "handle") } {
            h.set_tag(0);
            // SAFETY: created by `into_handle`.
            drop(unsafe { Box::from_raw(ptr) });
        }
    }));
}

/// Implements [`Handle`] for a `#[repr(C)]` struct whose first field is `tag: u64`.
macro_rules! handle_type {
    ($ty:ident, $tag:expr) => {
        impl $crate::ffi::guard::Handle for $ty {
            const TAG: u64 = $tag;
            const NAME: &'static str = stringify!($ty);
            fn tag(&self) -> u64 {
                self.tag
            }
            fn set_tag(&mut self, tag: u64) {
                self.tag = tag;
            }
        }
    };
}
pub(crate) use handle_type;
