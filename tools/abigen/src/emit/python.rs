//! The Python binding's low-level layer: `bindings/python/iopkit/_abi.py`, read by ctypes.
//!
//! Generated from the model only (every list below iterates over the [`Abi`]):
//! - the `#define` constants (gateway URLs, defaults, version) under their C names;
//! - every C enum as an `enum.IntEnum` (`IopStatus` → `Status`, `IopProtocol` → `Protocol`;
//!   variants lose the prefix they all share, status variants also `ERR_`);
//! - the handle types as aliases of `int` (a `c_void_p` value), the function-pointer typedefs
//!   as `CFUNCTYPE`s, the callback structs as `ctypes.Structure`s with one `CFUNCTYPE` per
//!   callback field;
//! - `IopError` (its fields are the `iop_last_error_*` accessors) and one subclass per
//!   non-OK status (`IOP_ERR_TIMEOUT` → `IopTimeoutError`: the status in Pascal case + `Error`,
//!   `Iop`-prefixed when that would shadow a Python builtin), `ERROR_CLASSES`, `error_class`,
//!   `last_error` and `check`;
//! - `bind(lib)`, which sets `argtypes`/`restype` of every function, and one Python function
//!   per C function (`iop_client_new` → `client_new`) with ownership-aware marshalling:
//!   `str` in as NUL-checked UTF-8, `bytes` with their length, out-parameters returned
//!   (owned strings copied and released with `iop_string_free` exactly once), and a failure
//!   status raised as its exception (read from the last error on the same thread).

use std::fmt::Write as _;

use crate::emit::{GeneratedFile, generated_banner};
use crate::model::{Abi, CType, ConstValue, Enum, Field, Function, STATUS_ENUM, STRING_FREE, doc_body};
use crate::names::{screaming_to_pascal, strip_prefix};

/// Path of the generated module, relative to the workspace root.
pub const PATH: &str = "bindings/python/iopkit/_abi.py";

/// Prefix of the accessors of the last error: their tails are `IopError`'s fields.
const LAST_ERROR: &str = "iop_last_error_";

/// Extra Python base classes of some status exceptions, so that idiomatic `except` clauses
/// catch them (`except ConnectionError` catches a connect or network failure, `except
/// TimeoutError` a timeout): (status variant, base class expression; `@IOP_ERR_X` names the
/// class of that status).
const EXTRA_BASES: &[(&str, &str)] = &[
    ("IOP_ERR_INVALID_ARGUMENT", "ValueError"),
    ("IOP_ERR_CONNECT", "ConnectionError"),
    ("IOP_ERR_NETWORK", "ConnectionError"),
    ("IOP_ERR_TIMEOUT", "TimeoutError"),
    ("IOP_ERR_TOKEN_EXPIRED", "@IOP_ERR_PLATFORM"),
];

/// Python builtins an exception class must not shadow.
const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "EOFError",
    "EnvironmentError",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "IOError",
    "ImportError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "LookupError",
    "MemoryError",
    "NameError",
    "NotADirectoryError",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "RuntimeError",
    "SyntaxError",
    "SystemError",
    "TimeoutError",
    "TypeError",
    "UnicodeError",
    "ValueError",
    "ZeroDivisionError",
];

/// Python keywords a parameter name must not be.
const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
    "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield", "None", "True", "False",
];

