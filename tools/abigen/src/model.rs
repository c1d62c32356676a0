//! The typed model of the C ABI declared by `include/iop.h`, as built by [`crate::parse`].
//!
//! The parser guarantees a few invariants emitters may rely on:
//! - the `IopStatus` enum exists ([`Abi::status_enum`] never panics on a parsed `Abi`);
//! - every [`CType::Handle`] names one of [`Abi::handles`], every [`CType::Struct`] one of
//!   [`Abi::callback_structs`], every [`CType::Callback`] one of [`Abi::callback_types`];
//! - every [`CType::Bytes`] parameter is directly followed by a [`CType::Size`] parameter;
//! - [`CType::Out`] appears only in parameters, [`CType::Void`] only as a return type;
//! - names are unique (types, constants and enum variants, functions).

/// Name of the status enum returned by fallible functions.
pub const STATUS_ENUM: &str = "IopStatus";

/// Name of the function that releases strings returned as owned (`char *`).
pub const STRING_FREE: &str = "iop_string_free";

/// The whole C ABI of `libiop`, in header order within each list.
#[derive(Debug, Clone, PartialEq)]
pub struct Abi {
    /// `(IOP_VERSION_MAJOR, IOP_VERSION_MINOR, IOP_VERSION_PATCH)` (also kept in `constants`).
    pub version: (u32, u32, u32),
    /// Opaque handle types (`typedef struct IopClient IopClient;`).
    pub handles: Vec<HandleType>,
    /// Enums (`typedef enum { ... } IopStatus;`), `IopStatus` among them.
    pub enums: Vec<Enum>,
    /// `#define` constants, the version ones included (the include guard excluded).
    pub constants: Vec<Constant>,
    /// Structs of data and function-pointer fields (`IopTokenStoreCallbacks`).
    pub callback_structs: Vec<CallbackStruct>,
    /// Function-pointer types (`typedef void (*IopLogCallback)(...);`).
    pub callback_types: Vec<CallbackType>,
    /// Exported functions.
    pub functions: Vec<Function>,
}

/// An opaque handle type, always used through a pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct HandleType {
    /// C name, e.g. `IopClient`.
    pub name: String,
    /// Doc comment text (see [`doc_summary`]).
    pub doc: String,
}

/// A C enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// C type name, e.g. `IopStatus`.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// Variants in declaration order.
    pub variants: Vec<Variant>,
}

/// One enumerator of an [`Enum`].
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// C name, e.g. `IOP_ERR_TIMEOUT`.
    pub name: String,
    /// Numeric value (explicit, or the previous value + 1 as in C).
    pub value: i64,
    /// Doc comment text.
    pub doc: String,
}

/// A `#define NAME value` constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    /// C name, e.g. `IOP_DEFAULT_MAX_CONNECT_RETRIES`.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// The value.
    pub value: ConstValue,
}

/// The value of a [`Constant`].
#[derive(Debug, Clone, PartialEq)]
pub enum ConstValue {
    /// An integer literal (`2`, `-1`, `0x10`).
    Int(i64),
    /// A string literal, unescaped (`"iopkit-0.2.0"` gives `iopkit-0.2.0`).
    Str(String),
}

/// A struct of data and function-pointer fields passed by pointer (`IopTokenStoreCallbacks`).
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackStruct {
    /// C type name.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// Fields in declaration order.
    pub fields: Vec<Field>,
}

/// A function-pointer type passed by value (`typedef void (*IopLogCallback)(void *user_data, ...);`).
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackType {
    /// C type name.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// Return type of the callback.
    pub ret: CType,
    /// Parameters of the callback.
    pub params: Vec<Param>,
}

/// A field of a [`CallbackStruct`].
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// A plain field, e.g. `void *user_data;`.
    Data {
        /// Field name.
        name: String,
        /// Field type.
        ty: CType,
        /// Doc comment text.
        doc: String,
    },
    /// A function pointer, e.g. `int32_t (*load)(void *user_data, ...);`.
    Callback {
        /// Field name.
        name: String,
        /// Return type of the callback.
        ret: CType,
        /// Parameters of the callback.
        params: Vec<Param>,
        /// Doc comment text.
        doc: String,
    },
}

