//! The Java binding's generated layer (bindings/java), from the ABI model only:
//!
//! - `src/main/java/io/iopkit/internal/Native.java`: one `native` method per C function (named
//!   by [`java_method`]: `iop_client_new` → `clientNew`), the `#define` constants (gateway URLs,
//!   defaults, versions) and every enum value as `int` constants;
//! - `src/main/java/io/iopkit/IopStatus.java`: the `IopStatus` enum and the status → exception
//!   table (`IopStatus.exception(...)`);
//! - `src/main/java/io/iopkit/Iop<Name>Exception.java`: one exception class per failure status,
//!   named by [`exception_class`] (`IOP_ERR_TIMEOUT` → `IopTimeoutException`);
//! - `native/src/generated.rs`: the C declarations (opaque handles, callback structs, an
//!   `extern "C"` block with every function) and one `Java_io_iopkit_internal_Native_<name>` JNI
//!   entry point per function, marshalling as listed in [`java_type`] and [`rust_out`].
//!
//! Marshalling rules: handles (and callback-struct pointers) are `long` (0 is NULL); `const char *`
//! arguments are `String` (`null` is NULL); a bytes pointer and its `size_t` length are one
//! `byte[]` (`null` is NULL, 0); `size_t` and unsigned numbers are `long`, `double` is `double`; a
//! C function pointer (`IopLogCallback`) is a `long` address that only the hand-written JNI code
//! supplies (`LogBridge.callback()`), declared `*const c_void` in the glue. A fallible function
//! (returning `IopStatus`, other than the `iop_last_error_*` accessors) returns its single
//! out-parameter (an owned string is copied and released with `iop_string_free`), `void` when
//! it has none, or an `Object[]` (`String`, `Long`, …) when it has several; a status other than
//! `IOP_OK` throws the `IopException` subclass mapped from it (hand-written `crate::run`).
//! `iop_string_free` gets no Java method (see [`exposed`]).

use crate::emit::{GeneratedFile, comment_lines, generated_banner};
use crate::model::{Abi, CType, ConstValue, Enum, Field, Function, Param, STATUS_ENUM, doc_body};
use crate::names::{snake_to_camel, status_variant_pascal, strip_prefix};

const JAVA_DIR: &str = "bindings/java/src/main/java/io/iopkit";
const RUST_GLUE: &str = "bindings/java/native/src/generated.rs";
const JNI_PREFIX: &str = "Java_io_iopkit_internal_Native_";
/// Exception classes that extend another status's class instead of `IopException` (child,
/// parent), so that catch blocks written for the parent keep catching them, as in 0.1 and the
/// other bindings: `IopTokenExpiredException` (EnOS 1203) is an `IopPlatformException`.
const EXCEPTION_PARENTS: &[(&str, &str)] = &[("IOP_ERR_TOKEN_EXPIRED", "IOP_ERR_PLATFORM")];

