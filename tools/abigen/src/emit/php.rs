//! The PHP binding's low-level layer (bindings/php), generated from the ABI model:
//!
//! - `iop.preload.h`: the declarations (handles, enums, function-pointer typedefs, callback
//!   structs and every function) for `FFI::cdef()`, `FFI::load()` and `ffi.preload` (PHP-FPM),
//!   without `extern "C"` or other preprocessor lines, which PHP's FFI parser rejects. `FFI::load()` reads
//!   `#define FFI_SCOPE` / `#define FFI_LIB` only at the very start of the file, one after the
//!   other, and `FFI::cdef()` skips lines starting with `#`: both defines and the generated
//!   banner share the first line. Owned strings stay `char *` (PHP keeps the pointer, to free it
//!   with `iop_string_free`); borrowed ones stay `const char *` (PHP copies them into strings).
//! - `src/Abi.php` (`Iopkit\Abi`): the `#define` constants (gateway URLs, defaults, version)
//!   and one static method per function, with the marshalling decided by the model: string
//!   arguments checked for NUL bytes, byte buffers copied into native memory with their length,
//!   out-parameters allocated and returned (owned strings copied, then released with
//!   `iop_string_free`), integer arguments range-checked for their C type, function pointers
//!   taken as Closures (FFI calls them on the calling thread only), and every returned
//!   `IopStatus` checked (`Native::check` throws the exception of its class).
//! - one class per enum (`IopStatus` → `src/Status.php`, `IopProtocol` → `src/Protocol.php`…),
//!   its variants as constants named without the enum's common prefix, plus `NAMES`; `Status`
//!   also has `EXCEPTIONS`, the status → exception class table.
//! - one exception class per non-OK status, `src/Exception/<Name>Exception.php`, the name made
//!   by [`names::status_variant_pascal`] (`IOP_ERR_TIMEOUT` → `TimeoutException`), extending the
//!   hand-written `Iopkit\Exception\IopException` (a `\RuntimeException`), the class in
//!   [`PARENT_STATUS`], or the SPL class in [`SPL_BASE`]; every one implements the marker
//!   interface `Iopkit\Exception\IopkitException`.

use std::fmt::Write as _;

use crate::emit::{GeneratedFile, comment_lines, generated_banner};
use crate::model::{self, Abi, CType, ConstValue, Constant, Enum, Field, Function, Param, STATUS_ENUM, STRING_FREE};
use crate::names;

/// Folder of the binding, relative to the workspace root.
const DIR: &str = "bindings/php";

/// The FFI scope `iop.preload.h` defines (`FFI::scope('IOPKIT')` in `Iopkit\Native`).
const FFI_SCOPE: &str = "IOPKIT";

/// Status exceptions that extend another status's exception instead of `IopException`, so
/// that catch blocks written for the parent keep catching them (`TokenExpiredException` has
/// the platform fields of a `PlatformException`, and was one before it had its own status).
const PARENT_STATUS: [(&str, &str); 1] = [("IOP_ERR_TOKEN_EXPIRED", "IOP_ERR_PLATFORM")];

/// Status exceptions that extend an SPL class other than `\RuntimeException` (so that a
/// `catch (\InvalidArgumentException $e)` written for PHP's own errors catches them): they
/// implement `IopkitException` and take `IopException`'s methods from the `StatusFields` trait.
const SPL_BASE: [(&str, &str); 1] = [("IOP_ERR_INVALID_ARGUMENT", "\\InvalidArgumentException")];

