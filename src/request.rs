//! An API call to make: its name, business parameters, files, headers and HTTP method.

use std::collections::BTreeMap;
use std::fmt;

use crate::error::{Error, Result};

/// How parameters travel: POST puts them in a form body (the default), GET in the query.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HttpMethod {
    /// `application/x-www-form-urlencoded` body, or multipart when files are attached.
    #[default]
    Post,
    /// Every parameter in the query string; files are not allowed.
    Get,
}

/// A file sent as a multipart part; never signed.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The form field name.
    pub name: String,
    /// The file name announced in the part.
    pub file_name: String,
    /// The part's `Content-Type`; `application/octet-stream` when `None`.
    pub content_type: Option<String>,
    /// The file's bytes.
    pub content: Vec<u8>,
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("len", &self.content.len())
            .finish()
    }
}

/// A request to an IOP API. Parameter values are signed and sent exactly as given.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Request {
    api_name: String,
    params: BTreeMap<String, String>,
    files: Vec<FilePart>,
    headers: Vec<(String, String)>,
    method: HttpMethod,
}

impl fmt::Debug for Request {
    /// Shows parameter names only: values may be codes or tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("api_name", &self.api_name)
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .field("files", &self.files)
            .field("headers", &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("method", &self.method)
            .finish()
    }
}

impl Request {
    /// A request for `api_name`: a path (`/auth/token/create`) or a dotted method name.
    pub fn new(api_name: &str) -> Result<Request> {
        let mut request = Request::default();
        request.set_api_name(api_name)?;
        Ok(request)
    }

    /// Changes the API name (the official SDKs' `setApiName`).
    pub fn set_api_name(&mut self, api_name: &str) -> Result<()> {
        if api_name.is_empty() || api_name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid_argument(
                "api_name",
                "must be a non-empty API path or method name without spaces",
            ));
        }
        self.api_name = api_name.to_owned();
        Ok(())
    }

    /// Adds or replaces a business parameter. `sign` is reserved: the client computes it.
    pub fn add_param(&mut self, key: &str, value: &str) -> Result<()> {
        if key.is_empty() {
            return Err(Error::invalid_argument("key", "must not be empty"));
        }
        if key == "sign" {
            return Err(Error::invalid_argument("key", "`sign` is computed by the client"));
        }
        self.params.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    /// Attaches a file, sent as a multipart part (POST only; not signed). `content_type` is
    /// a MIME type such as `image/png`; `None` sends `application/octet-stream`.
    pub fn add_file(&mut self, name: &str, file_name: &str, content_type: Option<&str>, content: &[u8]) -> Result<()> {
        if name.is_empty() {
            return Err(Error::invalid_argument("name", "must not be empty"));
        }
        if let Some(ct) = content_type {
            let (kind, sub) = ct.split_once('/').unwrap_or(("", ""));
            let token = |t: &str| {
                !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b))
            };
            let params_ok = sub.split(';').skip(1).all(|p| !p.contains(['\r', '\n']));
            if !token(kind) || !token(sub.split(';').next().unwrap_or("").trim()) || !params_ok {
                return Err(Error::invalid_argument("content_type", "must be a MIME type such as image/png"));
            }
        }
        self.files.push(FilePart {
            name: name.to_owned(),
            file_name: file_name.to_owned(),
            content_type: content_type.map(str::to_owned),
            content: content.to_vec(),
        });
        Ok(())
    }

    /// Adds an HTTP header sent with the request (not signed).
    pub fn add_header(&mut self, name: &str, value: &str) -> Result<()> {
        let valid_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
        if !valid_name {
            return Err(Error::invalid_argument("name", "must be a valid HTTP header name"));
        }
        if value.chars().any(|c| c == '\r' || c == '\n') {
            return Err(Error::invalid_argument("value", "must not contain line breaks"));
        }
        self.headers.push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    /// Sets GET or POST.
    pub fn set_http_method(&mut self, method: HttpMethod) {
        self.method = method;
    }

    /// The API name.
    pub fn api_name(&self) -> &str {
        &self.api_name
    }

    /// The business parameters, in signing order.
    pub fn params(&self) -> &BTreeMap<String, String> {
        &self.params
    }

    /// The attached files.
    pub fn files(&self) -> &[FilePart] {
        &self.files
    }

    /// The extra HTTP headers.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// GET or POST.
    pub fn http_method(&self) -> HttpMethod {
        self.method
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_arguments() {
        assert!(Request::new("").is_err());
        assert!(Request::new(" /x").is_err());
        assert!(Request::new("/has space").is_err());
        let mut r = Request::new("/auth/token/create").unwrap();
        assert!(r.add_param("", "v").is_err());
        assert!(r.add_param("sign", "v").is_err());
        assert!(r.add_header("Bad Name", "v").is_err());
        assert!(r.add_header("X-Ok", "a\r\nb").is_err());
        assert!(r.add_file("f", "a.png", Some("image png"), b"x").is_err());
        assert!(r.add_file("f", "a.png", Some("image/"), b"x").is_err());
        assert!(r.add_file("f", "a.png", Some("text/plain\r\nX: y"), b"x").is_err());
        r.add_file("f", "a.png", Some("image/png"), b"x").unwrap();
        r.add_file("f", "a.txt", Some("text/plain; charset=utf-8"), b"x").unwrap();
        r.add_file("f", "a.bin", None, b"x").unwrap();
        r.add_param("code", "c1").unwrap();
        r.add_param("code", "c2").unwrap();
        assert_eq!(r.params()["code"], "c2");
    }

    #[test]
    fn debug_hides_values() {
        let mut r = Request::new("/auth/token/create").unwrap();
        r.add_param("code", "secret-code-value").unwrap();
        assert!(!format!("{r:?}").contains("secret-code-value"));
    }
}
