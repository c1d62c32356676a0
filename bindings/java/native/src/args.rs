//! Reading Java arguments (strings, arrays, enum values) into Rust values.

use std::time::Duration;

use crate::failure::Outcome;
use iop::Protocol;
use jni::Env;
use jni::objects::{JByteArray, JObjectArray, JString};
use jni::refs::Reference as _;
use jni::sys::{jint, jlong};

/// A Java string, or `null` for `None`.
pub(crate) fn opt_jstring<'l>(env: &mut Env<'l>, value: Option<&str>) -> jni::errors::Result<JString<'l>> {
    match value {
        Some(s) => JString::from_str(env, s),
        None => Ok(JString::null()),
    }
}

/// A required string argument (`null` is an invalid-argument error naming it).
pub(crate) fn arg_string(env: &Env<'_>, value: &JString<'_>, name: &str) -> Outcome<String> {
    if value.is_null() {
        return Err(iop::Error::invalid_argument(name, "must not be null").into());
    }
    Ok(value.try_to_string(env)?)
}

/// An optional string argument.
pub(crate) fn opt_string(env: &Env<'_>, value: &JString<'_>) -> Outcome<Option<String>> {
    if value.is_null() { Ok(None) } else { Ok(Some(value.try_to_string(env)?)) }
}

/// The elements of a `String[]` (`null` array = empty; `null` elements are refused).
pub(crate) fn string_array(
    env: &mut Env<'_>,
    array: &JObjectArray<'_, JString<'_>>,
    name: &str,
) -> Outcome<Vec<String>> {
    if array.is_null() {
        return Ok(Vec::new());
    }
    let len = array.len(env)?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let item = env.with_local_frame(4, |env| -> Outcome<Option<String>> {
            let element = array.get_element(env, i)?;
            if element.is_null() { Ok(None) } else { Ok(Some(element.try_to_string(env)?)) }
        })?;
        out.push(item.ok_or_else(|| iop::Error::invalid_argument(name, "must not contain null"))?);
    }
    Ok(out)
}

/// The elements of a `byte[][]`.
pub(crate) fn bytes_array(env: &mut Env<'_>, array: &JObjectArray<'_, JByteArray<'_>>) -> Outcome<Vec<Vec<u8>>> {
    if array.is_null() {
        return Ok(Vec::new());
    }
    let len = array.len(env)?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let item = env.with_local_frame(4, |env| -> Outcome<Option<Vec<u8>>> {
            let element = array.get_element(env, i)?;
            if element.is_null() { Ok(None) } else { Ok(Some(env.convert_byte_array(&element)?)) }
        })?;
        out.push(item.ok_or_else(|| iop::Error::invalid_argument("file", "content must not be null"))?);
    }
    Ok(out)
}

/// Pairs from a flattened `[k0, v0, k1, v1, …]` array.
pub(crate) fn pairs(flat: Vec<String>, name: &str) -> Outcome<Vec<(String, String)>> {
    if !flat.len().is_multiple_of(2) {
        return Err(iop::Error::invalid_argument(name, "must hold key/value pairs").into());
    }
    let mut it = flat.into_iter();
    let mut out = Vec::new();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    Ok(out)
}

/// A positive number of milliseconds, or `None` for "keep the default".
pub(crate) fn millis(ms: jlong) -> Option<Duration> {
    u64::try_from(ms).ok().filter(|ms| *ms > 0).map(Duration::from_millis)
}

/// Default settings with the given timeouts (≤ 0 keeps a default).
pub(crate) fn timeouts_config(connect_timeout_ms: jlong, read_timeout_ms: jlong) -> iop::ClientConfig {
    let mut config = iop::ClientConfig::default();
    if let Some(t) = millis(connect_timeout_ms) {
        config.connect_timeout = t;
    }
    if let Some(t) = millis(read_timeout_ms) {
        config.read_timeout = t;
    }
    config
}

/// A duration as milliseconds for Java, -1 for none.
pub(crate) fn millis_or_none(value: Option<Duration>) -> jlong {
    value.map_or(-1, |d| jlong::try_from(d.as_millis()).unwrap_or(jlong::MAX))
}

/// An optional `byte[]` argument (`null` for `None`).
pub(crate) fn opt_bytes(env: &Env<'_>, value: &JByteArray<'_>) -> Outcome<Option<Vec<u8>>> {
    if value.is_null() { Ok(None) } else { Ok(Some(env.convert_byte_array(value)?)) }
}

/// The protocol selected by `value`: 0 by API name, 1 GOP, 2 TOP.
pub(crate) fn protocol(value: jint) -> Outcome<Option<Protocol>> {
    match value {
        0 => Ok(None),
        1 => Ok(Some(Protocol::Gop)),
        2 => Ok(Some(Protocol::Top)),
        _ => Err(iop::Error::invalid_argument("protocol", "must be AUTO, GOP or TOP").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattened_pairs() {
        let p = pairs(vec!["a".into(), "1".into(), "b".into(), "".into()], "params").ok().unwrap();
        assert_eq!(p, vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), String::new())]);
        assert!(pairs(vec!["a".into()], "params").is_err());
    }

    #[test]
    fn millis_and_protocols() {
        assert_eq!(millis(0), None);
        assert_eq!(millis(-5), None);
        assert_eq!(millis(1500), Some(Duration::from_millis(1500)));
        assert!(matches!(protocol(0), Ok(None)));
        assert!(matches!(protocol(1), Ok(Some(Protocol::Gop))));
        assert!(matches!(protocol(2), Ok(Some(Protocol::Top))));
        assert!(protocol(3).is_err());
        assert_eq!(millis_or_none(None), -1);
        assert_eq!(millis_or_none(Some(Duration::from_secs(2))), 2000);
        assert_eq!(millis_or_none(Some(Duration::MAX)), jlong::MAX);
    }
}
