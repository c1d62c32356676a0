//! The .NET binding's low-level layer (`bindings/dotnet/src/Iopkit/Native.g.cs`), generated from
//! the model: every `[DllImport("iop")]` with ownership-aware marshalling (input strings as
//! NUL-terminated UTF-8 `byte[]`, every `char *` result as `IntPtr`, owned ones copied and released
//! with `iop_string_free`), a checked managed wrapper per function, one `SafeHandle` subclass per
//! handle type that has a `_free`, the callback delegates (struct fields and function-pointer
//! typedefs such as `IopLogCallback` → `Native.LogCallback`) and structs, the enums, the `#define`
//! constants (gateway URLs, defaults), and one exception class per non-OK `IopStatus` with the
//! status → exception table.
//!
//! The generated code leans on a few hand-written members of the binding (`Native.Utf8`,
//! `Native.FromUtf8`, `Native.TakeOwned`, `Native.Body`, `Native.BodyLength`, the partial method
//! `Native.BeforeCall`, the `NativeHandle` base class and the `IopException` base class), which
//! live in `bindings/dotnet/src/Iopkit/Native.cs` and `IopException.cs`.

use std::fmt::Write as _;

use crate::emit::{GeneratedFile, generated_banner};
use crate::model::{Abi, CType, ConstValue, Enum, Field, Function, Param, STRING_FREE, doc_summary};
use crate::names::{screaming_to_pascal, snake_to_camel, snake_to_pascal, status_variant_pascal, strip_prefix};

/// The generated file.
pub const PATH: &str = "bindings/dotnet/src/Iopkit/Native.g.cs";

/// C# names of enums that differ from the C name, and how their variants are spelled:
/// `true` keeps the upper-case tail (`GopProtocolEnum.GOP`, the official SDK's spelling).
const ENUM_NAMES: &[(&str, &str, bool)] = &[("IopProtocol", "GopProtocolEnum", true)];

/// Variant names kept from the binding's 0.1 public API where the rule would spell them otherwise.
const VARIANT_NAMES: &[(&str, &str)] = &[("IOP_PLATFORM_ALIEXPRESS", "AliExpress")];

/// Exception classes that derive from another status's class (0.1 public API: a
/// `catch (IopPlatformException)` also catches an expired EnOS token).
const EXCEPTION_PARENTS: &[(&str, &str)] = &[("IOP_ERR_TOKEN_EXPIRED", "IOP_ERR_PLATFORM")];

/// C# keywords a parameter name must not be (escaped with `@`).
const KEYWORDS: &str = "base bool byte case char checked class const decimal default do double event fixed \
    float in int internal is lock long namespace new object operator out override params private protected \
    public ref return sizeof static string struct this throw typeof uint ulong unsafe using virtual void";

/// The generated files of the .NET binding.
pub fn emit(abi: &Abi) -> Vec<GeneratedFile> {
    let mut o = String::new();
    o.push_str(&generated_banner("// ", ""));
    o.push_str("\n// The low-level layer of the .NET binding: P/Invoke declarations, checked wrappers, handles,\n");
    o.push_str("// enums, constants and the exception classes of include/iop.h. The facade classes use it.\n");
    o.push_str("using System;\nusing System.Runtime.InteropServices;\n\nnamespace Iopkit\n{\n");
    emit_constants(abi, &mut o);
    for e in &abi.enums {
        emit_enum(e, &mut o);
    }
    emit_handles(abi, &mut o);
    emit_native(abi, &mut o);
    emit_exceptions(abi, &mut o);
    o.push_str("}\n");
    vec![GeneratedFile::new(PATH, o)]
}

