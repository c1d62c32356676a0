//! A verified push message and its type.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Timestamps below this are epoch seconds; at or above, epoch milliseconds.
const MS_THRESHOLD: i64 = 1_000_000_000_000;

/// The known `message_type` values of Lazada push messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PushType {
    /// 0: a trade order changed status.
    TradeOrder,
    /// 1: product quality control.
    ProductQc,
    /// 3: a product was created.
    ProductCreated,
    /// 4: a product was updated.
    ProductUpdated,
    /// 5: a product was deleted.
    ProductDeleted,
    /// 8: the seller's authorization expires within 48 hours.
    TokenExpiryAlert,
    /// 10: a reverse order (return, refund, cancellation).
    ReverseOrder,
    /// 12: the category tree was updated (a broadcast: no seller).
    CategoryTree,
    /// 13: the seller's status changed.
    SellerStatus,
    /// 35: a purchase order.
    PurchaseOrder,
}

impl PushType {
    /// Every known type.
    pub const ALL: [PushType; 10] = [
        PushType::TradeOrder,
        PushType::ProductQc,
        PushType::ProductCreated,
        PushType::ProductUpdated,
        PushType::ProductDeleted,
        PushType::TokenExpiryAlert,
        PushType::ReverseOrder,
        PushType::CategoryTree,
        PushType::SellerStatus,
        PushType::PurchaseOrder,
    ];

    /// The `message_type` number.
    pub fn code(self) -> i32 {
        match self {
            PushType::TradeOrder => 0,
            PushType::ProductQc => 1,
            PushType::ProductCreated => 3,
            PushType::ProductUpdated => 4,
            PushType::ProductDeleted => 5,
            PushType::TokenExpiryAlert => 8,
            PushType::ReverseOrder => 10,
            PushType::CategoryTree => 12,
            PushType::SellerStatus => 13,
            PushType::PurchaseOrder => 35,
        }
    }

    /// The type of a `message_type` number, `None` for numbers not known here.
    pub fn from_code(code: i32) -> Option<PushType> {
        PushType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// A snake-case name, e.g. `"token_expiry_alert"`.
    pub fn name(self) -> &'static str {
        match self {
            PushType::TradeOrder => "trade_order",
            PushType::ProductQc => "product_qc",
            PushType::ProductCreated => "product_created",
            PushType::ProductUpdated => "product_updated",
            PushType::ProductDeleted => "product_deleted",
            PushType::TokenExpiryAlert => "token_expiry_alert",
            PushType::ReverseOrder => "reverse_order",
            PushType::CategoryTree => "category_tree",
            PushType::SellerStatus => "seller_status",
            PushType::PurchaseOrder => "purchase_order",
        }
    }
}

/// A push message whose signature was verified. Immutable.
#[derive(Clone, Debug, PartialEq)]
pub struct PushMessage {
    message_type: i32,
    seller_id: Option<String>,
    site: Option<String>,
    timestamp_ms: Option<i64>,
    data: Value,
    body: String,
    duplicate: bool,
    auth_expires_at_ms: Option<i64>,
}

