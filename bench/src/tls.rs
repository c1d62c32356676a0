//! TLS for the HTTPS rows: a certificate authority and a leaf certificate for 127.0.0.1 made at
//! start with rcgen, the rustls server configuration the canned server uses with them, and the
//! rustls client configuration the floor client uses. Verification stays on: clients trust the
//! generated CA (its PEM), never skip checks.

use std::io;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA made for one run and the leaf certificate it issued for `127.0.0.1` and `localhost`.
pub struct BenchPki {
    ca_pem: String,
    leaf: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl BenchPki {
    /// Makes a fresh CA and leaf (ECDSA P-256).
    pub fn generate() -> io::Result<BenchPki> {
        let ca_key = KeyPair::generate().map_err(io::Error::other)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(io::Error::other)?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "iop-bench CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).map_err(io::Error::other)?;
        let issuer = Issuer::new(ca, ca_key);

        let key = KeyPair::generate().map_err(io::Error::other)?;
        let mut leaf =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).map_err(io::Error::other)?;
        leaf.distinguished_name.push(DnType::CommonName, "127.0.0.1");
        let leaf_cert = leaf.signed_by(&key, &issuer).map_err(io::Error::other)?;
        Ok(BenchPki {
            ca_pem: ca_cert.pem(),
            leaf: leaf_cert.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        })
    }

    /// The CA certificate, PEM: what clients must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The server side: the leaf certificate and its key, TLS 1.2 and 1.3, ring.
    pub fn server_config(&self) -> io::Result<Arc<rustls::ServerConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(vec![self.leaf.clone()], PrivateKeyDer::Pkcs8(self.key.clone_key()))
            .map_err(io::Error::other)?;
        Ok(Arc::new(config))
    }
}

/// A client configuration trusting only the CA certificates in `ca_pem` (ring, default
/// protocol versions, full verification).
pub fn client_config(ca_pem: &[u8]) -> io::Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(cert.map_err(io::Error::other)?).map_err(io::Error::other)?;
    }
    if roots.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "no certificate in the CA PEM"));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