/// The text of a doc comment as XML doc content: `&`, `<`, `>` escaped, `` `x` `` as `<c>x</c>`,
/// lines joined with spaces.
fn xml(doc: &str) -> String {
    let escaped = doc.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut out = String::new();
    for (i, part) in escaped.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<c>{part}</c>");
        } else {
            out.push_str(part);
        }
    }
    if escaped.matches('`').count() % 2 == 1 {
        return escaped.replace('`', "'").split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn summary(doc: &str, indent: &str, o: &mut String) {
    let text = xml(doc_summary(doc));
    if !text.is_empty() {
        let _ = writeln!(o, "{indent}/// <summary>{text}</summary>");
    }
}

fn ident(name: &str) -> String {
    if KEYWORDS.split_whitespace().any(|k| k == name) { format!("@{name}") } else { name.to_string() }
}

fn camel(name: &str) -> String {
    ident(&snake_to_camel(name))
}

/// `IOP_URL_LAZADA_SG` → `UrlLazadaSg`.
fn constant_name(name: &str) -> String {
    screaming_to_pascal(strip_prefix(name, "IOP_"))
}

fn emit_constants(abi: &Abi, o: &mut String) {
    o.push_str(
        "    /// <summary>The constants of include/iop.h: gateway URLs (<c>Url*</c>), defaults (<c>Default*</c>),\n",
    );
    o.push_str(
        "    /// <see cref=\"UseDefault\"/> (pass it for any numeric setting to get its default), limits and the\n",
    );
    o.push_str("    /// header's version.</summary>\n    public static class IopConstants\n    {\n");
    for c in &abi.constants {
        summary(&c.doc, "        ", o);
        let value = match &c.value {
            ConstValue::Int(v) if i32::try_from(*v).is_ok() => format!("int {} = {v}", constant_name(&c.name)),
            ConstValue::Int(v) => format!("long {} = {v}L", constant_name(&c.name)),
            ConstValue::Str(s) => format!("string {} = {s:?}", constant_name(&c.name)),
        };
        let _ = writeln!(o, "        public const {value};");
    }
    o.push_str("    }\n\n");
}

/// The C# name of an enum.
fn enum_name(e: &Enum) -> String {
    ENUM_NAMES.iter().find(|(c, _, _)| *c == e.name).map_or(e.name.clone(), |(_, cs, _)| cs.to_string())
}

/// The C# name of each variant of `e`, in order.
fn variant_names(e: &Enum) -> Vec<String> {
    if e.name == crate::model::STATUS_ENUM {
        return e.variants.iter().map(|v| status_variant_pascal(&v.name)).collect();
    }
    let upper = ENUM_NAMES.iter().any(|(c, _, up)| *c == e.name && *up);
    // The variants' common prefix, up to and including its last `_`.
    let first = e.variants.first().map_or("", |v| v.name.as_str());
    let mut prefix_len = first.len();
    for v in &e.variants {
        prefix_len = prefix_len.min(first.bytes().zip(v.name.bytes()).take_while(|(a, b)| a == b).count());
    }
    let prefix_len = first[..prefix_len].rfind('_').map_or(0, |i| i + 1);
    e.variants
        .iter()
        .map(|v| {
            if let Some((_, kept)) = VARIANT_NAMES.iter().find(|(c, _)| *c == v.name) {
                return kept.to_string();
            }
            let tail = &v.name[prefix_len..];
            if upper { tail.to_string() } else { screaming_to_pascal(tail) }
        })
        .collect()
}

fn emit_enum(e: &Enum, o: &mut String) {
    summary(&e.doc, "    ", o);
    let _ = writeln!(o, "    public enum {}\n    {{", enum_name(e));
    for (v, name) in e.variants.iter().zip(variant_names(e)) {
        let doc = xml(doc_summary(&v.doc));
        let _ = writeln!(o, "        /// <summary><c>{}</c>: {doc}</summary>", v.name);
        let _ = writeln!(o, "        {name} = {},", v.value);
    }
    o.push_str("    }\n\n");
}

/// `IopClient` → `ClientHandle`.
fn handle_class(name: &str) -> String {
    format!("{}Handle", name.strip_prefix("Iop").unwrap_or(name))
}

fn emit_handles(abi: &Abi, o: &mut String) {
    for h in &abi.handles {
        let Some(free) = abi.free_function(&h.name) else { continue };
        let _ = writeln!(
            o,
            "    /// <summary>Owns an <c>{} *</c>, released once with <c>{}</c>. {}</summary>",
            h.name,
            free.name,
            xml(doc_summary(&h.doc))
        );
        let class = handle_class(&h.name);
        let _ = writeln!(o, "    internal sealed class {class} : NativeHandle\n    {{");
        let _ = writeln!(o, "        public {class}() {{ }}\n");
        let _ = writeln!(
            o,
            "        protected override bool ReleaseHandle()\n        {{\n            Native.{}(handle);\n            return true;\n        }}\n    }}\n",
            free.name
        );
    }
}

/// Whether `ty` is a handle the binding owns through a `SafeHandle` subclass.
fn safe_handle(abi: &Abi, ty: &CType) -> Option<String> {
    match ty {
        CType::Handle { name, .. } if abi.free_function(name).is_some() => Some(handle_class(name)),
        _ => None,
    }
}

/// The C# type of a plain value (numbers, bool), or `None`.
fn primitive(ty: &CType) -> Option<&'static str> {
    Some(match ty {
        CType::Bool => "bool",
        CType::I32 | CType::Status => "int",
        CType::I64 => "long",
        CType::U32 => "uint",
        CType::U64 => "ulong",
        CType::F64 => "double",
        CType::Size => "UIntPtr",
        _ => return None,
    })
}