/// A seller id given as text or a number; `None` for absent, empty, JSON null or `"null"`.
fn seller_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() && s != "null" => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer given as a number or as decimal text.
fn integer(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Epoch seconds or milliseconds as milliseconds (below 10^12: seconds).
pub fn normalize_epoch_ms(t: i64) -> i64 {
    if t < MS_THRESHOLD { t.saturating_mul(1000) } else { t }
}

fn malformed(why: &str) -> Error {
    Error::push_rejected("MalformedBody", why)
}

impl PushMessage {
    /// Reads a verified body. `MalformedBody` when it is not a JSON object with an integer
    /// `message_type`.
    pub(crate) fn parse(body: &[u8], duplicate: bool) -> Result<PushMessage> {
        let text = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
        let json: Value = serde_json::from_str(text).map_err(|_| malformed("the body is not JSON"))?;
        let Value::Object(top) = json else { return Err(malformed("the body is not a JSON object")) };
        let message_type = top
            .get("message_type")
            .and_then(Value::as_i64)
            .and_then(|t| i32::try_from(t).ok())
            .ok_or_else(|| malformed("the body has no integer `message_type`"))?;
        let data = top.get("data").cloned().unwrap_or_else(|| Value::Object(Map::new()));
        let alert = message_type == PushType::TokenExpiryAlert.code();
        let seller_id = if alert {
            seller_text(data.get("seller_id")).or_else(|| seller_text(top.get("seller_id")))
        } else {
            seller_text(top.get("seller_id"))
        };
        let auth_expires_at_ms =
            if alert { integer(data.get("auth_expiry_time")).map(normalize_epoch_ms) } else { None };
        Ok(PushMessage {
            message_type,
            seller_id,
            site: top.get("site").and_then(Value::as_str).map(str::to_owned),
            timestamp_ms: integer(top.get("timestamp")).map(normalize_epoch_ms),
            data,
            body: text.to_owned(),
            duplicate,
            auth_expires_at_ms,
        })
    }

    /// The same message, marked as a re-delivery or not.
    pub(crate) fn with_duplicate(mut self, duplicate: bool) -> PushMessage {
        self.duplicate = duplicate;
        self
    }

    /// The `message_type` number, as it came.
    pub fn message_type(&self) -> i32 {
        self.message_type
    }

    /// The known type, `None` for other numbers.
    pub fn kind(&self) -> Option<PushType> {
        PushType::from_code(self.message_type)
    }

    /// The seller the message is about (for an expiry alert, `data.seller_id`); `None` for
    /// broadcasts and the literal `"null"`.
    pub fn seller_id(&self) -> Option<&str> {
        self.seller_id.as_deref()
    }

    /// `site`, e.g. `lazada_sg`, when given.
    pub fn site(&self) -> Option<&str> {
        self.site.as_deref()
    }

    /// `timestamp` as epoch milliseconds (seconds are converted), when given.
    pub fn timestamp_ms(&self) -> Option<i64> {
        self.timestamp_ms
    }

    /// The `data` object (an empty object when the body has none).
    pub fn data(&self) -> &Value {
        &self.data
    }

    /// The raw body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// True when the receiver had already seen the same body (a re-delivery).
    pub fn is_duplicate(&self) -> bool {
        self.duplicate
    }

    /// For an expiry alert (type 8): when the authorization expires, epoch ms.
    pub fn auth_expires_at_ms(&self) -> Option<i64> {
        self.auth_expires_at_ms
    }

    /// A summary as JSON: type (number and name), seller, site, timestamp, duplicate flag,
    /// the alert's expiry and the data.
    pub fn summary_json(&self) -> Value {
        serde_json::json!({
            "message_type": self.message_type,
            "type": self.kind().map_or("unknown", PushType::name),
            "seller_id": self.seller_id,
            "site": self.site,
            "timestamp_ms": self.timestamp_ms,
            "duplicate": self.duplicate,
            "auth_expires_at_ms": self.auth_expires_at_ms,
            "data": self.data,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_alert_fields() {
        let body = br#"{"seller_id":"null","message_type":8,"data":{"app_key":"115527","auth_expiry_time":1627542238,"seller_id":"1000165972"},"timestamp":1627455838,"site":"lazada_sg"}"#;
        let m = PushMessage::parse(body, false).unwrap();
        assert_eq!(m.kind(), Some(PushType::TokenExpiryAlert));
        assert_eq!(m.seller_id(), Some("1000165972"));
        assert_eq!(m.auth_expires_at_ms(), Some(1_627_542_238_000));
        assert_eq!(m.timestamp_ms(), Some(1_627_455_838_000));
        assert_eq!(m.site(), Some("lazada_sg"));
    }

    #[test]
    fn broadcast_and_ms_timestamp() {
        let m = PushMessage::parse(br#"{"message_type":12,"data":{},"timestamp":1627455838123}"#, true).unwrap();
        assert_eq!(m.seller_id(), None);
        assert_eq!(m.timestamp_ms(), Some(1_627_455_838_123));
        assert!(m.is_duplicate());
        assert_eq!(m.auth_expires_at_ms(), None);
        let m = PushMessage::parse(br#"{"message_type":99,"seller_id":123}"#, false).unwrap();
        assert_eq!((m.kind(), m.seller_id(), m.data().to_string().as_str()), (None, Some("123"), "{}"));
    }

    #[test]
    fn malformed_bodies() {
        for body in [&b"[1]"[..], b"{}", b"{\"message_type\":\"0\"}", b"{\"message_type\":1.5}", b"nope", b"\xff"] {
            let e = PushMessage::parse(body, false).unwrap_err();
            assert_eq!(e.platform_error().unwrap().code, "MalformedBody");
        }
        for t in PushType::ALL {
            assert_eq!(PushType::from_code(t.code()), Some(t));
        }
    }
}
