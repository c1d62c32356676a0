//! A line-based parser for the cbindgen output `include/iop.h`.
//!
//! The header is very regular, so the parser recognises exactly the constructs cbindgen writes
//! for this crate and rejects everything else with a [`ParseError`] naming the line: an ABI
//! addition the model cannot express must fail loudly rather than be skipped.
//!
//! Recognised, line by line (leading and trailing whitespace ignored):
//! - blank lines, `// ...` lines, `/* ... */` comments (skipped) and `/** ... */` doc comments
//!   (attached to the next declaration, which must follow directly, possibly after an `#if`);
//! - `#ifndef G` / `#define G` / `#endif` include guard, `#include <...>`,
//!   `#ifdef __cplusplus` ... `#endif`, `extern "C" {` and its closing `}`;
//! - `#if COND` ... `#endif` around functions (the condition goes to [`Function::cfg`]);
//! - `#define NAME value` with an integer or string literal value;
//! - `typedef struct X X;` (opaque handle), `typedef enum { ... } X;`,
//!   `typedef struct { ... } X;` (callback struct);
//! - function prototypes, possibly spanning several lines, ending in `;`.

use std::collections::HashMap;
use std::fmt;

use crate::model::{
    Abi, CType, CallbackStruct, CallbackType, ConstValue, Constant, Enum, Field, Function, HandleType, Param,
    STATUS_ENUM, Variant,
};

/// A construct the parser does not understand, or an inconsistency in the header.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// 1-based line number where the offending construct starts (0: the header as a whole).
    pub line: usize,
    /// The offending text (a multi-line declaration joined on one line).
    pub text: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}: {}: `{}`", self.line, self.message, self.text)
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses the text of `include/iop.h` into the ABI model.
pub fn parse_header(src: &str) -> Result<Abi, ParseError> {
    Parser { lines: src.lines().collect(), next: 0, ..Parser::default() }.run()
}

fn error<T>(line: usize, text: &str, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError { line, text: text.trim().to_string(), message: message.into() })
}

/// Where a type appears: decides which types are allowed.
#[derive(Clone, Copy, PartialEq)]
enum Pos {
    Return,
    Param,
    Field,
}

#[derive(Default)]
struct Parser<'a> {
    lines: Vec<&'a str>,
    /// Index in `lines` of the next line to read.
    next: usize,
    handles: Vec<HandleType>,
    enums: Vec<Enum>,
    constants: Vec<Constant>,
    structs: Vec<CallbackStruct>,
    callback_types: Vec<CallbackType>,
    functions: Vec<Function>,
    /// Every declared identifier and the line declaring it (C's ordinary identifiers and macros).
    names: HashMap<String, usize>,
}

/// A pending doc comment: its first line and text.
type Doc = Option<(usize, String)>;

impl<'a> Parser<'a> {
    fn next_line(&mut self) -> Option<(usize, &'a str)> {
        let line = self.lines.get(self.next)?;
        self.next += 1;
        Some((self.next, line))
    }