/// The generated files of this binding.
pub fn emit(abi: &Abi) -> Vec<GeneratedFile> {
    let mut out = String::new();
    let (major, minor, patch) = abi.version;
    writeln!(out, "{}", generated_banner("# ", "")).unwrap();
    writeln!(
        out,
        "\"\"\"libiop's C ABI (include/iop.h, ABI {major}.{minor}.{patch}) for ctypes: constants, enums, handle and\n\
         callback types, the exception of each status, and one function per C function.\n\n\
         Call :func:`bind` once with the loaded library. Strings go in as UTF-8 (``None`` is NULL;\n\
         NUL characters raise :class:`InvalidArgumentError`), byte buffers with their length;\n\
         out-parameters are returned (owned strings copied, then released with ``{STRING_FREE}``);\n\
         a failure status raises its exception, filled from this thread's last error.\n\
         Handles are ints (``c_void_p`` values) and must be freed with their ``*_free`` function.\n\"\"\""
    )
    .unwrap();
    out.push_str(
        "\nfrom __future__ import annotations\n\nimport ctypes\nimport enum\nfrom datetime import timedelta\n\
         from typing import Any, Dict, List, Optional, Tuple, Type, Union\n\n",
    );
    writeln!(out, "#: ``(IOP_VERSION_MAJOR, IOP_VERSION_MINOR, IOP_VERSION_PATCH)`` of the header.").unwrap();
    writeln!(out, "ABI_VERSION = ({major}, {minor}, {patch})\n").unwrap();
    emit_all(abi, &mut out);
    emit_constants(abi, &mut out);
    emit_enums(abi, &mut out);
    emit_handles(abi, &mut out);
    emit_callback_types(abi, &mut out);
    emit_callback_structs(abi, &mut out);
    emit_helpers(&mut out);
    emit_errors(abi, &mut out);
    emit_bind(abi, &mut out);
    for function in &abi.functions {
        emit_function(function, &mut out);
    }
    vec![GeneratedFile::new(PATH, out)]
}

/// `__all__`: the public part (constants, enums, exceptions), not the raw functions.
fn emit_all(abi: &Abi, out: &mut String) {
    let status = abi.status_enum();
    let mut names: Vec<String> = abi.constants.iter().map(|c| c.name.clone()).collect();
    names.extend(abi.enums.iter().map(enum_class));
    names.push("IopError".into());
    names.extend(status.variants.iter().filter(|v| v.value != 0).map(|v| error_class(status, &v.name)));
    names.extend(["ERROR_CLASSES".into(), "error_class".into()]);
    out.push_str("#: What ``from iopkit._abi import *`` gives the package: constants, enums and exceptions.\n");
    out.push_str("__all__ = [\n");
    for name in names {
        writeln!(out, "    {},", py_str(&name)).unwrap();
    }
    out.push_str("]\n\n");
}

fn emit_constants(abi: &Abi, out: &mut String) {
    out.push_str("# -- constants --------------------------------------------------------------------------\n\n");
    for c in &abi.constants {
        write_doc_comment(out, &c.doc);
        match &c.value {
            ConstValue::Int(v) => writeln!(out, "{} = {v}", c.name).unwrap(),
            ConstValue::Str(s) => writeln!(out, "{} = {}", c.name, py_str(s)).unwrap(),
        }
    }
    out.push('\n');
}

/// `IopStatus` → `Status`.
fn enum_class(e: &Enum) -> String {
    e.name.strip_prefix("Iop").unwrap_or(&e.name).to_string()
}

/// The Python name of a variant: without the prefix all variants of its enum share (and
/// `ERR_` for status variants).
fn variant_name(e: &Enum, variant: &str) -> String {
    let prefix = common_prefix(e.variants.iter().map(|v| v.name.as_str()));
    let tail = strip_prefix(variant, &prefix);
    if e.name == STATUS_ENUM { tail.strip_prefix("ERR_").unwrap_or(tail).to_string() } else { tail.to_string() }
}

/// The longest `_`-terminated prefix shared by every name (always leaving each a tail).
fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else { return String::new() };
    let mut prefix = &first[..first.rfind('_').map_or(0, |i| i + 1)];
    for name in names {
        while !(name.starts_with(prefix) && name.len() > prefix.len()) {
            prefix = &prefix[..prefix[..prefix.len().saturating_sub(1)].rfind('_').map_or(0, |i| i + 1)];
        }
    }
    prefix.to_string()
}

fn emit_enums(abi: &Abi, out: &mut String) {
    out.push_str("# -- enums ------------------------------------------------------------------------------\n\n");
    for e in &abi.enums {
        writeln!(out, "\nclass {}(enum.IntEnum):", enum_class(e)).unwrap();
        write_docstring(out, &format!("``{}``: {}", e.name, doc_body(&e.doc)), "    ");
        for v in &e.variants {
            out.push('\n');
            write_doc_comment_indented(out, &v.doc, "    ");
            writeln!(out, "    {} = {}", variant_name(e, &v.name), v.value).unwrap();
        }
        out.push('\n');
    }
    out.push('\n');
}