/// The generated files of the Java binding.
pub fn emit(abi: &Abi) -> Vec<GeneratedFile> {
    let mut files = vec![
        GeneratedFile::new(format!("{JAVA_DIR}/internal/Native.java"), native_java(abi)),
        GeneratedFile::new(format!("{JAVA_DIR}/IopStatus.java"), status_java(abi)),
        GeneratedFile::new(RUST_GLUE, glue_rs(abi)),
    ];
    for v in abi.status_enum().variants.iter().filter(|v| v.value != 0) {
        let class = exception_class(&v.name);
        let parent = match EXCEPTION_PARENTS.iter().find(|(child, _)| *child == v.name) {
            Some((_, parent)) => {
                assert!(abi.status_enum().variant(parent).is_some(), "java: EXCEPTION_PARENTS names `{parent}`");
                exception_class(parent)
            }
            None => "IopException".to_owned(),
        };
        let args = "String message, String code, String type, String subCode, String subMessage,\n            \
                    String requestId, int httpStatus, long retryAfterMs";
        let pass = "message, code, type, subCode, subMessage, requestId, httpStatus, retryAfterMs";
        let for_children = if EXCEPTION_PARENTS.iter().any(|(_, p)| *p == v.name) {
            format!(
                "\n    /** For the subclasses of this exception: an exception of {{@code status}}. */\n    \
                 protected {class}(IopStatus status, {args}) {{\n        super(status, {pass});\n    }}\n"
            )
        } else {
            String::new()
        };
        let text = format!(
            "{}\npackage io.iopkit;\n\n{}public class {class} extends {parent} {{\n    \
             private static final long serialVersionUID = 1L;\n\n    \
             /** An exception with the library's message and, when a platform answered, its fields. */\n    \
             public {class}({args}) {{\n        super(IopStatus.{}, {pass});\n    }}\n{for_children}\n    \
             /** An exception with a message only. */\n    public {class}(String message) {{\n        \
             this(message, null, null, null, null, null, 0, -1);\n    }}\n}}\n",
            generated_banner("// ", ""),
            javadoc(&format!("`{}`: {}", v.name, v.doc), ""),
            status_constant(&v.name)
        );
        files.push(GeneratedFile::new(format!("{JAVA_DIR}/{class}.java"), text));
    }
    files
}

/// `IOP_ERR_TIMEOUT` → `IopTimeoutException` (`Iop` + [`status_variant_pascal`] + `Exception`).
pub fn exception_class(status: &str) -> String {
    format!("Iop{}Exception", status_variant_pascal(status))
}

/// `IOP_ERR_TIMEOUT` → `TIMEOUT`, `IOP_OK` → `OK`: the `IopStatus` enum constant.
pub fn status_constant(status: &str) -> String {
    let tail = strip_prefix(status, "IOP_");
    tail.strip_prefix("ERR_").unwrap_or(tail).to_owned()
}

/// `iop_client_new` → `clientNew`: the `Native` method of a C function.
pub fn java_method(function: &str) -> String {
    snake_to_camel(strip_prefix(function, "iop_"))
}

/// Whether a call's `IopStatus` result is turned into an exception (every status-returning
/// function but the `iop_last_error_*` accessors, which read the last failure).
fn throws(f: &Function) -> bool {
    f.is_status() && !f.name.starts_with("iop_last_error_")
}

/// Whether `f` has a Java method: not when it takes an owned `char *` (`iop_string_free`), since
/// Java never holds the library's strings (the glue copies and releases them).
fn exposed(f: &Function) -> bool {
    !f.params.iter().any(|p| p.ty == CType::Str { owned: true })
}

/// The Java type of a value of `ty` crossing the boundary.
fn java_type(ty: &CType) -> &'static str {
    match ty {
        CType::Void => "void",
        CType::Bool => "boolean",
        CType::I32 | CType::Status => "int",
        CType::Str { .. } => "String",
        CType::Bytes => "byte[]",
        CType::I64 | CType::U32 | CType::U64 | CType::Size => "long",
        CType::F64 => "double",
        CType::Handle { .. } | CType::Struct { .. } | CType::VoidPtr | CType::Callback { .. } => "long",
        CType::Out(inner) => java_type(inner),
    }
}

/// The JNI (Rust) type of a parameter or result of Java type [`java_type`].
fn jni_type(ty: &CType) -> &'static str {
    match java_type(ty) {
        "void" => "()",
        "boolean" => "jboolean",
        "int" => "jint",
        "long" => "jlong",
        "double" => "jdouble",
        "String" => "JString<'l>",
        "byte[]" => "JByteArray<'l>",
        other => unreachable!("no JNI type for {other}"),
    }
}

