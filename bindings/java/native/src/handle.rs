//! Native objects behind the `long` handles Java holds: boxing, borrowing and freeing.

use jni::sys::jlong;

use crate::failure::Outcome;

/// Moves `value` to the heap and returns it as a handle for Java.
pub(crate) fn into_handle<T>(value: T) -> jlong {
    Box::into_raw(Box::new(value)) as usize as jlong
}

/// The object behind `handle`; 0 is "`name` is closed".
///
/// # Safety
/// `handle` is 0 or from [`into_handle`] with the same `T`, not freed while the borrow lives (the
/// Java side holds a read lock across every call and frees only under the write lock).
pub(crate) unsafe fn borrow<'a, T>(handle: jlong, name: &str) -> Outcome<&'a T> {
    let ptr = handle as usize as *const T;
    // SAFETY: caller's promise.
    unsafe { ptr.as_ref() }.ok_or_else(|| iop::Error::invalid_argument(name, "is closed").into())
}

/// Frees the object behind `handle`; 0 is ignored.
///
/// # Safety
/// `handle` is 0 or from [`into_handle`] with the same `T`; the Java side frees each handle once,
/// after every call using it has returned.
pub(crate) unsafe fn free<T>(handle: jlong) {
    let ptr = handle as usize as *mut T;
    if !ptr.is_null() {
        // SAFETY: caller's promise.
        drop(unsafe { Box::from_raw(ptr) });
    }
}