fn emit_handles(abi: &Abi, out: &mut String) {
    out.push_str("# -- handles (opaque pointers as ints) ------------------------------------------------\n\n");
    for h in &abi.handles {
        write_doc_comment(out, &h.doc);
        writeln!(out, "{} = int", h.name).unwrap();
    }
    out.push('\n');
}

/// Each function-pointer typedef as a `CFUNCTYPE` (`IopLogCallback`): wrap a Python function in
/// it, keep the wrapper alive while the library may call it, and pass it (or `None`).
fn emit_callback_types(abi: &Abi, out: &mut String) {
    out.push_str("# -- callback types ---------------------------------------------------------------------\n\n");
    for c in &abi.callback_types {
        write_doc_comment(out, &c.doc);
        let mut types = vec![ctype(&c.ret)];
        types.extend(c.params.iter().map(|p| ctype(&p.ty)));
        writeln!(out, "{} = ctypes.CFUNCTYPE({})", c.name, types.join(", ")).unwrap();
    }
    out.push('\n');
}

fn emit_callback_structs(abi: &Abi, out: &mut String) {
    out.push_str("# -- callback structs -------------------------------------------------------------------\n\n");
    for s in &abi.callback_structs {
        let mut fields = Vec::new();
        for field in &s.fields {
            match field {
                Field::Data { name, ty, .. } => fields.push((name.clone(), ctype(ty))),
                Field::Callback { name, ret, params, doc } => {
                    let fn_type = format!("{}{}", s.name, crate::names::snake_to_pascal(name));
                    write_doc_comment(out, doc);
                    let mut types = vec![ctype(ret)];
                    types.extend(params.iter().map(|p| ctype(&p.ty)));
                    writeln!(out, "{fn_type} = ctypes.CFUNCTYPE({})", types.join(", ")).unwrap();
                    fields.push((name.clone(), fn_type));
                }
            }
        }
        writeln!(out, "\n\nclass {}(ctypes.Structure):", s.name).unwrap();
        write_docstring(out, doc_body(&s.doc), "    ");
        writeln!(out, "\n    _fields_ = [").unwrap();
        for (name, ty) in fields {
            writeln!(out, "        ({}, {ty}),", py_str(&name)).unwrap();
        }
        out.push_str("    ]\n\n");
    }
    out.push('\n');
}