    fn run(mut self) -> Result<Abi, ParseError> {
        let mut doc: Doc = None;
        let mut cfg: Option<(usize, String)> = None;
        let mut cplusplus: Option<usize> = None;
        let mut extern_c: Option<usize> = None;
        let mut guard: Option<(usize, String)> = None;
        let mut guard_closed = false;

        while let Some((no, raw)) = self.next_line() {
            let line = raw.trim();
            if guard_closed && !line.is_empty() {
                return error(no, line, "text after the include guard's `#endif`");
            }
            if line.starts_with("/**") && !line.starts_with("/**/") {
                if let Some((at, _)) = doc {
                    return error(at, self.lines[at - 1], "doc comment not followed by a declaration");
                }
                doc = Some((no, self.comment(no, raw)?));
                continue;
            }
            // Everything but a declaration or `#if` must not follow a doc comment.
            let takes_doc = !(line.is_empty() || line.starts_with("/*") || line.starts_with("//"))
                && (!line.starts_with('#') || directive(line).0 == "if" || directive(line).0 == "define");
            if !takes_doc && let Some((at, _)) = doc {
                return error(at, self.lines[at - 1], "doc comment not followed by a declaration");
            }
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            if line.starts_with("/*") {
                self.comment(no, raw)?;
                continue;
            }
            if line.starts_with('#') {
                let (keyword, arg) = directive(line);
                match keyword {
                    "if" => {
                        if let Some((at, _)) = &cfg {
                            return error(no, line, format!("nested `#if` (the one on line {at} is still open)"));
                        }
                        if cplusplus.is_some() || arg.is_empty() {
                            return error(no, line, "unsupported `#if`");
                        }
                        cfg = Some((no, arg.to_string()));
                    }
                    "ifdef" if strip_comment(arg) == "__cplusplus" && cplusplus.is_none() && cfg.is_none() => {
                        cplusplus = Some(no);
                    }
                    "ifndef" if guard.is_none() && is_ident(strip_comment(arg)) => {
                        guard = Some((no, strip_comment(arg).to_string()));
                    }
                    "include" if arg.starts_with('<') || arg.starts_with('"') => {}
                    "define" => {
                        let (name, value) = arg.split_once(char::is_whitespace).unwrap_or((arg, ""));
                        let value = value.trim();
                        if guard.as_ref().is_some_and(|(_, g)| g == name) && value.is_empty() {
                            if let Some((at, _)) = doc {
                                return error(at, self.lines[at - 1], "doc comment not followed by a declaration");
                            }
                            continue;
                        }
                        if !is_ident(name) {
                            return error(no, line, "expected `#define NAME value`");
                        }
                        self.no_cfg(&cfg, no, line, "#define")?;
                        let doc = doc.take().map(|(_, d)| d).unwrap_or_default();
                        let value = constant_value(value).or_else(|m| error(no, line, m))?;
                        self.claim(name, no, line)?;
                        self.constants.push(Constant { name: name.to_string(), doc, value });
                    }
                    "endif" => {
                        if cplusplus.take().is_none() && cfg.take().is_none() {
                            if guard.is_none() {
                                return error(no, line, "`#endif` without an opening `#if`");
                            }
                            guard_closed = true;
                        }
                    }
                    _ => return error(no, line, "unsupported preprocessor directive"),
                }
                continue;
            }
            if line == "extern \"C\" {" {
                if extern_c.is_some() {
                    return error(no, line, "nested `extern \"C\"`");
                }
                extern_c = Some(no);
                continue;
            }
            if extern_c.is_some() && line.starts_with('}') && strip_comment(&line[1..]).is_empty() {
                extern_c = None;
                continue;
            }
            let doc = doc.take().map(|(_, d)| d).unwrap_or_default();
            if let Some(rest) = line.strip_prefix("typedef struct ")
                && let Some([tag, name]) =
                    rest.strip_suffix(';').map(|r| r.split_whitespace().collect::<Vec<_>>()).as_deref()
                && tag == name
                && is_ident(name)
            {
                self.no_cfg(&cfg, no, line, "handle")?;
                self.claim(name, no, line)?;
                self.handles.push(HandleType { name: name.to_string(), doc });
            } else if line == "typedef enum {"
                || line.strip_prefix("typedef enum ").and_then(|r| r.strip_suffix(" {")).is_some_and(is_ident)
            {
                self.no_cfg(&cfg, no, line, "enum")?;
                self.enum_body(no, line, doc)?;
            } else if line == "typedef struct {" {
                self.no_cfg(&cfg, no, line, "struct")?;
                self.struct_body(no, line, doc)?;
            } else if line.starts_with("typedef ") && line.contains("(*") {
                self.no_cfg(&cfg, no, line, "callback type")?;
                let stmt = self.statement(no, raw)?;
                let Ok(Field::Callback { name, ret, params, .. }) =
                    self.field(&stmt["typedef ".len()..], String::new())
                else {
                    return error(no, &stmt, "expected `typedef RET (*Name)(PARAMS);`");
                };
                self.claim(&name, no, &stmt)?;
                self.callback_types.push(CallbackType { name, doc, ret, params });
            } else {
                let stmt = self.statement(no, raw)?;
                let cfg = cfg.as_ref().map(|(_, c)| c.clone());
                let function = self.function(&stmt, doc, cfg).or_else(|m| error(no, &stmt, m))?;
                self.claim(&function.name, no, &stmt)?;
                self.functions.push(function);
            }
        }

        let open = [
            (doc.map(|(at, _)| at), "doc comment not followed by a declaration"),
            (cfg.map(|(at, _)| at), "`#if` without `#endif`"),
            (cplusplus, "`#ifdef __cplusplus` without `#endif`"),
            (extern_c, "`extern \"C\" {` without its `}`"),
            (guard.filter(|_| !guard_closed).map(|(at, _)| at), "include guard without `#endif`"),
        ];
        for (at, message) in open {
            if let Some(at) = at {
                return error(at, self.lines[at - 1], message);
            }
        }
        self.finish()
    }

    fn finish(self) -> Result<Abi, ParseError> {
        let part = |name: &str| -> Result<u32, ParseError> {
            match self.constants.iter().find(|c| c.name == name).map(|c| &c.value) {
                Some(ConstValue::Int(v)) => u32::try_from(*v)
                    .or_else(|_| error(self.names[name], self.lines[self.names[name] - 1], "version out of range")),
                Some(ConstValue::Str(_)) => {
                    error(self.names[name], self.lines[self.names[name] - 1], "version must be an integer")
                }
                None => error(0, "", format!("missing `#define {name}`")),
            }
        };
        let version = (part("IOP_VERSION_MAJOR")?, part("IOP_VERSION_MINOR")?, part("IOP_VERSION_PATCH")?);
        if !self.enums.iter().any(|e| e.name == STATUS_ENUM) {
            return error(0, "", format!("missing the `{STATUS_ENUM}` enum"));
        }
        Ok(Abi {
            version,
            handles: self.handles,
            enums: self.enums,
            constants: self.constants,
            callback_structs: self.structs,
            callback_types: self.callback_types,
            functions: self.functions,
        })
    }

    /// Records a declared name, failing on a duplicate.
    fn claim(&mut self, name: &str, no: usize, text: &str) -> Result<(), ParseError> {
        if let Some(previous) = self.names.insert(name.to_string(), no) {
            return error(no, text, format!("`{name}` is already declared on line {previous}"));
        }
        Ok(())
    }