/// The Rust type of `ty` in the `extern "C"` declarations.
fn c_rust_type(ty: &CType) -> String {
    match ty {
        CType::Void => "()".into(),
        CType::Bool => "bool".into(),
        CType::I32 => "i32".into(),
        CType::I64 => "i64".into(),
        CType::U32 => "u32".into(),
        CType::U64 => "u64".into(),
        CType::F64 => "f64".into(),
        CType::Size => "usize".into(),
        CType::Status => STATUS_ENUM.into(),
        CType::Str { owned: false } => "*const c_char".into(),
        CType::Str { owned: true } => "*mut c_char".into(),
        CType::Bytes => "*const u8".into(),
        CType::Handle { name, is_const } | CType::Struct { name, is_const } => {
            format!("{} {name}", if *is_const { "*const" } else { "*mut" })
        }
        CType::VoidPtr => "*mut c_void".into(),
        // A function pointer is pointer-sized (NULL: none); the facade supplies the function.
        CType::Callback { .. } => "*const c_void".into(),
        CType::Out(inner) => format!("*mut {}", c_rust_type(inner)),
    }
}

/// A Javadoc comment of `doc` (HTML-escaped), indented by `indent`.
fn javadoc(doc: &str, indent: &str) -> String {
    let escaped = doc.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('@', "&#64;");
    let escaped = escaped.replace("*/", "*&#47;");
    format!("{indent}/**\n{}{indent} */\n", comment_lines(escaped.trim(), &format!("{indent} * ")))
}

/// A Java identifier for the C parameter `name` (camel case, not a keyword).
fn java_param(name: &str) -> String {
    let n = snake_to_camel(name);
    if matches!(n.as_str(), "default" | "class" | "new" | "int" | "long" | "char" | "final" | "package") {
        format!("{n}_")
    } else {
        n
    }
}

/// The parameters a Java caller passes: every input but the lengths following byte pointers.
fn java_params(f: &Function) -> Vec<&Param> {
    let lengths: Vec<usize> = f.byte_params().iter().map(|(_, len)| *len).collect();
    f.params.iter().enumerate().filter(|(i, p)| !p.ty.is_out() && !lengths.contains(i)).map(|(_, p)| p).collect()
}

/// The Java return type of `f`.
fn java_return(f: &Function) -> String {
    if !throws(f) {
        return java_type(&f.ret).into();
    }
    match f.outputs().as_slice() {
        [] => "void".into(),
        [one] => java_type(&one.ty).into(),
        _ => "Object[]".into(),
    }
}

fn native_java(abi: &Abi) -> String {
    let mut s = generated_banner("// ", "") + "\npackage io.iopkit.internal;\n\n";
    s += "import io.iopkit.IopException;\n\n";
    s += &javadoc(
        &format!(
            "The C ABI of libiop ({}, version {}.{}.{}) as JNI methods of libiop_jni: one native method\n\
             per C function, the header's constants and enum values. Internal: use the io.iopkit classes.\n\n\
             Handles are long (0: NULL); strings are String (null: NULL); a byte pointer and its length\n\
             are one byte[]. A fallible function returns its out-parameter (an Object[] when it has\n\
             several) and throws the IopException subclass of any status other than IOP_OK, built from\n\
             the iop_last_error_* fields.",
            crate::HEADER,
            abi.version.0,
            abi.version.1,
            abi.version.2
        ),
        "",
    );
    s +=
        "public final class Native {\n    static {\n        NativeLoader.load();\n    }\n\n    private Native() {}\n\n";
    s += "    /** Makes sure the library is loaded (and its version checked); idempotent. */\n";
    s += "    public static void ensureLoaded() {\n        // The static initializer does the work.\n    }\n\n";
    for c in &abi.constants {
        s += &javadoc(&c.doc, "    ");
        s += &match &c.value {
            ConstValue::Str(v) => format!("    public static final String {} = {};\n\n", c.name, java_string(v)),
            ConstValue::Int(v) if i32::try_from(*v).is_ok() => {
                format!("    public static final int {} = {v};\n\n", c.name)
            }
            ConstValue::Int(v) => format!("    public static final long {} = {v}L;\n\n", c.name),
        };
    }
    for e in &abi.enums {
        for v in &e.variants {
            s += &javadoc(&format!("{}: {}", e.name, v.doc), "    ");
            s += &format!("    public static final int {} = {};\n\n", v.name, v.value);
        }
    }
    for f in abi.functions.iter().filter(|f| exposed(f)) {
        let params: Vec<String> =
            java_params(f).iter().map(|p| format!("{} {}", java_type(&p.ty), java_param(&p.name))).collect();
        let doc = format!("{}\n\nC: {{@code {}}}", doc_body(&f.doc), f.c_prototype());
        s += &javadoc(&doc, "    ").replace("{&#64;code", "{@code");
        s += &format!(
            "    public static native {} {}({}){};\n\n",
            java_return(f),
            java_method(&f.name),
            params.join(", "),
            if throws(f) { " throws IopException" } else { "" }
        );
    }
    s.truncate(s.trim_end().len());
    s + "\n}\n"
}