fn emit_helpers(out: &mut String) {
    out.push_str(
        r#"# -- marshalling ------------------------------------------------------------------------

_LIB: Any = None


def _lib() -> Any:
    if _LIB is None:
        raise RuntimeError("iopkit._abi.bind(lib) has not been called")
    return _LIB


def _str(value: Optional[str], name: str) -> Optional[bytes]:
    """A ``const char *`` argument: ``None`` is NULL; lone surrogates become invalid UTF-8,
    which libiop refuses with IOP_ERR_INVALID_ARGUMENT; NUL would cut the text short."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str or None, not {type(value).__name__}")
    data = value.encode("utf-8", "surrogatepass")
    if b"\x00" in data:
        raise InvalidArgumentError(f"{name} contains a NUL character")
    return data


def _bytes(value: Union[bytes, bytearray, memoryview, None], name: str) -> Optional[bytes]:
    """A ``const uint8_t *`` argument (sent with its length): ``None`` is NULL."""
    if value is None:
        return None
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{name} must be bytes or None, not {type(value).__name__}")
    return bytes(value)


def _text(raw: Optional[bytes]) -> Optional[str]:
    """A borrowed ``const char *`` result (ctypes has copied it)."""
    return None if raw is None else raw.decode("utf-8", "replace")


def _take(ptr: ctypes.c_void_p) -> str:
"#,
    );
    writeln!(out, "    \"\"\"An owned ``char *`` result: copied, then released with ``{STRING_FREE}``.\"\"\"").unwrap();
    writeln!(out, "    if not ptr.value:\n        return \"\"\n    try:\n        return ctypes.string_at(ptr.value).decode(\"utf-8\")").unwrap();
    writeln!(out, "    finally:\n        _lib().{STRING_FREE}(ptr.value)\n\n").unwrap();
}

/// Status exception class name: `IOP_ERR_TIMEOUT` → `IopTimeoutError`.
fn error_class(e: &Enum, variant: &str) -> String {
    let name = format!("{}Error", screaming_to_pascal(&variant_name(e, variant)));
    if BUILTINS.contains(&name.as_str()) { format!("Iop{name}") } else { name }
}

fn emit_errors(abi: &Abi, out: &mut String) {
    let status = abi.status_enum();
    let ok = status.variants.iter().find(|v| v.value == 0).map(|v| v.name.clone()).unwrap_or_default();
    let fields: Vec<&Function> = abi
        .functions
        .iter()
        .filter(|f| f.name.starts_with(LAST_ERROR) && f.params.is_empty() && f.ret != CType::Status)
        .collect();
    out.push_str("# -- exceptions ---------------------------------------------------------------------------\n\n\n");
    out.push_str("class IopError(Exception):\n");
    let mut doc = String::from(
        "A failed libiop call: ``status`` (a :class:`Status`) and, from ``iop_last_error_*``\n(``None``, 0 or -1 when they do not apply):\n",
    );
    for f in &fields {
        let name = strip_prefix(&f.name, LAST_ERROR);
        writeln!(doc, "\n- ``{name}``: {}", doc_summary_line(&f.doc)).unwrap();
        if let Some(base) = name.strip_suffix("_ms") {
            writeln!(doc, "  (``{base}``: the same as a :class:`~datetime.timedelta`, ``None`` when negative)")
                .unwrap();
        }
    }
    write_docstring(out, &doc, "    ");
    writeln!(out, "\n    status: int = Status.INTERNAL\n").unwrap();
    let mut params = vec![
        "self".to_string(),
        "message: Optional[str] = None".into(),
        "*".into(),
        "status: Optional[int] = None".into(),
    ];
    let mut assigns = Vec::new();
    for f in &fields {
        let name = strip_prefix(&f.name, LAST_ERROR);
        if name == "message" {
            continue;
        }
        let (ann, default) = match &f.ret {
            CType::Str { .. } => ("Optional[str]", "None"),
            _ if name.ends_with("_ms") => ("int", "-1"),
            CType::Bool => ("bool", "False"),
            _ => ("int", "0"),
        };
        params.push(format!("{name}: {ann} = {default}"));
        assigns.push(format!("        self.{name} = {name}"));
    }
    writeln!(out, "    def __init__(\n        {},\n    ) -> None:", params.join(",\n        ")).unwrap();
    writeln!(
        out,
        "        if status is not None:\n            self.status = {0}(status) if status in {0}._value2member_map_ else status",
        enum_class(status)
    )
    .unwrap();
    out.push_str(
        "        self.message: str = message if message is not None else (status_name(self.status) or \"\")\n",
    );
    out.push_str("        super().__init__(self.message)\n");
    for a in assigns {
        writeln!(out, "{a}").unwrap();
    }
    out.push_str("\n    @property\n    def status_name(self) -> str:\n        \"\"\"The C name of ``status`` (``\"IOP_ERR_TIMEOUT\"``).\"\"\"\n        return status_name(self.status) or \"\"\n");
    for f in &fields {
        let name = strip_prefix(&f.name, LAST_ERROR);
        if let Some(base) = name.strip_suffix("_ms") {
            writeln!(
                out,
                "\n    @property\n    def {base}(self) -> Optional[timedelta]:\n        \"\"\"``{name}`` as a timedelta; ``None`` when negative.\"\"\"\n        return None if self.{name} < 0 else timedelta(milliseconds=self.{name})"
            )
            .unwrap();
        }
    }
    out.push_str(
        "\n    def __reduce__(self) -> Any:\n        return (_rebuild, (type(self), self.message, dict(self.__dict__)))\n\n\n\
         def _rebuild(cls: Type[IopError], message: str, fields: Dict[str, Any]) -> IopError:\n    \
         error = cls(message)\n    error.__dict__.update(fields)\n    return error\n",
    );
    let class_name = enum_class(status);
    for v in status.variants.iter().filter(|v| v.name != ok) {
        let name = error_class(status, &v.name);
        let mut bases = Vec::new();
        let mut builtin = None;
        for (variant, base) in EXTRA_BASES {
            if *variant == v.name {
                match base.strip_prefix('@') {
                    Some(other) => bases.push(error_class(status, other)),
                    None => builtin = Some(base.to_string()),
                }
            }
        }
        if bases.is_empty() {
            bases.push("IopError".into());
        }
        bases.extend(builtin);
        writeln!(out, "\n\nclass {name}({}):", bases.join(", ")).unwrap();
        write_docstring(out, &format!("``{}``: {}", v.name, doc_body(&v.doc)), "    ");
        writeln!(out, "\n    status = {class_name}.{}", variant_name(status, &v.name)).unwrap();
    }
    writeln!(out, "\n\n#: The exception class of each failure status.").unwrap();
    writeln!(out, "ERROR_CLASSES: Dict[int, Type[IopError]] = {{").unwrap();
    for v in status.variants.iter().filter(|v| v.name != ok) {
        writeln!(out, "    {class_name}.{}: {},", variant_name(status, &v.name), error_class(status, &v.name)).unwrap();
    }
    out.push_str("}\n\n\n");
    out.push_str(
        "def error_class(status: int) -> Type[IopError]:\n    \"\"\"The exception class of a status value (:class:`IopError` for an unknown one).\"\"\"\n    return ERROR_CLASSES.get(status, IopError)\n\n\n",
    );
    out.push_str(
        "def last_error(status: int) -> IopError:\n    \"\"\"The exception of ``status``, filled from this thread's last error (call it right after\n    the failed call, on the same thread).\"\"\"\n    lib = _lib()\n    return error_class(status)(\n",
    );
    for f in &fields {
        let name = strip_prefix(&f.name, LAST_ERROR);
        let value = match &f.ret {
            CType::Str { owned: false } => format!("_text(lib.{}())", f.name),
            CType::Bool => format!("bool(lib.{}())", f.name),
            _ => format!("int(lib.{}())", f.name),
        };
        if name == "message" {
            writeln!(out, "        {value},").unwrap();
        } else {
            writeln!(out, "        {name}={value},").unwrap();
        }
    }
    out.push_str("        status=status,\n    )\n\n\n");
    writeln!(
        out,
        "def check(status: int) -> None:\n    \"\"\"Raises the exception of ``status`` unless it is ``{ok}``.\"\"\"\n    if status != {class_name}.{}:\n        raise last_error(status)\n\n",
        variant_name(status, &ok)
    )
    .unwrap();
}

fn emit_bind(abi: &Abi, out: &mut String) {
    out.push_str("# -- functions --------------------------------------------------------------------------\n\n");
    out.push_str("#: (name, restype, argtypes, required): required is False for functions behind a cargo feature.\n");
    out.push_str("_PROTOTYPES: List[Tuple[str, Any, List[Any], bool]] = [\n");
    for f in &abi.functions {
        let args: Vec<String> = f.params.iter().map(|p| ctype(&p.ty)).collect();
        let required = if f.cfg.is_some() { "False" } else { "True" };
        writeln!(out, "    (\"{}\", {}, [{}], {required}),", f.name, ctype(&f.ret), args.join(", ")).unwrap();
    }
    out.push_str("]\n\n\n");
    out.push_str(
        r#"def bind(lib: Any) -> None:
    """Declares ``argtypes``/``restype`` of every function on ``lib`` (a ``ctypes.CDLL``) and
    makes it the library the functions below call. A missing required function is an
    ``AttributeError``."""
    global _LIB
    for name, restype, argtypes, required in _PROTOTYPES:
        fn = getattr(lib, name) if required else getattr(lib, name, None)
        if fn is not None:
            fn.restype = restype
            fn.argtypes = argtypes
    _LIB = lib
"#,
    );
}

fn py_param_name(name: &str) -> String {
    if KEYWORDS.contains(&name) { format!("{name}_") } else { name.to_string() }
}

fn emit_function(f: &Function, out: &mut String) {
    let name = strip_prefix(&f.name, "iop_");
    let lengths: Vec<usize> = f.byte_params().iter().map(|(_, len)| *len).collect();
    let mut sig = Vec::new();
    let mut pre = Vec::new();
    let mut args = Vec::new();
    let mut results = Vec::new();
    for (i, p) in f.params.iter().enumerate() {
        let py = py_param_name(&p.name);
        if lengths.contains(&i) {
            let data = py_param_name(&f.params[i - 1].name);
            args.push(format!("len({data}_b or b\"\")"));
            continue;
        }
        match &p.ty {
            CType::Out(inner) => {
                let (ct, ann, conv) = match inner.as_ref() {
                    CType::Str { owned: true } => {
                        ("ctypes.c_void_p".to_string(), "str".to_string(), format!("_take({py})"))
                    }
                    CType::Handle { name, .. } => {
                        ("ctypes.c_void_p".into(), name.clone(), format!("int({py}.value or 0)"))
                    }
                    CType::Bool => ("ctypes.c_bool".into(), "bool".into(), format!("bool({py}.value)")),
                    other => (ctype(other), "int".into(), format!("int({py}.value)")),
                };
                pre.push(format!("    {py} = {ct}()"));
                args.push(format!("ctypes.byref({py})"));
                results.push((ann, conv));
            }
            CType::Str { owned: false } => {
                sig.push(format!("{py}: Optional[str]"));
                args.push(format!("_str({py}, {})", py_str(&p.name)));
            }
            CType::Bytes => {
                sig.push(format!("{py}: Union[bytes, bytearray, memoryview, None]"));
                pre.push(format!("    {py}_b = _bytes({py}, {})", py_str(&p.name)));
                args.push(format!("{py}_b"));
            }
            CType::Struct { .. } => {
                sig.push(format!("{py}: {}", py_type(&p.ty)));
                args.push(format!("ctypes.byref({py})"));
            }
            CType::Callback { name } => {
                // ctypes refuses None for a CFUNCTYPE argument: NULL is its empty instance.
                sig.push(format!("{py}: {}", py_type(&p.ty)));
                args.push(format!("{name}() if {py} is None else {py}"));
            }
            other => {
                sig.push(format!("{py}: {}", py_type(other)));
                args.push(py);
            }
        }
    }
    let call = format!("_lib().{}({})", f.name, args.join(", "));
    let status_checked = f.is_status() && !f.name.starts_with(LAST_ERROR);
    let ret_ann = if status_checked {
        match results.len() {
            0 => "None".to_string(),
            1 => results[0].0.clone(),
            _ => format!("Tuple[{}]", results.iter().map(|r| r.0.as_str()).collect::<Vec<_>>().join(", ")),
        }
    } else {
        py_type(&f.ret)
    };
    writeln!(out, "\n\ndef {name}({}) -> {ret_ann}:", sig.join(", ")).unwrap();
    write_docstring(out, &format!("``{}``: {}", f.name, doc_body(&f.doc)), "    ");
    for line in &pre {
        writeln!(out, "{line}").unwrap();
    }
    if status_checked {
        writeln!(out, "    check({call})").unwrap();
        match results.len() {
            0 => {}
            1 => writeln!(out, "    return {}", results[0].1).unwrap(),
            _ => writeln!(out, "    return {}", results.iter().map(|r| r.1.as_str()).collect::<Vec<_>>().join(", "))
                .unwrap(),
        }
    } else {
        let value = match &f.ret {
            CType::Void => call,
            CType::Str { owned: false } => format!("_text({call})"),
            CType::Bool => format!("bool({call})"),
            CType::Handle { .. } | CType::VoidPtr => format!("{call} or None"),
            _ => format!("int({call})"),
        };
        if f.ret == CType::Void {
            writeln!(out, "    {value}").unwrap();
        } else {
            writeln!(out, "    return {value}").unwrap();
        }
    }
}

/// The ctypes type of a parameter or field.
fn ctype(ty: &CType) -> String {
    match ty {
        CType::Void => "None".into(),
        CType::Bool => "ctypes.c_bool".into(),
        CType::I32 | CType::Status => "ctypes.c_int32".into(),
        CType::I64 => "ctypes.c_int64".into(),
        CType::U32 => "ctypes.c_uint32".into(),
        CType::U64 => "ctypes.c_uint64".into(),
        CType::F64 => "ctypes.c_double".into(),
        CType::Size => "ctypes.c_size_t".into(),
        // Owned strings stay pointers so that they can be released.
        CType::Str { owned: true } => "ctypes.c_void_p".into(),
        CType::Str { owned: false } | CType::Bytes => "ctypes.c_char_p".into(),
        CType::Handle { .. } | CType::VoidPtr => "ctypes.c_void_p".into(),
        // Its CFUNCTYPE (emit_callback_types): ctypes accepts an instance of it, or None.
        CType::Callback { name } => name.clone(),
        CType::Struct { name, .. } => format!("ctypes.POINTER({name})"),
        CType::Out(inner) => format!("ctypes.POINTER({})", ctype(inner)),
    }
}

/// The Python annotation of a parameter or result.
fn py_type(ty: &CType) -> String {
    match ty {
        CType::Void => "None".into(),
        CType::Bool => "bool".into(),
        CType::I32 | CType::I64 | CType::U32 | CType::U64 | CType::Size | CType::Status => "int".into(),
        CType::F64 => "float".into(),
        CType::Str { owned: false } => "Optional[str]".into(),
        CType::Str { owned: true } | CType::VoidPtr => "Optional[int]".into(),
        CType::Callback { .. } => "Optional[Any]".into(),
        CType::Bytes => "Optional[bytes]".into(),
        CType::Handle { name, .. } => format!("Optional[{name}]"),
        CType::Struct { name, .. } => name.clone(),
        CType::Out(inner) => py_type(inner),
    }
}

/// A Python string literal (UTF-8 source).
fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => write!(out, "\\x{:02x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The first sentence of a doc text, on one line.
fn doc_summary_line(doc: &str) -> String {
    let line = crate::model::doc_summary(doc).split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_string(),
        None => line,
    }
}

/// Escapes a doc text for a `"""` docstring.
fn docstring_text(doc: &str) -> String {
    doc.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"")
}

fn write_docstring(out: &mut String, doc: &str, indent: &str) {
    let text = docstring_text(doc.trim());
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let rest: Vec<&str> = lines.collect();
    if rest.is_empty() {
        let end = if first.ends_with('"') { " " } else { "" };
        writeln!(out, "{indent}\"\"\"{first}{end}\"\"\"").unwrap();
        return;
    }
    writeln!(out, "{indent}\"\"\"{first}").unwrap();
    for line in rest {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            writeln!(out, "{indent}{line}").unwrap();
        }
    }
    writeln!(out, "{indent}\"\"\"").unwrap();
}

fn write_doc_comment(out: &mut String, doc: &str) {
    write_doc_comment_indented(out, doc, "");
}

fn write_doc_comment_indented(out: &mut String, doc: &str, indent: &str) {
    out.push_str(&crate::emit::comment_lines(doc_body(doc), &format!("{indent}#: ")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(common_prefix(["IOP_PROTOCOL_AUTO", "IOP_PROTOCOL_GOP"].into_iter()), "IOP_PROTOCOL_");
        assert_eq!(common_prefix(["IOP_OK", "IOP_ERR_TLS"].into_iter()), "IOP_");
        assert_eq!(common_prefix(["IOP_HTTP_POST"].into_iter()), "IOP_HTTP_");
        assert_eq!(common_prefix(["IOP_A_B", "IOP_A"].into_iter()), "IOP_");
    }

    #[test]
    fn strings() {
        assert_eq!(py_str("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
