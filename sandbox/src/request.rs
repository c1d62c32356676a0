//! A received request, independent of the HTTP server, and its parameters: the query string
//! merged with a form-urlencoded or multipart/form-data body.

use std::collections::BTreeMap;

use crate::multipart;

/// Largest request body accepted; larger ones get HTTP 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Why a body could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Over [`MAX_BODY_BYTES`].
    TooLarge,
    /// The connection failed while reading it.
    Unreadable,
}

/// A request as the handlers see it.
#[derive(Clone, Debug)]
pub(crate) struct Incoming {
    /// Upper-case method, e.g. `GET`.
    pub method: String,
    /// Path without the query, e.g. `/rest/auth/token/create`.
    pub path: String,
    /// Raw query string (after `?`), possibly empty.
    pub query: String,
    /// `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Every header (name, value), in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body, or why it was not read.
    pub body: Result<Vec<u8>, BodyError>,
}

impl Incoming {
    /// Splits a request target (`/path?query`) into path and query.
    pub(crate) fn new(
        method: &str,
        target: &str,
        content_type: Option<String>,
        body: Result<Vec<u8>, BodyError>,
    ) -> Incoming {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Incoming {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query: query.to_string(),
            content_type,
            headers: Vec::new(),
            body,
        }
    }

    /// The same request carrying `headers`.
    pub(crate) fn with_headers(mut self, headers: Vec<(String, String)>) -> Incoming {
        self.headers = headers;
        self
    }

    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A file part of a multipart body: collected, never signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FilePart {
    /// Form field name.
    pub name: String,
    /// Client-side file name.
    pub filename: String,
    /// Content bytes.
    pub data: Vec<u8>,
}

/// The merged parameters of a request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Params {
    /// Text parameters, by name; the first occurrence of a repeated name wins.
    pub values: BTreeMap<String, String>,
    /// File parts (multipart only).
    pub files: Vec<FilePart>,
}

impl Params {
    /// The value of `name`, if present.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of `name` if present and non-empty.
    pub(crate) fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    fn add(&mut self, name: String, value: String) {
        self.values.entry(name).or_insert(value);
    }

    fn add_form(&mut self, bytes: &[u8]) {
        // Lossy: bad percent-escapes stay literal and invalid UTF-8 becomes U+FFFD, so such a
        // request fails its signature check instead of crashing anything.
        for (k, v) in form_urlencoded::parse(bytes) {
            self.add(k.into_owned(), v.into_owned());
        }
    }
}

/// The request's parameters: query first, then the body. `Err` carries a short reason for a
/// body that cannot be parsed (it never names parameter values).
pub(crate) fn params(rq: &Incoming, body: &[u8]) -> Result<Params, String> {
    let mut p = Params::default();
    p.add_form(rq.query.as_bytes());
    if body.is_empty() {
        return Ok(p);
    }
    let content_type = rq.content_type.as_deref().unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match mime.as_str() {
        "multipart/form-data" => {
            let boundary = multipart::boundary(content_type).ok_or("multipart body without a boundary")?;
            for part in multipart::parse(body, &boundary)? {
                match part.filename {
                    Some(filename) => p.files.push(FilePart { name: part.name, filename, data: part.data }),
                    None => p.add(part.name, String::from_utf8_lossy(&part.data).into_owned()),
                }
            }
        }
        // Form bodies; SDKs that omit the header still send form data.
        _ => p.add_form(body),
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rq(target: &str, ct: Option<&str>) -> Incoming {
        Incoming::new("post", target, ct.map(str::to_string), Ok(Vec::new()))
    }

    #[test]
    fn merges_query_and_form_body() {
        let r = rq("/rest/x?a=1&b=%20x+y", Some("application/x-www-form-urlencoded; charset=UTF-8"));
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/rest/x");
        let p = params(&r, b"c=3&a=9&e=").unwrap();
        assert_eq!(p.get("a"), Some("1"), "first occurrence wins");
        assert_eq!(p.get("b"), Some(" x y"));
        assert_eq!(p.get("c"), Some("3"));
        assert_eq!(p.get("e"), Some(""));
        assert_eq!(p.non_empty("e"), None);
    }

    #[test]
    fn malformed_form_is_lossy_not_fatal() {
        let p = params(&rq("/x?a=%zz&b=%FF", None), b"c=\xff\xfe").unwrap();
        assert_eq!(p.get("a"), Some("%zz"));
        assert_eq!(p.get("b"), Some("\u{fffd}"));
        assert_eq!(p.get("c"), Some("\u{fffd}\u{fffd}"));
    }

    #[test]
    fn multipart_files_are_separate() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\r\n--XX--\r\n";
        let p = params(&rq("/x", Some("multipart/form-data; boundary=XX")), body).unwrap();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("f"), None);
        assert_eq!(p.files, vec![FilePart { name: "f".into(), filename: "x.bin".into(), data: vec![0, 1] }]);
        assert!(params(&rq("/x", Some("multipart/form-data")), body).is_err());
    }
}