/// A parameter of a `DllImport` (or callback delegate) declaration.
fn extern_param(abi: &Abi, f: Option<&Function>, p: &Param) -> String {
    let name = ident(&p.name);
    let is_free = f.is_some_and(|f| f.name.ends_with("_free") || f.name == STRING_FREE);
    let ty = match &p.ty {
        CType::Bool => "[MarshalAs(UnmanagedType.I1)] bool".to_string(),
        CType::Str { owned: false } | CType::Bytes if f.is_some() => "byte[]".to_string(),
        CType::Struct { name, .. } => format!("ref {}", struct_name(name)),
        CType::Callback { name } => struct_name(name),
        CType::Out(inner) => match safe_handle(abi, inner) {
            Some(class) => format!("out {class}"),
            None => format!("out {}", primitive(inner).unwrap_or("IntPtr")),
        },
        ty => match safe_handle(abi, ty) {
            Some(class) if !is_free && f.is_some() => class,
            _ => primitive(ty).unwrap_or("IntPtr").to_string(),
        },
    };
    format!("{ty} {name}")
}

fn extern_ret(ty: &CType) -> (&'static str, &'static str) {
    match ty {
        CType::Void => ("", "void"),
        CType::Bool => ("        [return: MarshalAs(UnmanagedType.I1)]\n", "bool"),
        ty => ("", primitive(ty).unwrap_or("IntPtr")),
    }
}

/// `IopTokenStoreCallbacks` → `TokenStoreCallbacks`.
fn struct_name(name: &str) -> String {
    name.strip_prefix("Iop").unwrap_or(name).to_string()
}

fn emit_native(abi: &Abi, o: &mut String) {
    o.push_str(
        "    /// <summary>libiop's functions: the raw <c>DllImport</c>s (C names) and a checked wrapper for each\n",
    );
    o.push_str(
        "    /// (PascalCase, without <c>iop_</c>) that converts strings, releases owned results and throws the\n",
    );
    o.push_str("    /// <see cref=\"IopException\"/> subclass of a failed status.</summary>\n");
    o.push_str("    internal static partial class Native\n    {\n        private const string Lib = \"iop\";\n\n");
    let (major, minor, _) = abi.version;
    let _ =
        writeln!(o, "        /// <summary>The major.minor of include/iop.h this layer was generated from.</summary>");
    let _ = writeln!(o, "        internal const int ExpectedMajor = {major}, ExpectedMinor = {minor};\n");
    o.push_str(
        "        /// <summary>Runs before every status-returning call (the binding checks the library version\n",
    );
    o.push_str("        /// and resets the thread's store-callback failure).</summary>\n        static partial void BeforeCall();\n\n");
    for s in &abi.callback_structs {
        let cs = struct_name(&s.name);
        let mut fields = String::new();
        for field in &s.fields {
            if let Field::Callback { name, ret, params, doc } = field {
                summary(doc, "        ", o);
                let params: Vec<String> = params.iter().map(|p| extern_param(abi, None, p)).collect();
                let _ = writeln!(
                    o,
                    "        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]\n        internal delegate {} {cs}{}Fn({});\n",
                    extern_ret(ret).1,
                    snake_to_pascal(name),
                    params.join(", ")
                );
            }
            summary(field.doc(), "            ", &mut fields);
            let _ = writeln!(fields, "            internal IntPtr {};", snake_to_pascal(field.name()));
        }
        summary(&s.doc, "        ", o);
        let _ = writeln!(
            o,
            "        [StructLayout(LayoutKind.Sequential)]\n        internal struct {cs}\n        {{\n{fields}        }}\n"
        );
    }
    for c in &abi.callback_types {
        // A delegate passed to native code must be kept reachable by the binding (a static field)
        // for as long as libiop may call it.
        summary(&c.doc, "        ", o);
        let params: Vec<String> = c.params.iter().map(|p| extern_param(abi, None, p)).collect();
        let _ = writeln!(
            o,
            "        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]\n        internal delegate {} {}({});\n",
            extern_ret(&c.ret).1,
            struct_name(&c.name),
            params.join(", ")
        );
    }
    for f in &abi.functions {
        summary(&f.doc, "        ", o);
        let (attr, ret) = extern_ret(&f.ret);
        let params: Vec<String> = f.params.iter().map(|p| extern_param(abi, Some(f), p)).collect();
        let _ = writeln!(
            o,
            "        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]\n{attr}        internal static extern {ret} {}({});\n",
            f.name,
            params.join(", ")
        );
        if !(f.name.ends_with("_free") || f.name == STRING_FREE) {
            emit_wrapper(abi, f, o);
        }
    }
    o.push_str("    }\n\n");
}