/// An exported function.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// C name, e.g. `iop_client_new`.
    pub name: String,
    /// Doc comment text, `# Safety` section included (see [`doc_body`], [`doc_safety`]).
    pub doc: String,
    /// Return type.
    pub ret: CType,
    /// Parameters in order (empty for `(void)`).
    pub params: Vec<Param>,
    /// The condition of an enclosing `#if` line (e.g. `defined(IOP_REDIS_STORE)`), if any.
    pub cfg: Option<String>,
}

/// A named parameter of a [`Function`] or a [`Field::Callback`].
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Parameter name as in the header, e.g. `out_client`.
    pub name: String,
    /// Parameter type.
    pub ty: CType,
}

/// A C type as it appears at the boundary, classified by meaning.
#[derive(Debug, Clone, PartialEq)]
pub enum CType {
    /// `void` (return type only).
    Void,
    /// `bool`.
    Bool,
    /// `int32_t`.
    I32,
    /// `int64_t`.
    I64,
    /// `uint32_t`.
    U32,
    /// `uint64_t`.
    U64,
    /// `double`.
    F64,
    /// `size_t`.
    Size,
    /// `IopStatus` (the [`STATUS_ENUM`] enum), by value.
    Status,
    /// `const char *` (`owned: false`: an input, or a borrowed result) or `char *` (`owned: true`:
    /// a result the caller releases with [`STRING_FREE`], or that function's argument).
    Str {
        /// Whether the pointer is `char *` (owned) rather than `const char *`.
        owned: bool,
    },
    /// `const uint8_t *`, always directly followed by its `size_t` length parameter.
    Bytes,
    /// A pointer to an opaque handle: `const IopClient *` / `IopClient *`.
    Handle {
        /// Handle type name, one of [`Abi::handles`].
        name: String,
        /// Whether the pointee is `const`.
        is_const: bool,
    },
    /// A pointer to a non-opaque struct (one of [`Abi::callback_structs`]).
    Struct {
        /// Struct type name.
        name: String,
        /// Whether the pointee is `const`.
        is_const: bool,
    },
    /// `void *` (callback `user_data`).
    VoidPtr,
    /// A function pointer of one of [`Abi::callback_types`], by value (may be NULL).
    Callback {
        /// Callback type name.
        name: String,
    },
    /// A pointer the function writes a result through (parameters only): `char **` is
    /// `Out(Str { owned: true })`, `IopClient **` is `Out(Handle { .. })`, `int64_t *` is
    /// `Out(I64)`.
    Out(Box<CType>),
}

impl Abi {
    /// The function named `name`.
    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// The enum named `name` (e.g. `IopProtocol`).
    pub fn enum_(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The constant named `name` (e.g. `IOP_DEFAULT_MAX_CONNECT_RETRIES`).
    pub fn constant(&self, name: &str) -> Option<&Constant> {
        self.constants.iter().find(|c| c.name == name)
    }

    /// The opaque handle type named `name` (e.g. `IopClient`).
    pub fn handle(&self, name: &str) -> Option<&HandleType> {
        self.handles.iter().find(|h| h.name == name)
    }

    /// The callback struct named `name` (e.g. `IopTokenStoreCallbacks`).
    pub fn callback_struct(&self, name: &str) -> Option<&CallbackStruct> {
        self.callback_structs.iter().find(|s| s.name == name)
    }

    /// The function-pointer type named `name` (e.g. `IopLogCallback`).
    pub fn callback_type(&self, name: &str) -> Option<&CallbackType> {
        self.callback_types.iter().find(|c| c.name == name)
    }

    /// The `IopStatus` enum.
    ///
    /// # Panics
    /// If there is none, which [`crate::parse::parse_header`] never lets happen.
    pub fn status_enum(&self) -> &Enum {
        self.enum_(STATUS_ENUM).expect("the ABI has an IopStatus enum")
    }

    /// The function releasing handles of type `handle_name`: a `void iop_*_free(IopX *)` whose
    /// single parameter is a non-const pointer to that handle.
    pub fn free_function(&self, handle_name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| {
            f.name.ends_with("_free")
                && f.ret == CType::Void
                && matches!(f.params.as_slice(),
                    [Param { ty: CType::Handle { name, is_const: false }, .. }] if name == handle_name)
        })
    }
}

