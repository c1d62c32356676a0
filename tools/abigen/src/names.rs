//! Name conversions shared by the emitters.
//!
//! C names follow `iop_<object>_<verb>` for functions, `IopObject` for types and
//! `IOP_<GROUP>_<NAME>` for constants and enum variants.

/// `connect_timeout_ms` → `connectTimeoutMs` (empty parts from repeated, leading or trailing
/// underscores are dropped).
pub fn snake_to_camel(s: &str) -> String {
    let pascal = snake_to_pascal(s);
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `connect_timeout_ms` → `ConnectTimeoutMs`.
pub fn snake_to_pascal(s: &str) -> String {
    s.split('_').filter(|part| !part.is_empty()).map(capitalize).collect()
}

/// `ERR_INVALID_ARGUMENT` → `ErrInvalidArgument`, `AUTO` → `Auto`: each `_`-separated word
/// capitalised, the rest lower case. For a status variant's conventional name use
/// [`status_variant_pascal`].
pub fn screaming_to_pascal(s: &str) -> String {
    s.split('_').filter(|part| !part.is_empty()).map(|part| capitalize(&part.to_ascii_lowercase())).collect()
}

/// The name bindings give an `IopStatus` variant: `IOP_ERR_INVALID_ARGUMENT` →
/// `InvalidArgument`, `IOP_OK` → `Ok` (`IOP_` and then `ERR_` stripped, then
/// [`screaming_to_pascal`]).
pub fn status_variant_pascal(variant: &str) -> String {
    let tail = variant.strip_prefix("IOP_").unwrap_or(variant);
    screaming_to_pascal(tail.strip_prefix("ERR_").unwrap_or(tail))
}

/// `strip_prefix("iop_client_new", "iop_")` → `client_new`.
///
/// # Panics
/// If `s` does not start with `prefix`, or is nothing more: an emitter's assumption about the
/// ABI's names no longer holds, and generation must stop.
pub fn strip_prefix<'a>(s: &'a str, prefix: &str) -> &'a str {
    match s.strip_prefix(prefix) {
        Some(rest) if !rest.is_empty() => rest,
        _ => panic!("`{s}` does not start with `{prefix}` followed by a name"),
    }
}

/// `constant_tail("IOP_ERR_TIMEOUT", "IOP_ERR_")` → `TIMEOUT`: the part of a constant or enum
/// variant name after its group prefix.
///
/// # Panics
/// As [`strip_prefix`].
pub fn constant_tail<'a>(name: &'a str, prefix: &str) -> &'a str {
    strip_prefix(name, prefix)
}

/// `IopTokenStore` → `token_store`: a C type name without its `Iop` prefix, in snake case (the
/// `<object>` part of its functions' names, `iop_token_store_*`). Each upper-case letter starts a
/// word.
pub fn type_to_snake(type_name: &str) -> String {
    let name = match type_name.strip_prefix("Iop") {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest,
        _ => type_name,
    };
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.char_indices() {
        if c.is_ascii_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_and_pascal() {
        assert_eq!(snake_to_camel("connect_timeout_ms"), "connectTimeoutMs");
        assert_eq!(snake_to_camel("body"), "body");
        assert_eq!(snake_to_camel("_out__json_"), "outJson");
        assert_eq!(snake_to_camel("v2_name"), "v2Name");
        assert_eq!(snake_to_camel(""), "");
        assert_eq!(snake_to_pascal("connect_timeout_ms"), "ConnectTimeoutMs");
        assert_eq!(snake_to_pascal("client"), "Client");
        assert_eq!(snake_to_pascal(""), "");
    }

    #[test]
    fn screaming() {
        assert_eq!(screaming_to_pascal("ERR_INVALID_ARGUMENT"), "ErrInvalidArgument");
        assert_eq!(screaming_to_pascal("INVALID_ARGUMENT"), "InvalidArgument");
        assert_eq!(screaming_to_pascal("AUTO"), "Auto");
        assert_eq!(screaming_to_pascal("HTTP_POST"), "HttpPost");
        assert_eq!(status_variant_pascal("IOP_ERR_INVALID_ARGUMENT"), "InvalidArgument");
        assert_eq!(status_variant_pascal("IOP_ERR_TLS"), "Tls");
        assert_eq!(status_variant_pascal("IOP_OK"), "Ok");
    }

    #[test]
    fn prefixes() {
        assert_eq!(strip_prefix("iop_client_new", "iop_"), "client_new");
        assert_eq!(constant_tail("IOP_ERR_TIMEOUT", "IOP_ERR_"), "TIMEOUT");
        assert_eq!(constant_tail("IOP_PROTOCOL_AUTO", "IOP_PROTOCOL_"), "AUTO");
    }

    #[test]
    #[should_panic(expected = "does not start with `iop_`")]
    fn strip_prefix_panics_on_a_foreign_name() {
        strip_prefix("other_client_new", "iop_");
    }

    #[test]
    #[should_panic(expected = "does not start with `IOP_ERR_`")]
    fn constant_tail_panics_on_the_prefix_alone() {
        constant_tail("IOP_ERR_", "IOP_ERR_");
    }

    #[test]
    fn types() {
        assert_eq!(type_to_snake("IopTokenStore"), "token_store");
        assert_eq!(type_to_snake("IopClient"), "client");
        assert_eq!(type_to_snake("IopEnosClient"), "enos_client");
        assert_eq!(type_to_snake("IopTokenStoreCallbacks"), "token_store_callbacks");
        assert_eq!(type_to_snake("Iopish"), "iopish");
        assert_eq!(type_to_snake("Token"), "token");
    }
}