fn java_string(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

fn status_java(abi: &Abi) -> String {
    let status: &Enum = abi.status_enum();
    let mut s = generated_banner("// ", "") + "\npackage io.iopkit;\n\n";
    s += &javadoc(&status.doc, "");
    s += "public enum IopStatus {\n";
    let constants: Vec<String> = status
        .variants
        .iter()
        .map(|v| format!("{}    {}({}, \"{}\")", javadoc(&v.doc, "    "), status_constant(&v.name), v.value, v.name))
        .collect();
    s += &constants.join(",\n");
    s += ";\n\n    private final int value;\n    private final String cName;\n\n";
    s +=
        "    IopStatus(int value, String cName) {\n        this.value = value;\n        this.cName = cName;\n    }\n\n";
    s += "    /** The numeric value in the C ABI. */\n    public int value() {\n        return value;\n    }\n\n";
    s += "    /** The C name, e.g. {@code IOP_ERR_TIMEOUT}. */\n    public String cName() {\n        return cName;\n    }\n\n";
    s += "    /** The status whose numeric value is {@code value}, or {@code null} for none. */\n";
    s += "    public static IopStatus of(int value) {\n        for (IopStatus s : values()) {\n            \
           if (s.value == value) {\n                return s;\n            }\n        }\n        return null;\n    }\n\n";
    s += "    /**\n     * The status → exception table: the exception of this failure status ({@code null} for\n     \
           * {@code IOP_OK}), carrying the library's message and the platform's fields.\n     */\n";
    s += "    public IopException exception(String message, String code, String type, String subCode, String subMessage,\n            \
           String requestId, int httpStatus, long retryAfterMs) {\n        switch (this) {\n";
    for v in &status.variants {
        let body = if v.value == 0 {
            "null".to_owned()
        } else {
            format!(
                "new {}(message, code, type, subCode, subMessage, requestId, httpStatus, retryAfterMs)",
                exception_class(&v.name)
            )
        };
        s += &format!("            case {}:\n                return {body};\n", status_constant(&v.name));
    }
    s += "            default:\n                throw new AssertionError(this);\n        }\n    }\n}\n";
    s
}

fn glue_rs(abi: &Abi) -> String {
    let mut s = generated_banner("// ", "") + "\n";
    s += "//! The C ABI of libiop as declared by include/iop.h (opaque handles, constants, callback\n\
          //! structs, functions), and one JNI entry point of `io.iopkit.internal.Native` per function.\n\
          //! The functions are those of the `iopkit` crate linked into this library (see lib.rs).\n\n";
    s += "#![allow(non_snake_case, non_camel_case_types, dead_code, unused_imports, unused_mut, unused_variables)]\n";
    s += "#![allow(clippy::missing_safety_doc, clippy::too_many_arguments, clippy::unnecessary_cast, clippy::useless_conversion)]\n\n";
    s += "use std::ffi::{c_char, c_void};\n\n";
    s += "use jni::EnvUnowned;\nuse jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString};\n";
    s += "use jni::sys::{jboolean, jdouble, jint, jlong};\n\nuse crate::{Outcome, array_out, bytes_in, bytes_ptr, check, long_out, owned_str_out, ptr, run, str_in, str_out};\n\n";
    for h in &abi.handles {
        s += &comment_lines(crate::model::doc_summary(&h.doc), "/// ");
        s += &format!("#[repr(C)]\npub struct {} {{\n    _opaque: [u8; 0],\n}}\n\n", h.name);
    }
    for e in &abi.enums {
        s += &comment_lines(crate::model::doc_summary(&e.doc), "/// ");
        s += &format!("pub type {} = i32;\n", e.name);
        for v in &e.variants {
            s += &format!("pub const {}: {} = {};\n", v.name, e.name, v.value);
        }
        s += "\n";
    }
    for c in &abi.callback_structs {
        s += &comment_lines(crate::model::doc_summary(&c.doc), "/// ");
        s += &format!("#[repr(C)]\npub struct {} {{\n", c.name);
        for field in &c.fields {
            match field {
                Field::Data { name, ty, .. } => s += &format!("    pub {name}: {},\n", c_rust_type(ty)),
                Field::Callback { name, ret, params, .. } => {
                    let ps: Vec<String> =
                        params.iter().map(|p| format!("{}: {}", p.name, c_rust_type(&p.ty))).collect();
                    let ret = if *ret == CType::Void { String::new() } else { format!(" -> {}", c_rust_type(ret)) };
                    s += &format!("    pub {name}: Option<unsafe extern \"C\" fn({}){ret}>,\n", ps.join(", "));
                }
            }
        }
        s += "}\n\n";
    }
    s += "unsafe extern \"C\" {\n";
    for f in &abi.functions {
        let ps: Vec<String> = f.params.iter().map(|p| format!("{}: {}", p.name, c_rust_type(&p.ty))).collect();
        let ret = if f.ret == CType::Void { String::new() } else { format!(" -> {}", c_rust_type(&f.ret)) };
        s += &format!("    pub fn {}({}){ret};\n", f.name, ps.join(", "));
    }
    s += "}\n";
    for f in abi.functions.iter().filter(|f| exposed(f)) {
        s += &jni_entry(f);
    }
    s
}

/// The JNI entry point of `f`.
fn jni_entry(f: &Function) -> String {
    let method = java_method(&f.name);
    let mut sig = vec!["mut env: EnvUnowned<'l>".to_owned(), "_class: JClass<'l>".to_owned()];
    let mut body = String::new();
    let byte_lengths: Vec<usize> = f.byte_params().iter().map(|(_, len)| *len).collect();
    let mut args = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        let n = &p.name;
        if byte_lengths.contains(&i) {
            continue;
        }
        match &p.ty {
            CType::Out(inner) => {
                let init = match **inner {
                    CType::Handle { .. } | CType::Str { .. } => "std::ptr::null_mut()",
                    CType::Bool => "false",
                    _ => "0",
                };
                body += &format!("        let mut {n}: {} = {init};\n", c_rust_type(inner));
                args.push(format!("&mut {n}"));
            }
            CType::Str { .. } => {
                sig.push(format!("{n}: JString<'l>"));
                body += &format!("        let {n} = str_in(env, &{n}, \"{n}\")?;\n");
                args.push(format!("ptr(&{n})"));
            }
            CType::Bytes => {
                sig.push(format!("{n}: JByteArray<'l>"));
                body += &format!(
                    "        let {n} = bytes_in(env, &{n})?;\n        let ({n}, {n}_len) = bytes_ptr(&{n});\n"
                );
                args.push(n.clone());
                args.push(format!("{n}_len"));
            }
            CType::Handle { .. } | CType::Struct { .. } | CType::VoidPtr => {
                sig.push(format!("{n}: jlong"));
                args.push(format!("{n} as usize as {}", c_rust_type(&p.ty)));
            }
            other => {
                sig.push(format!("{n}: {}", jni_type(other)));
                args.push(format!("{n} as {}", c_rust_type(other)));
            }
        }
    }
    let call = format!("unsafe {{ {}({}) }}", f.name, args.join(", "));
    let (ret_ty, tail) = if throws(f) {
        body += &format!(
            "        // SAFETY: arguments are marshalled as the header requires; handles come from the\n        \
                          // io.iopkit facades, which never pass a freed one.\n        check({call})?;\n"
        );
        let outs = f.outputs();
        match outs.as_slice() {
            [] => ("()".to_owned(), "Ok(())".to_owned()),
            [one] => (out_jni_type(&one.ty), rust_out(&one.ty, &one.name)),
            many => {
                // Every out-value is converted (owned strings released) before any error returns.
                for p in many {
                    body += &format!("        let {0} = {1};\n", p.name, rust_out_object(&p.ty, &p.name));
                }
                let items: Vec<String> = many.iter().map(|p| format!("{}?.into()", p.name)).collect();
                ("JObjectArray<'l>".to_owned(), format!("array_out(env, vec![{}])", items.join(", ")))
            }
        }
    } else {
        body += "        // SAFETY: arguments are marshalled as the header requires.\n";
        body +=
            &if f.ret == CType::Void { format!("        {call};\n") } else { format!("        let value = {call};\n") };
        let tail = match &f.ret {
            CType::Void => "Ok(())".to_owned(),
            CType::Str { owned: false } => "str_out(env, value)".to_owned(),
            CType::Str { owned: true } => "owned_str_out(env, value)".to_owned(),
            CType::Handle { .. } => "Ok(value as usize as jlong)".to_owned(),
            other => format!("Ok(value as {})", jni_type(other)),
        };
        (jni_type(&f.ret).to_owned(), tail)
    };
    let ret = if ret_ty == "()" { String::new() } else { format!(" -> {ret_ty}") };
    format!(
        "\n/// `{}`\n#[unsafe(no_mangle)]\npub extern \"system\" fn {JNI_PREFIX}{method}<'l>({}){ret} {{\n    \
         run(&mut env, |env| -> Outcome<_> {{\n{body}        {tail}\n    }})\n}}\n",
        f.c_prototype(),
        sig.join(", ")
    )
}