    fn no_cfg(&self, cfg: &Option<(usize, String)>, no: usize, text: &str, what: &str) -> Result<(), ParseError> {
        match cfg {
            Some((at, _)) => error(
                no,
                text,
                format!("{what} inside `#if` (line {at}): the model supports conditional functions only"),
            ),
            None => Ok(()),
        }
    }

    /// Reads a `/* */` or `/** */` comment starting on line `no` and returns its text: `/**`,
    /// `*/` and each line's leading `*` and one space removed, lines joined with `\n`, trimmed.
    fn comment(&mut self, no: usize, first: &str) -> Result<String, ParseError> {
        let first = first.trim();
        let body = first.strip_prefix("/**").or_else(|| first.strip_prefix("/*")).unwrap_or(first);
        let mut lines = Vec::new();
        let (mut text, mut at) = (body, no);
        loop {
            let (content, done) = match text.find("*/") {
                Some(end) if text[end + 2..].trim().is_empty() => (&text[..end], true),
                Some(_) => return error(at, text, "text after the end of a comment"),
                None => (text, false),
            };
            let content = content.trim();
            let content = match content.strip_prefix('*') {
                Some(rest) if at != no => rest.strip_prefix(' ').unwrap_or(rest),
                _ => content,
            };
            lines.push(content.trim_end());
            if done {
                break;
            }
            match self.next_line() {
                Some((n, raw)) => (text, at) = (raw, n),
                None => return error(no, first, "unterminated comment"),
            }
        }
        Ok(lines.join("\n").trim().to_string())
    }

    /// Reads a declaration starting on line `no` up to the line ending in `;`, joined on one
    /// line with whitespace normalised.
    fn statement(&mut self, no: usize, first: &str) -> Result<String, ParseError> {
        let mut parts = vec![first.trim()];
        while !parts.last().is_some_and(|p| p.ends_with(';')) {
            match self.next_line() {
                Some((_, raw)) if !raw.trim().is_empty() && !raw.trim().starts_with(['#', '/', '}']) => {
                    parts.push(raw.trim())
                }
                _ => return error(no, first, "unrecognised line (or a declaration without its `;`)"),
            }
        }
        let joined = parts.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(joined.replace("( ", "(").replace(" )", ")"))
    }

    fn enum_body(&mut self, no: usize, first: &str, doc: String) -> Result<(), ParseError> {
        let mut variants = Vec::new();
        let mut variant_doc: Doc = None;
        let mut next_value = 0i64;
        loop {
            let Some((n, raw)) = self.next_line() else {
                return error(no, first, "unterminated enum");
            };
            let line = raw.trim();
            if line.starts_with("/**") {
                if let Some((at, _)) = variant_doc {
                    return error(at, self.lines[at - 1], "doc comment not followed by a variant");
                }
                variant_doc = Some((n, self.comment(n, raw)?));
            } else if let Some(rest) = line.strip_prefix('}') {
                let name = rest.trim().strip_suffix(';').map(str::trim).filter(|r| is_ident(r));
                let Some(name) = name else {
                    return error(n, line, "expected `} Name;` closing the enum");
                };
                if let Some((at, _)) = variant_doc {
                    return error(at, self.lines[at - 1], "doc comment not followed by a variant");
                }
                if variants.is_empty() {
                    return error(no, first, "enum without variants");
                }
                self.claim(name, no, first)?;
                self.enums.push(Enum { name: name.to_string(), doc, variants });
                return Ok(());
            } else {
                let body = line.strip_suffix(',').unwrap_or(line);
                let (name, value) = match body.split_once('=') {
                    Some((name, value)) => (name.trim(), Some(value.trim())),
                    None => (body.trim(), None),
                };
                if !is_ident(name) {
                    return error(n, line, "expected an enum variant `NAME = value,`");
                }
                let value = match value {
                    Some(v) => parse_int(v).or_else(|m| error(n, line, m))?,
                    None => next_value,
                };
                next_value = value.wrapping_add(1);
                self.claim(name, n, line)?;
                let doc = variant_doc.take().map(|(_, d)| d).unwrap_or_default();
                variants.push(Variant { name: name.to_string(), value, doc });
            }
        }
    }

    fn struct_body(&mut self, no: usize, first: &str, doc: String) -> Result<(), ParseError> {
        let mut fields = Vec::new();
        let mut field_doc: Doc = None;
        loop {
            let Some((n, raw)) = self.next_line() else {
                return error(no, first, "unterminated struct");
            };
            let line = raw.trim();
            if line.starts_with("/**") {
                if let Some((at, _)) = field_doc {
                    return error(at, self.lines[at - 1], "doc comment not followed by a field");
                }
                field_doc = Some((n, self.comment(n, raw)?));
            } else if let Some(rest) = line.strip_prefix('}') {
                let name = rest.trim().strip_suffix(';').map(str::trim).filter(|r| is_ident(r));
                let Some(name) = name else {
                    return error(n, line, "expected `} Name;` closing the struct");
                };
                if let Some((at, _)) = field_doc {
                    return error(at, self.lines[at - 1], "doc comment not followed by a field");
                }
                self.claim(name, no, first)?;
                self.structs.push(CallbackStruct { name: name.to_string(), doc, fields });
                return Ok(());
            } else {
                let stmt = self.statement(n, raw)?;
                let doc = field_doc.take().map(|(_, d)| d).unwrap_or_default();
                let field = self.field(&stmt, doc).or_else(|m| error(n, &stmt, m))?;
                if fields.iter().any(|f: &Field| f.name() == field.name()) {
                    return error(n, &stmt, format!("duplicate field `{}`", field.name()));
                }
                fields.push(field);
            }
        }
    }

