//! A small multipart/form-data parser (RFC 7578): enough for SDK uploads.

/// One part of a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename`, present for file parts.
    pub filename: Option<String>,
    /// The raw content.
    pub data: Vec<u8>,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let (_, params) = content_type.split_once(';')?;
    header_params(params)
        .into_iter()
        .find(|(k, _)| k == "boundary")
        .map(|(_, v)| v)
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

/// `key=value` pairs of a header's parameter list (`; a=1; b="x;y"`), keys lower-cased,
/// quoted values unescaped.
fn header_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(c) if *c == ';' || c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ';' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() && chars.peek().is_none() {
            return out;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next()),
                        c => value.push(c),
                    }
                }
            }
            while let Some(&c) = chars.peek() {
                if c == ';' {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..].windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// Splits `body` into parts. `Err` gives a short reason.
pub(crate) fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}").into_bytes();
    let mut next_delim = delim.clone();
    next_delim.splice(0..0, *b"\r\n");
    let mut pos = find(body, &delim, 0).ok_or("multipart boundary not found")? + delim.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        while matches!(body.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        pos += if body[pos..].starts_with(b"\r\n") {
            2
        } else if body[pos..].starts_with(b"\n") {
            1
        } else {
            return Err("malformed multipart delimiter".into());
        };
        let (headers, content_start) = if body[pos..].starts_with(b"\r\n") {
            (&body[pos..pos], pos + 2)
        } else {
            let end = find(body, b"\r\n\r\n", pos).ok_or("unterminated multipart headers")?;
            (&body[pos..end], end + 4)
        };
        let content_end = find(body, &next_delim, content_start).ok_or("unterminated multipart body")?;
        parts.push(part(headers, &body[content_start..content_end])?);
        pos = content_end + next_delim.len();
    }
}

fn part(headers: &[u8], data: &[u8]) -> Result<Part, String> {
    let headers = String::from_utf8_lossy(headers);
    let disposition = headers
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
        .map(|(_, v)| v.trim().to_string())
        .ok_or("multipart part without Content-Disposition")?;
    let (kind, params) = disposition.split_once(';').unwrap_or((&disposition, ""));
    if !kind.trim().eq_ignore_ascii_case("form-data") {
        return Err("multipart part is not form-data".into());
    }
    let params = header_params(params);
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let name = get("name").filter(|n| !n.is_empty()).ok_or("multipart part without a name")?;
    Ok(Part { name, filename: get("filename"), data: data.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_forms() {
        assert_eq!(boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(boundary("multipart/form-data; charset=utf-8; Boundary=\"a b;c\"").as_deref(), Some("a b;c"));
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(boundary("multipart/form-data; boundary="), None);
    }

    #[test]
    fn parts_with_preamble_and_empty_values() {
        let body = b"preamble\r\n--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n--b\r\ncontent-disposition: form-data; name=\"f\"; filename=\"a;\\\"b\\\".txt\"\r\n\r\nhi\r\n--b\r\nContent-Disposition: form-data; name=\"y\"\r\n\r\nline1\r\nline2\r\n--b--";
        let parts = parse(body, "b").unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], Part { name: "x".into(), filename: None, data: vec![] });
        assert_eq!(parts[1].filename.as_deref(), Some("a;\"b\".txt"));
        assert_eq!(parts[1].data, b"hi");
        assert_eq!(parts[2].data, b"line1\r\nline2");
    }

    #[test]
    fn malformed_bodies_are_errors() {
        for body in [
            &b"no boundary here"[..],
            b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunterminated",
            b"--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--",
            b"--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--",
            b"--bX",
            b"--b\r\nContent-Disposition: form-data; name=\"x\"",
        ] {
            assert!(parse(body, "b").is_err(), "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(parse(b"--b--", "b").unwrap(), vec![]);
        assert!(parse(b"--b", "b").is_err());
    }
}