/// The C# type of a wrapper's parameter or result for `ty`.
fn managed(abi: &Abi, ty: &CType) -> String {
    match ty {
        CType::Str { .. } => "string".into(),
        CType::Bytes => "byte[]".into(),
        CType::Size => "ulong".into(),
        CType::Struct { name, .. } | CType::Callback { name } => struct_name(name),
        CType::Out(inner) => managed(abi, inner),
        ty => safe_handle(abi, ty).unwrap_or_else(|| primitive(ty).unwrap_or("IntPtr").to_string()),
    }
}

/// The wrapper's name for a result written through `out_x` of `f`: `x`, or `outX` when an
/// input of `f` is already called `x`.
fn out_name(f: &Function, p: &Param) -> String {
    let short = p.name.strip_prefix("out_").unwrap_or(&p.name);
    if f.params.iter().any(|q| q.name == short) { camel(&p.name) } else { camel(short) }
}

/// Whether `f` is fallible: it returns `IopStatus` and is not one of the `iop_last_error_*`
/// readers (which return the last status without failing themselves).
fn fallible(f: &Function) -> bool {
    f.is_status() && !f.name.starts_with("iop_last_error_")
}

fn emit_wrapper(abi: &Abi, f: &Function, o: &mut String) {
    let name = snake_to_pascal(strip_prefix(&f.name, "iop_"));
    let bytes = f.byte_params();
    let lengths: Vec<usize> = bytes.iter().map(|(_, len)| *len).collect();
    let outputs = f.outputs();
    let single_out = fallible(f) && outputs.len() == 1;
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut locals = String::new();
    let mut after = String::new();
    let mut on_error = String::new();
    for (i, p) in f.params.iter().enumerate() {
        if lengths.contains(&i) {
            args.push(format!("BodyLength({})", camel(&f.params[i - 1].name)));
            continue;
        }
        match &p.ty {
            CType::Out(inner) => {
                let local = format!("o{i}");
                let ty = managed(abi, inner);
                let raw = match safe_handle(abi, inner) {
                    Some(class) => {
                        let _ = writeln!(on_error, "                {local}.Dispose();");
                        class
                    }
                    None => primitive(inner).unwrap_or("IntPtr").to_string(),
                };
                let _ = writeln!(locals, "            {raw} {local};");
                args.push(format!("out {local}"));
                let value = if **inner == (CType::Str { owned: true }) { format!("TakeOwned({local})") } else { local };
                if single_out {
                    let _ = writeln!(after, "            return {value};");
                } else {
                    params.push(format!("out {ty} {}", out_name(f, p)));
                    let _ = writeln!(after, "            {} = {value};", out_name(f, p));
                }
            }
            ty => {
                let arg = camel(&p.name);
                params.push(format!("{} {arg}", managed(abi, ty)));
                args.push(match ty {
                    CType::Str { owned: false } => format!("Utf8({arg})"),
                    CType::Bytes => format!("Body({arg})"),
                    CType::Size => format!("new UIntPtr({arg})"),
                    CType::Struct { .. } => format!("ref {arg}"),
                    _ => arg,
                });
            }
        }
    }
    let call = format!("{}({})", f.name, args.join(", "));
    let ret = if single_out {
        managed(abi, outputs[0].ty.out_target().unwrap_or(&CType::Void))
    } else if fallible(f) || f.ret == CType::Void {
        "void".into()
    } else if f.ret == CType::Status {
        "IopStatus".into()
    } else {
        managed(abi, &f.ret)
    };
    let _ = writeln!(o, "        /// <summary>Checked <see cref=\"{}\"/>.</summary>", f.name);
    let _ = writeln!(o, "        internal static {ret} {name}({})\n        {{", params.join(", "));
    if fallible(f) {
        let _ = write!(o, "            BeforeCall();\n{locals}            int rc = {call};\n");
        let _ = write!(
            o,
            "            if (rc != 0)\n            {{\n{on_error}                throw IopException.FromLastError(rc);\n            }}\n{after}"
        );
    } else {
        let value = match &f.ret {
            CType::Str { .. } => format!("FromUtf8({call})"),
            CType::Size => format!("{call}.ToUInt64()"),
            CType::Status => format!("(IopStatus){call}"),
            _ => call,
        };
        let _ = writeln!(o, "            {}{value};", if ret == "void" { "" } else { "return " });
    }
    let _ = writeln!(o, "        }}\n");
}