/// The generated files of the PHP binding.
pub fn emit(abi: &Abi) -> Vec<GeneratedFile> {
    let mut files = vec![
        GeneratedFile::new(
            format!("{DIR}/iop.preload.h"),
            format!(
                "#define FFI_SCOPE \"{FFI_SCOPE}\" #define FFI_LIB \"libiop.so.{}\" {}\n\
                 /* For FFI::cdef() (which skips the line above), FFI::load() and ffi.preload (which read\n   \
                 both defines there, and only there). Another library path: edit FFI_LIB in a copy. */\n\n{}",
                abi.version.0,
                generated_banner("/* ", " */"),
                ffi_declarations(abi),
            ),
        ),
        GeneratedFile::new(format!("{DIR}/src/Abi.php"), abi_class(abi)),
    ];
    for e in &abi.enums {
        files.push(GeneratedFile::new(format!("{DIR}/src/{}.php", enum_class_name(e)), enum_class(abi, e)));
    }
    let status = abi.status_enum();
    for v in status.variants.iter().filter(|v| v.value != 0) {
        let spl = SPL_BASE.iter().find(|(status, _)| *status == v.name).map(|(_, class)| *class);
        let parent = match PARENT_STATUS.iter().find(|(child, _)| *child == v.name) {
            Some((_, parent)) => {
                assert!(status.variant(parent).is_some(), "php: PARENT_STATUS names `{parent}`, not an IopStatus");
                exception_class_name(parent)
            }
            None => spl.unwrap_or("IopException").to_string(),
        };
        let name = exception_class_name(&v.name);
        let mut php = php_header("Iopkit\\Exception");
        php.push_str(&docblock(&format!("{}\n\n(IopStatus {}.)", model::doc_body(&v.doc), v.name), ""));
        match spl {
            Some(_) => {
                let _ = writeln!(
                    php,
                    "class {name} extends {parent} implements IopkitException\n{{\n    use StatusFields;\n}}"
                );
            }
            None => {
                let _ = writeln!(php, "class {name} extends {parent}\n{{\n}}");
            }
        }
        files.push(GeneratedFile::new(format!("{DIR}/src/Exception/{name}.php"), php));
    }
    files
}

/// A PHPDoc block of `doc` indented by `indent` (empty for an empty doc).
fn docblock(doc: &str, indent: &str) -> String {
    let doc = doc.trim().replace("*/", "*\\/");
    match doc.lines().count() {
        0 => String::new(),
        1 => format!("{indent}/** {doc} */\n"),
        _ => format!("{indent}/**\n{}{indent} */\n", comment_lines(&doc, &format!("{indent} * "))),
    }
}

/// `IOP_ERR_TIMEOUT` → `TimeoutException`.
fn exception_class_name(status: &str) -> String {
    format!("{}Exception", names::status_variant_pascal(status))
}

/// `IopProtocol` → `Protocol`.
fn enum_class_name(e: &Enum) -> String {
    names::snake_to_pascal(&names::type_to_snake(&e.name))
}

/// The start of a generated PHP file in `namespace`.
fn php_header(namespace: &str) -> String {
    format!("<?php {}\n\ndeclare(strict_types=1);\n\nnamespace {namespace};\n\n", generated_banner("// ", ""))
}

/// The declarations of every handle, enum, callback struct and function, as C that
/// `FFI::cdef()` accepts.
fn ffi_declarations(abi: &Abi) -> String {
    let mut out = String::new();
    for h in &abi.handles {
        let _ = writeln!(out, "typedef struct {0} {0};", h.name);
    }
    for e in &abi.enums {
        out.push_str("typedef enum {\n");
        for v in &e.variants {
            let _ = writeln!(out, "  {} = {},", v.name, v.value);
        }
        let _ = writeln!(out, "}} {};", e.name);
    }
    let fn_pointer = |name: &str, ret: &CType, params: &[Param]| {
        let ret = ret.c_type();
        let space = if ret.ends_with('*') { "" } else { " " };
        format!("{ret}{space}(*{name})({})", model::c_params(params))
    };
    for c in &abi.callback_types {
        let _ = writeln!(out, "typedef {};", fn_pointer(&c.name, &c.ret, &c.params));
    }
    for s in &abi.callback_structs {
        out.push_str("typedef struct {\n");
        for field in &s.fields {
            let decl = match field {
                Field::Data { name, ty, .. } => Param { name: name.clone(), ty: ty.clone() }.c_decl(),
                Field::Callback { name, ret, params, .. } => fn_pointer(name, ret, params),
            };
            let _ = writeln!(out, "  {decl};");
        }
        let _ = writeln!(out, "}} {};", s.name);
    }
    for f in &abi.functions {
        let _ = writeln!(out, "{}", f.c_prototype());
    }
    out
}

