//! Where new tokens come from: an IOP refresh, or the EnOS token service.

use std::sync::Arc;

use super::record::TokenRecord;
use crate::client::{Client, now_ms};
use crate::enos::{EnosClient, EnosStatus};
use crate::error::{Error, ErrorKind, Result};

/// What a renewal gave: the next record, or the reason the seller must authorize again.
pub(crate) enum Renewal {
    /// The next record (version already incremented).
    Renewed(TokenRecord),
    /// The grant is dead: why.
    Dead(String),
}

/// Renews a record's tokens.
pub(crate) trait TokenSource: Send + Sync {
    /// The next record after `current`, `Dead` when only a new authorization can help, or an
    /// error that leaves `current` as it is.
    fn renew(&self, current: &TokenRecord) -> Result<Renewal>;
}

/// IOP (Lazada, AliExpress, TW): `/auth/token/refresh` with the stored refresh token.
pub(crate) struct IopSource(pub Arc<Client>);

/// Platform codes that mean the refresh token can never work again.
const DEAD_REFRESH_CODES: [&str; 3] = ["IllegalRefreshToken", "AUTH_TYPE_UNSUPPORTED", "InvalidRefreshToken"];

impl TokenSource for IopSource {
    fn renew(&self, current: &TokenRecord) -> Result<Renewal> {
        if !current.can_refresh || current.refresh_token.is_empty() {
            return Ok(Renewal::Dead("the grant cannot be refreshed (refresh_expires_in was 0)".into()));
        }
        if current.refresh_expires_at_ms.is_some_and(|at| at <= now_ms()) {
            return Ok(Renewal::Dead("the refresh token has expired".into()));
        }
        match self.0.refresh_token(current.refresh_token.expose()) {
            Ok(token) => Ok(Renewal::Renewed(current.renewed(&token))),
            Err(e) if e.platform_error().is_some_and(|p| DEAD_REFRESH_CODES.contains(&p.code.as_str())) => {
                Ok(Renewal::Dead(format!("the platform refused the refresh token ({})", e.message())))
            }
            Err(e) => Err(e),
        }
    }
}

/// EnOS: refresh while the token is valid, get a new one once it has expired.
pub(crate) struct EnosSource(pub Arc<EnosClient>);

impl TokenSource for EnosSource {
    fn renew(&self, current: &TokenRecord) -> Result<Renewal> {
        let now = now_ms();
        let token = if current.expires_at_ms > now {
            match self.0.refresh_token(current.access_token.expose()) {
                Err(e)
                    if e.kind() == ErrorKind::TokenExpired || EnosStatus::of(&e) == Some(EnosStatus::RefreshFailed) =>
                {
                    self.0.get_token()
                }
                other => other,
            }
        } else {
            self.0.get_token()
        }?;
        let mut next = TokenRecord::from_enos(&token, current.granted_at_ms);
        next.version = current.version + 1;
        Ok(Renewal::Renewed(next))
    }
}

/// The error for a grant that only a new authorization can fix.
pub(crate) fn reauthorization_required(account: &str, reason: &str) -> Error {
    Error::new(ErrorKind::ReauthorizationRequired, format!("account `{account}` must be authorized again: {reason}"))
}