impl Enum {
    /// The variant named `name` (e.g. `IOP_OK`).
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.name == name)
    }
}

impl ConstValue {
    /// The integer value, if this is an [`ConstValue::Int`].
    pub fn as_int(&self) -> Option<i64> {
        match self {
            ConstValue::Int(v) => Some(*v),
            ConstValue::Str(_) => None,
        }
    }

    /// The string value, if this is a [`ConstValue::Str`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ConstValue::Int(_) => None,
            ConstValue::Str(s) => Some(s),
        }
    }
}

impl Field {
    /// The field's name.
    pub fn name(&self) -> &str {
        match self {
            Field::Data { name, .. } | Field::Callback { name, .. } => name,
        }
    }

    /// The field's doc comment text.
    pub fn doc(&self) -> &str {
        match self {
            Field::Data { doc, .. } | Field::Callback { doc, .. } => doc,
        }
    }
}

impl Function {
    /// Whether the function returns `IopStatus` (is fallible, with `iop_last_error_*` details).
    pub fn is_status(&self) -> bool {
        self.ret == CType::Status
    }

    /// The parameters that are not [`CType::Out`], in order.
    pub fn inputs(&self) -> Vec<&Param> {
        self.params.iter().filter(|p| !p.ty.is_out()).collect()
    }

    /// The [`CType::Out`] parameters, in order.
    pub fn outputs(&self) -> Vec<&Param> {
        self.params.iter().filter(|p| p.ty.is_out()).collect()
    }

    /// `(bytes_param_index, len_param_index)` for each [`CType::Bytes`] parameter, the length
    /// being the `size_t` parameter right after it (indices into [`Function::params`]).
    pub fn byte_params(&self) -> Vec<(usize, usize)> {
        byte_pairs(&self.params)
    }

    /// The prototype on one line in cbindgen's spelling, without the doc or `#if` lines, e.g.
    /// `IopStatus iop_request_new(const char *api_name, IopRequest **out_request);`
    /// (for C declarations such as PHP's `FFI::cdef`).
    pub fn c_prototype(&self) -> String {
        format!("{};", c_declarator(&self.ret, &format!("{}({})", self.name, c_params(&self.params))))
    }
}

impl Param {
    /// The parameter as declared in C, e.g. `const char *api_name`.
    pub fn c_decl(&self) -> String {
        c_declarator(&self.ty, &self.name)
    }
}

impl CType {
    /// Whether this is an [`CType::Out`] pointer.
    pub fn is_out(&self) -> bool {
        matches!(self, CType::Out(_))
    }

    /// What an [`CType::Out`] pointer points to (`None` for other types).
    pub fn out_target(&self) -> Option<&CType> {
        match self {
            CType::Out(inner) => Some(inner),
            _ => None,
        }
    }

    /// The C spelling, e.g. `const char *`, `IopClient **`, `int64_t *`, `size_t`.
    pub fn c_type(&self) -> String {
        match self {
            CType::Void => "void".into(),
            CType::Bool => "bool".into(),
            CType::I32 => "int32_t".into(),
            CType::I64 => "int64_t".into(),
            CType::U32 => "uint32_t".into(),
            CType::U64 => "uint64_t".into(),
            CType::F64 => "double".into(),
            CType::Size => "size_t".into(),
            CType::Status => STATUS_ENUM.into(),
            CType::Str { owned: false } => "const char *".into(),
            CType::Str { owned: true } => "char *".into(),
            CType::Bytes => "const uint8_t *".into(),
            CType::Handle { name, is_const } | CType::Struct { name, is_const } => {
                format!("{}{name} *", if *is_const { "const " } else { "" })
            }
            CType::VoidPtr => "void *".into(),
            CType::Callback { name } => name.clone(),
            CType::Out(inner) => {
                let inner = inner.c_type();
                if inner.ends_with('*') { format!("{inner}*") } else { format!("{inner} *") }
            }
        }
    }
}