/// A PHP enum-like class: the variants as constants named without the common prefix, `NAMES`
/// (value → C name) and, for `IopStatus`, `EXCEPTIONS` (status → exception class).
fn enum_class(abi: &Abi, e: &Enum) -> String {
    let prefix = common_prefix(e.variants.iter().map(|v| v.name.as_str()));
    let mut php = php_header("Iopkit");
    php.push_str(&docblock(&format!("{}\n\n(The C ABI's `{}`.)", model::doc_body(&e.doc), e.name), ""));
    let _ = writeln!(php, "final class {}\n{{", enum_class_name(e));
    for v in &e.variants {
        php.push_str(&docblock(model::doc_body(&v.doc), "    "));
        let _ = writeln!(php, "    public const {} = {};", names::constant_tail(&v.name, &prefix), v.value);
    }
    php.push_str("\n    /** Value => C name. */\n    public const NAMES = [\n");
    for v in &e.variants {
        let _ = writeln!(php, "        {} => '{}',", v.value, v.name);
    }
    php.push_str("    ];\n");
    if e.name == STATUS_ENUM {
        php.push_str(
            "\n    /** Every status but IOP_OK => the class of its exception. */\n    public const EXCEPTIONS = [\n",
        );
        for v in abi.status_enum().variants.iter().filter(|v| v.value != 0) {
            let _ = writeln!(php, "        {} => Exception\\{}::class,", v.value, exception_class_name(&v.name));
        }
        php.push_str("    ];\n");
    }
    php.push_str("\n    private function __construct()\n    {\n    }\n}\n");
    php
}

/// The longest `_`-terminated prefix the names share (`IOP_PROTOCOL_` for `IOP_PROTOCOL_AUTO`,
/// `IOP_PROTOCOL_GOP`), leaving every name a non-empty tail.
fn common_prefix<'a>(names: impl Iterator<Item = &'a str> + Clone) -> String {
    let first = names.clone().next().unwrap_or("");
    let mut prefix = String::new();
    for (i, _) in first.match_indices('_') {
        let candidate = &first[..=i];
        if names.clone().all(|n| n.len() > candidate.len() && n.starts_with(candidate)) {
            prefix = candidate.to_string();
        } else {
            break;
        }
    }
    prefix
}

/// `Iopkit\Abi`: the constants and one static method per function.
fn abi_class(abi: &Abi) -> String {
    let mut php = php_header("Iopkit");
    php.push_str("use FFI;\nuse FFI\\CData;\nuse Iopkit\\Exception\\InvalidArgumentException;\n\n");
    php.push_str(
        "/**\n * The C ABI of libiop (include/iop.h): its constants, and one static method per function\n \
         * that marshals PHP values to C and back and throws the IopException of a failed call\n \
         * (Native::check). Handles are FFI\\CData pointers; the facade classes own and free them.\n \
         *\n * @internal The facade (IopClient, EnosClient, TokenManager…) is the public API.\n */\n",
    );
    php.push_str("final class Abi\n{\n");
    for c in &abi.constants {
        php.push_str(&constant(c));
    }
    for f in &abi.functions {
        php.push('\n');
        php.push_str(&function(f));
    }
    let _ = write!(
        php,
        r#"
    /** Copies an owned string the library returned, then releases it with {STRING_FREE}(). */
    private static function owned(CData $s): string
    {{
        try {{
            return FFI::string($s);
        }} finally {{
            Native::ffi()->{STRING_FREE}($s);
        }}
    }}

    /** A string argument: ints in decimal, NUL bytes refused (C would cut the string there). */
    private static function str(#[\SensitiveParameter] string|int|null $value, string $name): ?string
    {{
        if (\is_string($value) && str_contains($value, "\0")) {{
            throw new InvalidArgumentException("invalid argument `$name`: must not contain NUL bytes", Status::ERR_INVALID_ARGUMENT);
        }}
        return $value === null ? null : (string) $value;
    }}

    /** A native copy of `$bytes` (NULL when null or empty: the C ABI's "none"). */
    private static function bytes(#[\SensitiveParameter] ?string $bytes): ?CData
    {{
        $len = \strlen((string) $bytes);
        if ($len === 0) {{
            return null;
        }}
        $data = Native::ffi()->new("uint8_t[$len]");
        FFI::memcpy($data, $bytes, $len);
        return $data;
    }}

    /** An integer argument within the range of its C type. */
    private static function int(int $value, int $min, int $max, string $name): int
    {{
        if ($value < $min || $value > $max) {{
            throw new InvalidArgumentException("invalid argument `$name`: must be between $min and $max", Status::ERR_INVALID_ARGUMENT);
        }}
        return $value;
    }}

    private function __construct()
    {{
    }}
}}
"#
    );
    php
}