    /// Parses a one-line prototype `RET NAME(PARAMS);`.
    fn function(&self, stmt: &str, doc: String, cfg: Option<String>) -> Result<Function, String> {
        let body = stmt.strip_suffix(';').ok_or("expected `;`")?;
        let open = body.find('(').ok_or("unrecognised line")?;
        let args = body[open + 1..].strip_suffix(')').ok_or("expected `)` before `;`")?;
        if args.contains(['(', ')']) {
            return Err("function-pointer parameters are not supported by the model".into());
        }
        let (ret, name) = self.decl(&body[..open], Pos::Return).map_err(|m| format!("return type: {m}"))?;
        let params = self.params(args)?;
        Ok(Function { name, doc, ret, params, cfg })
    }

    /// Parses a struct field `TYPE NAME;` or `RET (*NAME)(PARAMS);`.
    fn field(&self, stmt: &str, doc: String) -> Result<Field, String> {
        let body = stmt.strip_suffix(';').ok_or("expected `;`")?;
        let Some(star) = body.find("(*") else {
            let (ty, name) = self.decl(body, Pos::Field)?;
            return Ok(Field::Data { name, ty, doc });
        };
        let ret = self.ctype(&tokens(&body[..star])?, Pos::Return).map_err(|m| format!("return type: {m}"))?;
        let after = &body[star + 2..];
        let close = after.find(')').ok_or("expected `)` after a function-pointer field's name")?;
        let name = after[..close].trim();
        if !is_ident(name) {
            return Err(format!("bad field name `{name}`"));
        }
        let args = after[close + 1..]
            .trim()
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .filter(|r| !r.contains(['(', ')']))
            .ok_or("expected `(params)` after a function-pointer field's name")?;
        let params = self.params(args)?;
        Ok(Field::Callback { name: name.to_string(), ret, params, doc })
    }

    /// Parses a parameter list (`void` for none); checks that each `const uint8_t *` is followed
    /// by a `size_t`.
    fn params(&self, args: &str) -> Result<Vec<Param>, String> {
        let args = args.trim();
        if args == "void" {
            return Ok(Vec::new());
        }
        if args.is_empty() {
            return Err("empty parameter list (cbindgen writes `(void)`)".into());
        }
        let mut params: Vec<Param> = Vec::new();
        for arg in args.split(',') {
            let (ty, name) = self.decl(arg, Pos::Param).map_err(|m| format!("parameter `{}`: {m}", arg.trim()))?;
            if params.iter().any(|p| p.name == name) {
                return Err(format!("duplicate parameter `{name}`"));
            }
            params.push(Param { name, ty });
        }
        for (i, p) in params.iter().enumerate() {
            if p.ty == CType::Bytes && params.get(i + 1).is_none_or(|next| next.ty != CType::Size) {
                return Err(format!("`const uint8_t *{}` must be followed by its `size_t` length", p.name));
            }
        }
        Ok(params)
    }

    /// Parses `TYPE NAME` (e.g. `const char *api_name`, or `const char *iop_version` for a
    /// prototype's head).
    fn decl(&self, text: &str, pos: Pos) -> Result<(CType, String), String> {
        let tokens = tokens(text)?;
        match tokens.split_last() {
            Some((name, ty)) if is_ident(name) && *name != "const" && !ty.is_empty() => {
                Ok((self.ctype(ty, pos)?, name.to_string()))
            }
            _ => Err(format!("expected `type name`, found `{}`", text.trim())),
        }
    }

    /// Classifies a type given as tokens (`const`, one identifier, then `*`s).
    fn ctype(&self, tokens: &[&str], pos: Pos) -> Result<CType, String> {
        let spelled = tokens.join(" ").replace(" *", "*").replace('*', " *").replace("* ", "*");
        let unsupported = || format!("unsupported type `{spelled}`");
        let (is_const, rest) = match tokens {
            ["const", rest @ ..] => (true, rest),
            _ => (false, tokens),
        };
        let [base, stars @ ..] = rest else { return Err(unsupported()) };
        if !is_ident(base) || *base == "const" || stars.iter().any(|s| *s != "*") {
            return Err(unsupported());
        }
        let scalar = match *base {
            "bool" => Some(CType::Bool),
            "int32_t" => Some(CType::I32),
            "int64_t" => Some(CType::I64),
            "uint32_t" => Some(CType::U32),
            "uint64_t" => Some(CType::U64),
            "double" => Some(CType::F64),
            "size_t" => Some(CType::Size),
            STATUS_ENUM if self.enums.iter().any(|e| e.name == STATUS_ENUM) => Some(CType::Status),
            _ => None,
        };
        let is_handle = self.handles.iter().any(|h| h.name == *base);
        let is_struct = self.structs.iter().any(|s| s.name == *base);
        let is_callback = self.callback_types.iter().any(|c| c.name == *base);
        let name = base.to_string();
        let ty = match (is_const, stars.len()) {
            (false, 0) if *base == "void" => CType::Void,
            (false, 0) if is_callback => CType::Callback { name },
            (false, 0) => scalar.ok_or_else(unsupported)?,
            (_, 1) if *base == "char" => CType::Str { owned: !is_const },
            (true, 1) if *base == "uint8_t" => CType::Bytes,
            (false, 1) if *base == "void" => CType::VoidPtr,
            (_, 1) if is_handle => CType::Handle { name, is_const },
            (_, 1) if is_struct => CType::Struct { name, is_const },
            (false, 1) => CType::Out(Box::new(scalar.ok_or_else(unsupported)?)),
            (_, 2) if *base == "char" => CType::Out(Box::new(CType::Str { owned: !is_const })),
            (_, 2) if is_handle => CType::Out(Box::new(CType::Handle { name, is_const })),
            _ => return Err(unsupported()),
        };
        match (&ty, pos) {
            (CType::Out(_) | CType::Bytes, Pos::Return | Pos::Field) => {
                Err(format!("`{spelled}` is supported only as a function parameter"))
            }
            (CType::Void, Pos::Param | Pos::Field) => Err("`void` is supported only as a return type".into()),
            _ => Ok(ty),
        }
    }
}