/// Spells `declarator` (a name, or `name(params)`) with type `ty` as cbindgen does: `char *s`,
/// `int32_t n`.
fn c_declarator(ty: &CType, declarator: &str) -> String {
    let ty = ty.c_type();
    if ty.ends_with('*') { format!("{ty}{declarator}") } else { format!("{ty} {declarator}") }
}

/// A C parameter list (`void` when empty).
pub(crate) fn c_params(params: &[Param]) -> String {
    if params.is_empty() { "void".into() } else { params.iter().map(Param::c_decl).collect::<Vec<_>>().join(", ") }
}

/// `(bytes_index, len_index)` pairs of a parameter list (see [`Function::byte_params`]).
pub(crate) fn byte_pairs(params: &[Param]) -> Vec<(usize, usize)> {
    params.iter().enumerate().filter(|(_, p)| p.ty == CType::Bytes).map(|(i, _)| (i, i + 1)).collect()
}

/// The first paragraph of a doc text: everything before the first blank line or heading
/// (`# Safety`), trimmed. Lines inside it are still separated by `\n`.
pub fn doc_summary(doc: &str) -> &str {
    let mut end = doc.len();
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("# ") {
            end = offset;
            break;
        }
        offset += line.len();
    }
    doc[..end].trim()
}

/// A doc text without its `# Safety` section (and anything after it), trimmed: what a binding
/// whose callers never see raw pointers would show.
pub fn doc_body(doc: &str) -> &str {
    match safety_heading(doc) {
        Some((start, _)) => doc[..start].trim(),
        None => doc.trim(),
    }
}

/// The text of the `# Safety` section of a doc text (up to the next heading), trimmed.
pub fn doc_safety(doc: &str) -> Option<&str> {
    let (_, body_start) = safety_heading(doc)?;
    let rest = &doc[body_start..];
    let mut end = rest.len();
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim().starts_with("# ") {
            end = offset;
            break;
        }
        offset += line.len();
    }
    Some(rest[..end].trim())
}