/// The JNI type returned for the out-parameter `ty`.
fn out_jni_type(ty: &CType) -> String {
    match ty.out_target() {
        Some(CType::Str { .. }) => "JString<'l>".into(),
        Some(inner) => jni_type(inner).into(),
        None => unreachable!("not an out-parameter"),
    }
}

/// The expression giving an out-parameter's value to Java (an `Outcome`).
fn rust_out(ty: &CType, name: &str) -> String {
    match ty.out_target() {
        Some(CType::Str { owned: true }) => format!("owned_str_out(env, {name})"),
        Some(CType::Str { owned: false }) => format!("str_out(env, {name})"),
        Some(CType::Handle { .. }) => format!("Ok({name} as usize as jlong)"),
        Some(inner) => format!("Ok({name} as {})", jni_type(inner)),
        None => unreachable!("not an out-parameter"),
    }
}

/// As [`rust_out`], as a Java object for an `Object[]` (numbers and handles boxed as `Long`).
fn rust_out_object(ty: &CType, name: &str) -> String {
    match ty.out_target() {
        Some(CType::Str { .. }) => rust_out(ty, name),
        Some(CType::Handle { .. }) => format!("long_out(env, {name} as usize as i64)"),
        Some(_) => format!("long_out(env, {name} as i64)"),
        None => unreachable!("not an out-parameter"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(exception_class("IOP_ERR_TIMEOUT"), "IopTimeoutException");
        assert_eq!(exception_class("IOP_ERR_MALFORMED_RESPONSE"), "IopMalformedResponseException");
        assert_eq!(status_constant("IOP_ERR_TOKEN_EXPIRED"), "TOKEN_EXPIRED");
        assert_eq!(status_constant("IOP_OK"), "OK");
        assert_eq!(java_method("iop_token_store_new_memory"), "tokenStoreNewMemory");
    }
}