/// Splits a declaration into identifiers and `*`s.
fn tokens(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() || c == '_' {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            out.push(&text[s..i]);
        }
        match c {
            '*' => out.push("*"),
            c if c.is_whitespace() => {}
            c => return Err(format!("unexpected `{c}` in `{}`", text.trim())),
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    Ok(out)
}

/// Splits `#keyword arg` (the `#` may be followed by spaces).
fn directive(line: &str) -> (&str, &str) {
    let rest = line.trim_start_matches('#').trim_start();
    let (keyword, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    (keyword, arg.trim())
}

/// Removes a trailing `// ...` or `/* ... */` comment.
fn strip_comment(s: &str) -> &str {
    let end = [s.find("//"), s.find("/*")].into_iter().flatten().min().unwrap_or(s.len());
    s[..end].trim()
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A `#define` value: an integer or a string literal.
fn constant_value(value: &str) -> Result<ConstValue, String> {
    if value.starts_with('"') {
        return parse_string(value).map(ConstValue::Str);
    }
    parse_int(value).map(ConstValue::Int)
}

/// A decimal or hex integer literal, possibly negative or in parentheses.
fn parse_int(text: &str) -> Result<i64, String> {
    let bad = || format!("unsupported value `{text}` (expected an integer or string literal)");
    let mut s = text.trim();
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        s = inner.trim();
    }
    let (negative, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d.trim_start()),
        None => (false, s),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (!hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| i128::from_str_radix(hex, 16).ok())
            .flatten()
    } else {
        (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse::<i128>().ok())
            .flatten()
    };
    let magnitude = magnitude.ok_or_else(bad)?;
    i64::try_from(if negative { -magnitude } else { magnitude }).map_err(|_| format!("`{text}` does not fit in i64"))
}

/// A C string literal (`"…"`, with `\\ \" \' \n \r \t \0` escapes).
fn parse_string(text: &str) -> Result<String, String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| text.len() >= 2)
        .ok_or_else(|| format!("unsupported string literal `{text}`"))?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Err(format!("unsupported string literal `{text}`")),
            '\\' => out.push(match chars.next() {
                Some('\\') => '\\',
                Some('"') => '"',
                Some('\'') => '\'',
                Some('n') => '\n',
                Some('r') => '\r',
                Some('t') => '\t',
                Some('0') => '\0',
                other => return Err(format!("unsupported escape `\\{}` in `{text}`", other.unwrap_or(' '))),
            }),
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::doc_safety;

    /// A minimal header around `types` (before `extern "C"`) and `functions` (inside it).
    fn header(types: &str, functions: &str) -> String {
        format!(
            r#"/*
 * Conventions block.
 */

#ifndef IOP_H
#define IOP_H

/* Generated by cbindgen; do not edit. */

#include <stdbool.h>
#include <stdint.h>

/** A client. Opaque; thread-safe. */
typedef struct IopClient IopClient;
/** A request. */
typedef struct IopRequest IopRequest;
/** A response. */
typedef struct IopResponse IopResponse;

/**
 * Major version.
 */
#define IOP_VERSION_MAJOR 0

/**
 * Minor version.
 */
#define IOP_VERSION_MINOR 2

/**
 * Patch version.
 */
#define IOP_VERSION_PATCH 7

/**
 * Result of a call.
 */
typedef enum {{
  /**
   * Success.
   */
  IOP_OK = 0,
  /**
   * A bad argument.
   */
  IOP_ERR_INVALID_ARGUMENT = 1,
}} IopStatus;
{types}
#ifdef __cplusplus
extern "C" {{
#endif // __cplusplus
{functions}
#ifdef __cplusplus
}}  // extern "C"
#endif  // __cplusplus

#endif  /* IOP_H */
"#
        )
    }

    fn parse(types: &str, functions: &str) -> Abi {
        parse_header(&header(types, functions)).unwrap_or_else(|e| panic!("{e}"))
    }

    fn parse_err(types: &str, functions: &str) -> ParseError {
        parse_header(&header(types, functions)).expect_err("the header must not parse")
    }

    fn handle(name: &str, is_const: bool) -> CType {
        CType::Handle { name: name.into(), is_const }
    }

    #[test]
    fn minimal_header() {
        let abi = parse("", "");
        assert_eq!(abi.version, (0, 2, 7));
        assert_eq!(abi.handles.len(), 3);
        assert_eq!(
            abi.handles[0],
            HandleType { name: "IopClient".into(), doc: "A client. Opaque; thread-safe.".into() }
        );
        assert_eq!(
            abi.constants.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["IOP_VERSION_MAJOR", "IOP_VERSION_MINOR", "IOP_VERSION_PATCH"]
        );
        assert_eq!(abi.constant("IOP_VERSION_MINOR").unwrap().doc, "Minor version.");
        assert!(abi.constant("IOP_H").is_none());
        assert!(abi.functions.is_empty());
    }

    #[test]
    fn multi_line_prototypes() {
        let abi = parse(
            "",
            "
/**
 * Signs and sends `request`.
 */
IopStatus iop_client_execute(const IopClient *client,
                             const IopRequest *request,
                             const char *access_token,
                             int32_t protocol,
                             IopResponse **out_response);

/**
 * The version.
 */
const char *iop_version(void);

/**
 * Frees.
 */
void iop_client_free(IopClient *client);
",
        );
        let f = abi.function("iop_client_execute").unwrap();
        assert_eq!(f.ret, CType::Status);
        assert_eq!(f.doc, "Signs and sends `request`.");
        assert_eq!(f.cfg, None);
        let types: Vec<_> = f.params.iter().map(|p| (p.name.as_str(), p.ty.clone())).collect();
        assert_eq!(
            types,
            [
                ("client", handle("IopClient", true)),
                ("request", handle("IopRequest", true)),
                ("access_token", CType::Str { owned: false }),
                ("protocol", CType::I32),
                ("out_response", CType::Out(Box::new(handle("IopResponse", false)))),
            ]
        );
        assert_eq!(
            f.c_prototype(),
            "IopStatus iop_client_execute(const IopClient *client, const IopRequest *request, \
             const char *access_token, int32_t protocol, IopResponse **out_response);"
        );
        let v = abi.function("iop_version").unwrap();
        assert_eq!((v.ret.clone(), v.params.len()), (CType::Str { owned: false }, 0));
        assert_eq!(abi.free_function("IopClient").unwrap().name, "iop_client_free");
    }

    #[test]
    fn all_scalar_and_pointer_types() {
        let abi = parse(
            "",
            "
/** Doc. */
IopStatus iop_x(const uint8_t *data,
                size_t len,
                uint32_t a,
                uint64_t b,
                bool c,
                int64_t d,
                char **out_s,
                int64_t *out_n,
                IopClient **out_client);
/** Doc. */
char *iop_owned(void);
/** Doc. */
void iop_string_free(char *s);
/** Doc. */
int64_t iop_i64(void);
/** Doc. */
size_t iop_size(void);
/** Doc. */
bool iop_bool(void);
",
        );
        let f = abi.function("iop_x").unwrap();
        let types: Vec<_> = f.params.iter().map(|p| p.ty.clone()).collect();
        assert_eq!(
            types,
            [
                CType::Bytes,
                CType::Size,
                CType::U32,
                CType::U64,
                CType::Bool,
                CType::I64,
                CType::Out(Box::new(CType::Str { owned: true })),
                CType::Out(Box::new(CType::I64)),
                CType::Out(Box::new(handle("IopClient", false))),
            ]
        );
        assert_eq!(f.byte_params(), [(0, 1)]);
        assert_eq!(f.outputs().len(), 3);
        assert_eq!(abi.function("iop_owned").unwrap().ret, CType::Str { owned: true });
        assert_eq!(abi.function("iop_string_free").unwrap().params[0].ty, CType::Str { owned: true });
        assert_eq!(abi.function("iop_size").unwrap().ret, CType::Size);
    }

    #[test]
    fn doc_blocks_with_safety() {
        let abi = parse(
            "",
            "
/**
 * Creates a client. All strings are copied. On success writes
 * `*out_client`: owned, release with `iop_client_free`.
 *
 * # Safety
 * String arguments are NULL or NUL-terminated; `out_client` is writable.
 */
IopStatus iop_client_new(const char *server_url, IopClient **out_client);
",
        );
        let f = abi.function("iop_client_new").unwrap();
        assert_eq!(
            f.doc,
            "Creates a client. All strings are copied. On success writes\n\
             `*out_client`: owned, release with `iop_client_free`.\n\
             \n\
             # Safety\n\
             String arguments are NULL or NUL-terminated; `out_client` is writable."
        );
        assert_eq!(
            crate::model::doc_summary(&f.doc),
            "Creates a client. All strings are copied. On success writes\n`*out_client`: owned, release with `iop_client_free`."
        );
        assert_eq!(doc_safety(&f.doc), Some("String arguments are NULL or NUL-terminated; `out_client` is writable."));
    }

    #[test]
    fn defines() {
        let abi = parse(
            r#"
/**
 * Default retries.
 */
#define IOP_DEFAULT_MAX_CONNECT_RETRIES 2

/**
 * None.
 */
#define IOP_NONE -1

/**
 * Big.
 */
#define IOP_MAX_RESPONSE_BYTES 8388608

#define IOP_HEX 0x10

/**
 * Auth URL.
 */
#define IOP_AUTH_URL "https://auth.lazada.com/rest"

/**
 * Escapes.
 */
#define IOP_QUOTED "a \"b\" \\ c"
"#,
            "",
        );
        let value = |name: &str| abi.constant(name).unwrap().value.clone();
        assert_eq!(value("IOP_DEFAULT_MAX_CONNECT_RETRIES"), ConstValue::Int(2));
        assert_eq!(abi.constant("IOP_DEFAULT_MAX_CONNECT_RETRIES").unwrap().doc, "Default retries.");
        assert_eq!(value("IOP_NONE"), ConstValue::Int(-1));
        assert_eq!(value("IOP_MAX_RESPONSE_BYTES"), ConstValue::Int(8_388_608));
        assert_eq!(value("IOP_HEX"), ConstValue::Int(16));
        assert_eq!(abi.constant("IOP_HEX").unwrap().doc, "");
        assert_eq!(value("IOP_AUTH_URL"), ConstValue::Str("https://auth.lazada.com/rest".into()));
        assert_eq!(value("IOP_QUOTED"), ConstValue::Str(r#"a "b" \ c"#.into()));
    }

    #[test]
    fn enums() {
        let abi = parse(
            "
/**
 * Values for `protocol`.
 */
typedef enum {
  /**
   * GOP for path-style API names, TOP for dotted ones.
   * Second line.
   */
  IOP_PROTOCOL_AUTO = 0,
  /**
   * Path-style APIs.
   */
  IOP_PROTOCOL_GOP = 1,
  IOP_PROTOCOL_NEXT,
  IOP_PROTOCOL_NEG = -3
} IopProtocol;
",
            "",
        );
        let status = abi.status_enum();
        assert_eq!(status.variant("IOP_OK").unwrap().value, 0);
        assert_eq!(status.variant("IOP_ERR_INVALID_ARGUMENT").unwrap().doc, "A bad argument.");
        let e = abi.enum_("IopProtocol").unwrap();
        assert_eq!(e.doc, "Values for `protocol`.");
        let variants: Vec<_> = e.variants.iter().map(|v| (v.name.as_str(), v.value)).collect();
        assert_eq!(
            variants,
            [("IOP_PROTOCOL_AUTO", 0), ("IOP_PROTOCOL_GOP", 1), ("IOP_PROTOCOL_NEXT", 2), ("IOP_PROTOCOL_NEG", -3)]
        );
        assert_eq!(e.variants[0].doc, "GOP for path-style API names, TOP for dotted ones.\nSecond line.");
        assert_eq!(e.variants[2].doc, "");
    }

    #[test]
    fn callback_struct() {
        let abi = parse(
            "
/** A value. */
typedef struct IopTokenStoreValue IopTokenStoreValue;

/**
 * Callbacks of an application-provided store.
 */
typedef struct {
  /**
   * Passed back as the first argument of every callback.
   */
  void *user_data;
  /**
   * Loads the record of `account`.
   */
  int32_t (*load)(void *user_data, const char *account, IopTokenStoreValue *value);
  /**
   * Stores `record_json`.
   */
  int32_t (*compare_and_swap)(void *user_data,
                              const char *account,
                              uint64_t expected_version,
                              const char *record_json);
  void (*unlock)(void *user_data, const char *account);
} IopTokenStoreCallbacks;
",
            "
/** Doc. */
IopStatus iop_token_store_callback_new(const IopTokenStoreCallbacks *callbacks,
                                       IopClient **out_store);
",
        );
        let s = abi.callback_struct("IopTokenStoreCallbacks").unwrap();
        assert_eq!(s.doc, "Callbacks of an application-provided store.");
        assert_eq!(
            s.fields[0],
            Field::Data {
                name: "user_data".into(),
                ty: CType::VoidPtr,
                doc: "Passed back as the first argument of every callback.".into()
            }
        );
        let Field::Callback { name, ret, params, doc } = &s.fields[2] else { panic!("a callback") };
        assert_eq!((name.as_str(), ret, doc.as_str()), ("compare_and_swap", &CType::I32, "Stores `record_json`."));
        let types: Vec<_> = params.iter().map(|p| (p.name.as_str(), p.ty.clone())).collect();
        assert_eq!(
            types,
            [
                ("user_data", CType::VoidPtr),
                ("account", CType::Str { owned: false }),
                ("expected_version", CType::U64),
                ("record_json", CType::Str { owned: false }),
            ]
        );
        let Field::Callback { params, .. } = &s.fields[1] else { panic!("a callback") };
        assert_eq!(params[2].ty, handle("IopTokenStoreValue", false));
        let Field::Callback { ret, .. } = &s.fields[3] else { panic!("a callback") };
        assert_eq!(*ret, CType::Void);
        assert_eq!(s.fields[3].doc(), "");
        let f = abi.function("iop_token_store_callback_new").unwrap();
        assert_eq!(f.params[0].ty, CType::Struct { name: "IopTokenStoreCallbacks".into(), is_const: true });
    }

    #[test]
    fn conditional_functions() {
        let abi = parse(
            "",
            "
#if defined(IOP_REDIS_STORE)
/**
 * A Redis store.
 */
IopStatus iop_redis_new(const char *url,
                        IopClient **out_store);
#endif

/**
 * Doc before the condition.
 */
#if (defined(A) && !defined(B))
void iop_two(void);
/** Second. */
void iop_three(void);
#endif

/** Unconditional. */
void iop_plain(void);
",
        );
        let cfg = |name: &str| abi.function(name).unwrap().cfg.clone();
        assert_eq!(cfg("iop_redis_new").as_deref(), Some("defined(IOP_REDIS_STORE)"));
        assert_eq!(abi.function("iop_redis_new").unwrap().doc, "A Redis store.");
        assert_eq!(cfg("iop_two").as_deref(), Some("(defined(A) && !defined(B))"));
        assert_eq!(abi.function("iop_two").unwrap().doc, "Doc before the condition.");
        assert_eq!(cfg("iop_three").as_deref(), Some("(defined(A) && !defined(B))"));
        assert_eq!(cfg("iop_plain"), None);
    }

    #[test]
    fn callback_types_by_value() {
        let types = "\n/**\n * Receives one event.\n */\ntypedef void (*IopLogCallback)(void *user_data,\n                               int32_t level,\n                               const char *event);\n";
        let functions = "\n/** Registers it. */\nIopStatus iop_log_set_callback(IopLogCallback callback, void *user_data, int32_t max_level);\n";
        let abi = parse_header(&header(types, functions)).unwrap();
        let cb = abi.callback_type("IopLogCallback").unwrap();
        assert_eq!(cb.doc, "Receives one event.");
        assert_eq!(cb.ret, CType::Void);
        let params: Vec<(&str, &CType)> = cb.params.iter().map(|p| (p.name.as_str(), &p.ty)).collect();
        assert_eq!(
            params,
            [("user_data", &CType::VoidPtr), ("level", &CType::I32), ("event", &CType::Str { owned: false })]
        );
        let f = abi.function("iop_log_set_callback").unwrap();
        assert_eq!(f.params[0].ty, CType::Callback { name: "IopLogCallback".into() });
        assert_eq!(f.params[0].ty.c_type(), "IopLogCallback");
        let bad = header("\n/** D. */\ntypedef void (*)(void);\n", "");
        assert!(parse_header(&bad).unwrap_err().message.contains("typedef RET (*Name)(PARAMS);"));
    }

    #[test]
    fn unknown_type_is_an_error_naming_the_line() {
        let src =
            header("", "\n/** Doc. */\nIopStatus iop_x(const IopClient *client,\n                IopFoo *foo);\n");
        let err = parse_header(&src).unwrap_err();
        let line = src.lines().position(|l| l.starts_with("IopStatus iop_x(")).unwrap() + 1;
        assert_eq!(err.line, line);
        assert_eq!(err.text, "IopStatus iop_x(const IopClient *client, IopFoo *foo);");
        assert!(err.message.contains("unsupported type `IopFoo *`"), "{err}");
        assert!(err.to_string().starts_with(&format!("line {line}: ")), "{err}");
    }

    #[test]
    fn other_errors() {
        let cases: [(&str, &str, &str); 16] = [
            ("", "/** D. */\nIopStatus iop_x(const uint8_t *data, int32_t n);", "followed by its `size_t` length"),
            ("", "/** D. */\nIopStatus iop_x(const uint8_t *data);", "followed by its `size_t` length"),
            ("", "/** D. */\nIopProtocol iop_x(void);", "unsupported type `IopProtocol`"),
            ("", "/** D. */\nIopStatus iop_x(char ***s);", "unsupported type `char ***`"),
            ("", "/** D. */\nIopStatus iop_x(int a[4]);", "unexpected `[`"),
            ("", "/** D. */\nint64_t *iop_x(void);", "supported only as a function parameter"),
            ("", "/** D. */\nvoid iop_x(void (*cb)(void));", "function-pointer parameters"),
            ("", "/** D. */\nvoid iop_x();", "empty parameter list"),
            ("", "/** D. */\nvoid iop_x(void)", "unrecognised line"),
            ("", "static int x = 1;", "unrecognised line"),
            ("#else", "", "unsupported preprocessor directive"),
            ("#define IOP_X 1 << 2", "", "unsupported value"),
            ("#if defined(X)\n#define IOP_X 1\n#endif", "", "the model supports conditional functions only"),
            ("/** Orphan. */\n\n#define IOP_X 1", "", "doc comment not followed by a declaration"),
            ("", "/** D. */\nvoid iop_x(void);\n/** D. */\nvoid iop_x(void);", "already declared"),
            ("typedef struct {\n  int a[2];\n} IopS;", "", "unexpected `[`"),
        ];
        for (types, functions, message) in cases {
            let err = parse_err(types, functions);
            assert!(err.message.contains(message), "expected `{message}` for {types:?} {functions:?}, got: {err}");
            assert!(err.line > 0, "{err}");
        }
    }

    #[test]
    fn unterminated_and_missing() {
        let err = parse_header("/** never closed\n * text\n").unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (1, "unterminated comment"));
        let err = parse_header("#define IOP_VERSION_MAJOR 0\n").unwrap_err();
        assert_eq!(err.message, "missing `#define IOP_VERSION_MINOR`");
        let src = header("", "").replace("IopStatus;", "IopOther;");
        assert_eq!(parse_header(&src).unwrap_err().message, "missing the `IopStatus` enum");
        let src = header("", "").replace("#endif  /* IOP_H */", "");
        assert!(parse_header(&src).unwrap_err().message.contains("include guard"));
    }
}
