//! A response as the handlers build it, independent of the HTTP server.

use serde_json::Value;

/// Content type of every JSON answer, as the gateways send it.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// Status, headers and body of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers (name, value).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON answer.
    pub(crate) fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), JSON_CONTENT_TYPE.into())],
            body: value.to_string().into_bytes(),
        }
    }

    /// A 302 redirect to `location`.
    pub(crate) fn redirect(location: String) -> Reply {
        Reply {
            status: 302,
            headers: vec![("Location".into(), location), ("Content-Type".into(), "text/plain;charset=UTF-8".into())],
            body: b"Redirecting".to_vec(),
        }
    }

    /// The value of header `name` (case-insensitive).
    #[cfg(test)]
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON (`Null` if it is not JSON).
    #[cfg(test)]
    pub(crate) fn json_body(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}