/// A `#define` as a class constant named without `IOP_`.
fn constant(c: &Constant) -> String {
    let value = match &c.value {
        ConstValue::Int(v) => v.to_string(),
        ConstValue::Str(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
    };
    let mut out = docblock(model::doc_body(&c.doc), "    ");
    let _ = writeln!(out, "    public const {} = {value};", names::strip_prefix(&c.name, "IOP_"));
    out
}

/// The PHP type of an input parameter (the `size_t` length after bytes has none: it is derived).
fn input_type(ty: &CType) -> &'static str {
    match ty {
        CType::Bool => "bool",
        CType::I32 | CType::I64 | CType::U32 | CType::U64 | CType::Size | CType::Status => "int",
        CType::F64 => "float",
        CType::Str { owned: false } => "string|int|null",
        CType::Bytes => "?string",
        CType::Str { owned: true } | CType::Handle { .. } | CType::VoidPtr => "?CData",
        // FFI turns a Closure into a C function pointer (called on the calling thread only).
        CType::Callback { .. } => "\\Closure|CData|null",
        CType::Struct { .. } => "CData",
        CType::Void | CType::Out(_) => unreachable!("not an input type"),
    }
}

/// The PHP return type of a value of C type `ty` (a result, or what an out-pointer points to).
fn result_type(ty: &CType, out: bool) -> &'static str {
    match ty {
        CType::Void => "void",
        CType::Bool => "bool",
        CType::I32 | CType::I64 | CType::U32 | CType::U64 | CType::Size | CType::Status => "int",
        CType::F64 => "float",
        CType::Str { .. } if out => "string",
        CType::Str { .. } => "?string",
        CType::Handle { .. } | CType::Struct { .. } | CType::VoidPtr if out => "CData",
        CType::Handle { .. } | CType::Struct { .. } | CType::VoidPtr | CType::Callback { .. } => "?CData",
        CType::Bytes | CType::Out(_) => unreachable!("not a result type"),
    }
}

/// The range check of an integer argument of C type `ty`, if PHP's int can exceed it.
fn int_range(ty: &CType) -> Option<(&'static str, &'static str)> {
    match ty {
        CType::I32 | CType::Status => Some(("-0x80000000", "0x7FFFFFFF")),
        CType::U32 => Some(("0", "0xFFFFFFFF")),
        CType::U64 | CType::Size => Some(("0", "\\PHP_INT_MAX")),
        _ => None,
    }
}