/// `IOP_ERR_TIMEOUT` → `IopTimeoutException`.
fn exception_class(variant: &str) -> String {
    format!("Iop{}Exception", status_variant_pascal(variant))
}

fn emit_exceptions(abi: &Abi, o: &mut String) {
    let status = abi.status_enum();
    let failures: Vec<_> = status.variants.iter().filter(|v| v.value != 0).collect();
    o.push_str("    public partial class IopException\n    {\n");
    o.push_str("        /// <summary>The exception for <paramref name=\"status\"/> (its own subclass; a plain\n");
    o.push_str("        /// <see cref=\"IopException\"/> for a value this binding does not know).</summary>\n");
    o.push_str("        public static IopException FromStatus(IopStatus status, string message)\n        {\n");
    o.push_str("            return Create(status, message, null);\n        }\n\n");
    o.push_str(
        "        internal static IopException Create(IopStatus status, string message, Exception inner)\n        {\n",
    );
    o.push_str("            switch (status)\n            {\n");
    for v in &failures {
        let _ = writeln!(
            o,
            "                case IopStatus.{}:\n                    return new {}(status, message, inner);",
            status_variant_pascal(&v.name),
            exception_class(&v.name)
        );
    }
    o.push_str("                default:\n                    return new IopException(status, message, inner);\n");
    o.push_str("            }\n        }\n    }\n\n");
    for v in &failures {
        let class = exception_class(&v.name);
        let parent = EXCEPTION_PARENTS
            .iter()
            .find(|(child, _)| *child == v.name)
            .map_or("IopException".to_string(), |(_, parent)| exception_class(parent));
        let _ = writeln!(o, "    /// <summary><c>{}</c>: {}</summary>", v.name, xml(&v.doc));
        let _ = writeln!(o, "    public class {class} : {parent}\n    {{");
        let _ = writeln!(
            o,
            "        /// <summary>An exception of this status with <paramref name=\"message\"/>.</summary>"
        );
        let _ = writeln!(
            o,
            "        public {class}(string message)\n            : base(IopStatus.{}, message, null) {{ }}\n",
            status_variant_pascal(&v.name)
        );
        let _ = writeln!(o, "        /// <summary>For the status table and subclasses.</summary>");
        let _ = writeln!(
            o,
            "        protected internal {class}(IopStatus status, string message, Exception inner)\n            : base(status, message, inner) {{ }}\n    }}\n"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_codes() {
        assert_eq!(xml("a `b` & <c>\n d"), "a <c>b</c> &amp; &lt;c&gt; d");
        assert_eq!(xml("odd ` tick"), "odd ' tick");
    }

    #[test]
    fn names() {
        assert_eq!(constant_name("IOP_URL_LAZADA_SG"), "UrlLazadaSg");
        assert_eq!(handle_class("IopTokenStore"), "TokenStoreHandle");
        assert_eq!(exception_class("IOP_ERR_TIMEOUT"), "IopTimeoutException");
        assert_eq!(camel("out"), "@out");
        assert_eq!(struct_name("IopLogCallback"), "LogCallback");
    }

    #[test]
    fn callback_types_are_delegates_and_doubles_pass_through() {
        let abi = crate::load(&crate::default_root()).expect("include/iop.h parses");
        let text = &emit(&abi)[0].contents;
        assert!(text.contains(
            "internal delegate void LogCallback(IntPtr user_data, int level, IntPtr @event, IntPtr message, IntPtr fields_json);"
        ));
        assert!(text.contains(
            "static extern int iop_log_set_callback(LogCallback callback, IntPtr user_data, int max_level);"
        ));
        assert!(
            text.contains("internal static void LogSetCallback(LogCallback callback, IntPtr userData, int maxLevel)")
        );
        assert!(text.contains("string name, double ratePerSecond, int burst)"));
    }
}
