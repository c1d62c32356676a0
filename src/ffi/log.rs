//! The event stream for C: one process-wide callback (`iop_log_set_callback`) and its level.

use std::ffi::{CString, c_char, c_void};

use super::guard;
use super::status::IopStatus;
use super::strings::to_cstring;
use crate::error::{Error, Result};
use crate::events::{self, Event, Level};

/// Levels of the event stream; a callback receives the events at or below its maximum level.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum IopLogLevel {
    /// No events (as a maximum level: logging off).
    IOP_LOG_OFF = 0,
    /// Failures the application should know about.
    IOP_LOG_ERROR = 1,
    /// A call failed or was refused, a retry, a throttle.
    IOP_LOG_WARN = 2,
    /// A call or a token operation completed.
    IOP_LOG_INFO = 3,
    /// Each attempt and each wait.
    IOP_LOG_DEBUG = 4,
    /// The finest detail.
    IOP_LOG_TRACE = 5,
}

impl IopLogLevel {
    fn of(level: Level) -> IopLogLevel {
        match level {
            Level::Off => IopLogLevel::IOP_LOG_OFF,
            Level::Error => IopLogLevel::IOP_LOG_ERROR,
            Level::Warn => IopLogLevel::IOP_LOG_WARN,
            Level::Info => IopLogLevel::IOP_LOG_INFO,
            Level::Debug => IopLogLevel::IOP_LOG_DEBUG,
            Level::Trace => IopLogLevel::IOP_LOG_TRACE,
        }
    }
}

/// Receives one event of `level` (an `IopLogLevel` value): `event` is its stable name (`"call.end"`), `message` one English line,
/// `fields_json` a JSON object of its fields; all three are borrowed for the call only. Called
/// on the thread doing the work (a batch worker too), possibly on several threads at once; it
/// must return normally (no longjmp, no exception unwinding through the library). Events never
/// contain a secret, token, authorization code, signature, query string or body.
pub type IopLogCallback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: i32,
        event: *const c_char,
        message: *const c_char,
        fields_json: *const c_char,
    ),
>;

fn level_arg(max_level: i32) -> Result<Level> {
    Level::from_i32(max_level)
        .ok_or_else(|| Error::invalid_argument("max_level", "must be an IopLogLevel (IOP_LOG_OFF … IOP_LOG_TRACE)"))
}

/// The user data pointer, handed back to the callback untouched (the caller vouches for its
/// thread safety by registering it).
struct UserData(*mut c_void);
// SAFETY: the pointer is only passed back to the caller's callback, which is documented to be
// called from any thread.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl UserData {
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Routes the library's events with a level at or below `max_level` (an `IopLogLevel` value)
/// to `callback`, process-wide, with `user_data` passed back on each call. Replaces the previous
/// callback (events being delivered on other threads may still reach it). A NULL `callback` or
/// `IOP_LOG_OFF` turns logging off. Levels are checked before anything is formatted, so logging
/// off costs nothing. Events and their fields: `call.start`, `call.end`, `call.retry`,
/// `token.refresh`, `token.create`, `store.lock_wait`, `limit.wait`, `limit.reject`,
/// `limit.ban` (see the README).
///
/// # Safety
/// `callback` is NULL or a function that may be called from any thread until it is replaced;
/// `user_data` stays valid as long.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn iop_log_set_callback(
    callback: IopLogCallback,
    user_data: *mut c_void,
    max_level: i32,
) -> IopStatus {
    guard::status(|| {
        let level = level_arg(max_level)?;
        let Some(callback) = callback else {
            events::set_sink(None, Level::Off);
            return Ok(());
        };
        let user_data = UserData(user_data);
        let sink = move |event: &Event| {
            let name = to_cstring(event.name);
            let message = CString::new(event.message.replace('\0', " ")).unwrap_or_default();
            let fields = to_cstring(&event.fields_json());
            // SAFETY: the caller registered `callback` for calls from any thread; the strings
            // live until it returns.
            unsafe {
                callback(
                    user_data.get(),
                    IopLogLevel::of(event.level) as i32,
                    name.as_ptr(),
                    message.as_ptr(),
                    fields.as_ptr(),
                )
            };
        };
        events::set_sink(Some(Box::new(sink)), level);
        Ok(())
    })
}

/// Changes only the maximum level of the registered callback (an `IopLogLevel` value;
/// `IOP_LOG_OFF` silences it). Without a callback nothing is delivered whatever the level.
#[unsafe(no_mangle)]
pub extern "C" fn iop_log_set_level(max_level: i32) -> IopStatus {
    guard::status(|| {
        events::set_level(level_arg(max_level)?);
        Ok(())
    })
}