/// The static method wrapping `f`.
fn function(f: &Function) -> String {
    let method = names::snake_to_camel(names::strip_prefix(&f.name, "iop_"));
    let lengths: Vec<usize> = f.byte_params().into_iter().map(|(_, len)| len).collect();
    let mut sig = Vec::new();
    let mut args = Vec::new();
    let mut prelude = String::new();
    let mut outputs: Vec<(String, &CType)> = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        let var = format!("${}", names::snake_to_camel(&p.name));
        if let Some(target) = p.ty.out_target() {
            // The parsed type is kept: FFI::new() would parse the declaration on every call.
            let c_type = target.c_type();
            let _ = writeln!(prelude, "        static {var}Type = null;");
            let _ = writeln!(prelude, "        {var} = $f->new({var}Type ??= $f->type('{}'));", c_type.trim_end());
            args.push(format!("FFI::addr({var})"));
            outputs.push((var, target));
            continue;
        }
        if lengths.contains(&i) {
            args.push(format!("\\strlen((string) ${})", names::snake_to_camel(&f.params[i - 1].name)));
            continue;
        }
        let sensitive =
            if matches!(p.ty, CType::Str { owned: false } | CType::Bytes) { "#[\\SensitiveParameter] " } else { "" };
        sig.push(format!("{sensitive}{} {var}", input_type(&p.ty)));
        args.push(match &p.ty {
            CType::Str { owned: false } => format!("self::str({var}, '{}')", p.name),
            CType::Bytes => format!("self::bytes({var})"),
            ty => match int_range(ty) {
                Some((min, max)) => format!("self::int({var}, {min}, {max}, '{}')", p.name),
                None => var,
            },
        });
    }
    let call = format!("$f->{}({})", f.name, args.join(", "));
    let convert = |(var, ty): &(String, &CType)| match ty {
        CType::Str { owned: true } => format!("self::owned({var})"),
        CType::Str { owned: false } => format!("FFI::string({var})"),
        CType::Handle { .. } | CType::Struct { .. } | CType::VoidPtr => var.clone(),
        CType::Bool => format!("(bool) {var}->cdata"),
        _ => format!("{var}->cdata"),
    };
    let (ret, body) = if f.is_status() {
        let check = format!("        Native::check({call});\n");
        match outputs.len() {
            0 => ("void".to_string(), check),
            1 => (
                result_type(outputs[0].1, true).to_string(),
                format!("{check}        return {};\n", convert(&outputs[0])),
            ),
            _ => {
                let values: Vec<String> = outputs.iter().map(convert).collect();
                ("array".to_string(), format!("{check}        return [{}];\n", values.join(", ")))
            }
        }
    } else {
        let ret = result_type(&f.ret, false).to_string();
        let body = match &f.ret {
            CType::Void => format!("        {call};\n"),
            CType::Str { owned: true } => {
                format!(
                    "        $s = {call};\n        return $s === null || FFI::isNull($s) ? null : self::owned($s);\n"
                )
            }
            _ => format!("        return {call};\n"),
        };
        (ret, body)
    };
    let mut doc = format!("{}\n\n@see {}()", model::doc_body(&f.doc), f.name);
    if outputs.len() > 1 {
        let vars: Vec<&str> = outputs.iter().map(|(var, _)| var.as_str()).collect();
        let types: Vec<&str> = outputs.iter().map(|(_, ty)| result_type(ty, true)).collect();
        let _ = write!(doc, "\n@return array{{{}}} the values written to {}", types.join(", "), vars.join(", "));
    }
    let mut out = docblock(&doc, "    ");
    let _ = writeln!(out, "    public static function {method}({}): {ret}\n    {{", sig.join(", "));
    out.push_str("        $f = Native::ffi();\n");
    out.push_str(&prelude);
    out.push_str(&body);
    out.push_str("    }\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abi() -> Abi {
        crate::load(&crate::default_root()).expect("include/iop.h parses")
    }

    #[test]
    fn prefixes() {
        assert_eq!(common_prefix(["IOP_PROTOCOL_AUTO", "IOP_PROTOCOL_GOP"].into_iter()), "IOP_PROTOCOL_");
        assert_eq!(common_prefix(["IOP_OK", "IOP_ERR_TLS"].into_iter()), "IOP_");
        assert_eq!(common_prefix(["IOP_HTTP_POST"].into_iter()), "IOP_HTTP_");
    }

    #[test]
    fn every_function_has_a_method_and_a_declaration() {
        let abi = abi();
        let files = emit(&abi);
        let text = |suffix: &str| files.iter().find(|f| f.path.ends_with(suffix)).unwrap().contents.clone();
        let (php, ffi) = (text("src/Abi.php"), text("iop.preload.h"));
        for f in &abi.functions {
            assert!(ffi.contains(&f.c_prototype()), "{}", f.name);
            assert!(php.contains(&format!("->{}(", f.name)), "{}", f.name);
        }
        assert!(!ffi.lines().skip(1).any(|l| l.starts_with('#') || l.contains("extern")));
        for c in &abi.callback_types {
            assert!(ffi.contains(&format!("(*{})(", c.name)), "{}", c.name);
        }
        assert!(ffi.starts_with("#define FFI_SCOPE \"IOPKIT\" #define FFI_LIB \"libiop.so."));
    }

    #[test]
    fn statuses_have_exceptions() {
        let files = emit(&abi());
        assert!(files.iter().any(|f| f.path.ends_with("src/Exception/TimeoutException.php")));
        let token = files.iter().find(|f| f.path.ends_with("TokenExpiredException.php")).unwrap();
        assert!(token.contents.contains("class TokenExpiredException extends PlatformException"));
        let invalid = files.iter().find(|f| f.path.ends_with("Exception/InvalidArgumentException.php")).unwrap();
        assert!(
            invalid.contents.contains(
                "class InvalidArgumentException extends \\InvalidArgumentException implements IopkitException"
            )
        );
    }
}