/// Byte offsets of the start of the `# Safety` line and of the line after it.
fn safety_heading(doc: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        if line.trim() == "# Safety" {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, ty: CType) -> Param {
        Param { name: name.into(), ty }
    }

    fn handle(name: &str, is_const: bool) -> CType {
        CType::Handle { name: name.into(), is_const }
    }

    fn function(name: &str, ret: CType, params: Vec<Param>) -> Function {
        Function { name: name.into(), doc: String::new(), ret, params, cfg: None }
    }

    fn abi() -> Abi {
        Abi {
            version: (0, 1, 0),
            handles: vec![
                HandleType { name: "IopClient".into(), doc: String::new() },
                HandleType { name: "IopEnosClient".into(), doc: String::new() },
            ],
            enums: vec![Enum {
                name: STATUS_ENUM.into(),
                doc: String::new(),
                variants: vec![Variant { name: "IOP_OK".into(), value: 0, doc: "Success.".into() }],
            }],
            constants: vec![Constant { name: "IOP_X".into(), doc: String::new(), value: ConstValue::Int(-1) }],
            callback_structs: vec![],
            callback_types: vec![],
            functions: vec![
                function(
                    "iop_client_new",
                    CType::Status,
                    vec![
                        param("server_url", CType::Str { owned: false }),
                        param("out", CType::Out(Box::new(handle("IopClient", false)))),
                    ],
                ),
                // Not a free function: const pointer.
                function("iop_client_free_const", CType::Void, vec![param("c", handle("IopClient", true))]),
                function("iop_client_free", CType::Void, vec![param("client", handle("IopClient", false))]),
                function(
                    "iop_enos_sign",
                    CType::Status,
                    vec![
                        param("client", handle("IopEnosClient", true)),
                        param("body", CType::Bytes),
                        param("body_len", CType::Size),
                        param("key", CType::Bytes),
                        param("key_len", CType::Size),
                        param("out_timestamp_ms", CType::Out(Box::new(CType::I64))),
                        param("out_signature", CType::Out(Box::new(CType::Str { owned: true }))),
                    ],
                ),
            ],
        }
    }

    #[test]
    fn lookups() {
        let abi = abi();
        assert_eq!(abi.function("iop_client_new").unwrap().name, "iop_client_new");
        assert!(abi.function("iop_nope").is_none());
        assert_eq!(abi.status_enum().variant("IOP_OK").unwrap().value, 0);
        assert!(abi.enum_("IopProtocol").is_none());
        assert_eq!(abi.constant("IOP_X").unwrap().value.as_int(), Some(-1));
        assert_eq!(abi.constant("IOP_X").unwrap().value.as_str(), None);
        assert!(abi.handle("IopClient").is_some());
        assert_eq!(abi.free_function("IopClient").unwrap().name, "iop_client_free");
        assert!(abi.free_function("IopEnosClient").is_none());
    }

    #[test]
    fn inputs_outputs_and_byte_params() {
        let abi = abi();
        let sign = abi.function("iop_enos_sign").unwrap();
        assert!(sign.is_status());
        let names = |ps: Vec<&Param>| ps.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(sign.inputs()), ["client", "body", "body_len", "key", "key_len"]);
        assert_eq!(names(sign.outputs()), ["out_timestamp_ms", "out_signature"]);
        assert_eq!(sign.byte_params(), [(1, 2), (3, 4)]);
        assert_eq!(sign.outputs()[0].ty.out_target(), Some(&CType::I64));
        assert!(!abi.function("iop_client_free").unwrap().is_status());
        assert!(abi.function("iop_client_new").unwrap().byte_params().is_empty());
    }

    #[test]
    fn c_spelling() {
        let abi = abi();
        assert_eq!(
            abi.function("iop_enos_sign").unwrap().c_prototype(),
            "IopStatus iop_enos_sign(const IopEnosClient *client, const uint8_t *body, size_t body_len, \
             const uint8_t *key, size_t key_len, int64_t *out_timestamp_ms, char **out_signature);"
        );
        assert_eq!(
            abi.function("iop_client_new").unwrap().c_prototype(),
            "IopStatus iop_client_new(const char *server_url, IopClient **out);"
        );
        let version = function("iop_version", CType::Str { owned: false }, vec![]);
        assert_eq!(version.c_prototype(), "const char *iop_version(void);");
        assert_eq!(CType::VoidPtr.c_type(), "void *");
        assert_eq!(CType::Struct { name: "S".into(), is_const: true }.c_type(), "const S *");
        assert_eq!(param("n", CType::U64).c_decl(), "uint64_t n");
    }

    #[test]
    fn doc_sections() {
        let doc = "Creates a client.\nStrings are copied.\n\nMore text.\n\n# Safety\n`out` is writable.\nReally.";
        assert_eq!(doc_summary(doc), "Creates a client.\nStrings are copied.");
        assert_eq!(doc_body(doc), "Creates a client.\nStrings are copied.\n\nMore text.");
        assert_eq!(doc_safety(doc), Some("`out` is writable.\nReally."));
        let doc = "One line.\n# Safety\nx";
        assert_eq!(doc_summary(doc), "One line.");
        assert_eq!(doc_summary("Only."), "Only.");
        assert_eq!(doc_summary(""), "");
        assert_eq!(doc_body("Only."), "Only.");
        assert_eq!(doc_safety("Only."), None);
        assert_eq!(doc_safety("# Safety\nA.\n# Panics\nB."), Some("A."));
    }
}
