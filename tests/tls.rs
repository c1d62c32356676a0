//! TLS verification against a loopback HTTPS server whose certificates are made at test time:
//! refused by default, accepted with its CA configured, refused on a host-name mismatch or a
//! certificate the CA did not issue; and the plain-HTTP rule for hosts other than loopback.

mod common;

use std::ffi::{CStr, CString};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use iop::ffi::client::{iop_client_configure, iop_client_free, iop_client_new};
use iop::ffi::config::{iop_config_free, iop_config_new, iop_config_set_ca_bundle};
use iop::ffi::last_error::iop_last_error_message;
use iop::ffi::status::IopStatus;
use iop::ffi::token::{iop_token_access_token, iop_token_create, iop_token_free};
use iop::{Client, ClientConfig, ErrorKind, Request};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const ACCESS_TOKEN: &str = "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg";
const TOKEN_BODY: &str = concat!(
    r#"{"access_token":"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg","#,
    r#""refresh_token":"50001600c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg","#,
    r#""expires_in":604800,"refresh_expires_in":2592000,"country":"sg","account_platform":"seller_center","#,
    r#""account":"tls@example.com","code":"0","request_id":"0ba2887315178178017221014"}"#
);

/// A test certificate authority.
struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).unwrap();
        Ca { pem: cert.pem(), issuer: Issuer::new(params, key) }
    }

    /// A server certificate for `names` (DNS names or IP addresses) and its key.
    fn leaf(&self, names: &[&str]) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.der().clone(), PrivatePkcs8KeyDer::from(key.serialize_der()).into())
    }
}

/// An HTTPS server on 127.0.0.1 answering every request with a token response; counts the
/// requests that got through the handshake.
struct HttpsServer {
    port: u16,
    requests: Arc<AtomicUsize>,
}

impl HttpsServer {
    fn start(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> HttpsServer {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = requests.clone();
        thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, seen) = (config.clone(), seen.clone());
                thread::spawn(move || serve(tcp, config, &seen));
            }
        });
        HttpsServer { port, requests }
    }

    fn url(&self, host: &str) -> String {
        format!("https://{host}:{}/rest", self.port)
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

fn serve(tcp: TcpStream, config: Arc<rustls::ServerConfig>, seen: &AtomicUsize) {
    tcp.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let conn = rustls::ServerConnection::new(config).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    // The whole request: head, then the Content-Length body. A refused handshake ends here.
    loop {
        match tls.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
        let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if request.len() >= end + 4 + length {
            break;
        }
    }
    seen.fetch_add(1, Ordering::SeqCst);
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{TOKEN_BODY}",
        TOKEN_BODY.len()
    );
    let _ = tls.write_all(reply.as_bytes());
    let _ = tls.flush();
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

fn config(ca_pem: Option<&str>) -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        ca_bundle_pem: ca_pem.map(|pem| pem.as_bytes().to_vec()),
        ..ClientConfig::default()
    }
}

fn create_token(url: &str, ca_pem: Option<&str>) -> iop::Result<iop::Token> {
    Client::with_config(url, "100001", "tls-test-secret", config(ca_pem)).unwrap().create_token("tls-test-code")
}

#[test]
fn self_signed_server_is_refused_by_default_and_accepted_with_its_ca() {
    let ca = Ca::new("iopkit test CA");
    let (cert, key) = ca.leaf(&["localhost", "127.0.0.1"]);
    let server = HttpsServer::start(cert, key);

    // Built-in roots only: the handshake fails and the code is never sent.
    let e = create_token(&server.url("127.0.0.1"), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.message().starts_with("TLS error") && e.message().contains("UnknownIssuer"), "{e}");
    assert_eq!(server.requests(), 0);

    // Its CA trusted: by IP address and by name.
    for host in ["127.0.0.1", "localhost"] {
        let token = create_token(&server.url(host), Some(&ca.pem)).unwrap();
        assert_eq!(token.access_token.expose(), ACCESS_TOKEN);
        assert_eq!(token.account.as_deref(), Some("tls@example.com"));
    }
    assert_eq!(server.requests(), 2);

    // Switching an existing client's settings takes effect on its next call.
    let client = Client::with_config(&server.url("127.0.0.1"), "100001", "s", config(None)).unwrap();
    let probe = Request::new("/seller/get").unwrap();
    assert_eq!(client.execute(&probe, Some("t"), None).unwrap_err().kind(), ErrorKind::Tls);
    client.configure(|c| c.ca_bundle_pem = Some(ca.pem.clone().into_bytes())).unwrap();
    assert_eq!(client.execute(&probe, Some("t"), None).unwrap().http_status(), 200);
    client.configure(|c| c.ca_bundle_pem = None).unwrap();
    assert_eq!(client.execute(&probe, Some("t"), None).unwrap_err().kind(), ErrorKind::Tls);
    assert_eq!(server.requests(), 3);
}

#[test]
fn host_name_mismatch_is_refused_even_with_the_ca() {
    let ca = Ca::new("iopkit test CA");
    let (cert, key) = ca.leaf(&["other.example"]);
    let server = HttpsServer::start(cert, key);
    for host in ["127.0.0.1", "localhost"] {
        let e = create_token(&server.url(host), Some(&ca.pem)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Tls, "{host}: {e}");
        assert!(e.message().contains("not valid for name"), "{e}");
    }
    assert_eq!(server.requests(), 0);
}

#[test]
fn certificate_from_another_ca_is_refused() {
    let (trusted, other) = (Ca::new("trusted CA"), Ca::new("other CA"));
    let (cert, key) = other.leaf(&["localhost", "127.0.0.1"]);
    let server = HttpsServer::start(cert, key);
    let e = create_token(&server.url("127.0.0.1"), Some(&trusted.pem)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.message().contains("UnknownIssuer"), "{e}");
    assert_eq!(server.requests(), 0);
    // A bundle with both CAs trusts it.
    let both = format!("{}{}", trusted.pem, other.pem);
    assert!(create_token(&server.url("127.0.0.1"), Some(&both)).is_ok());
    assert_eq!(server.requests(), 1);
}

#[test]
fn c_abi_trusts_a_ca_bundle_file() {
    let ca = Ca::new("iopkit test CA");
    let (cert, key) = ca.leaf(&["127.0.0.1"]);
    let server = HttpsServer::start(cert, key);
    let dir = std::env::temp_dir().join(format!("iopkit-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem_path = dir.join("ca.pem");
    std::fs::write(&pem_path, &ca.pem).unwrap();

    let url = CString::new(server.url("127.0.0.1")).unwrap();
    let (key_c, secret_c, code_c) = (c"100001", c"tls-test-secret", c"tls-test-code");
    let path_c = CString::new(pem_path.to_str().unwrap()).unwrap();
    unsafe {
        let mut client = ptr::null_mut();
        assert_eq!(
            iop_client_new(url.as_ptr(), key_c.as_ptr(), secret_c.as_ptr(), ptr::null(), &mut client),
            IopStatus::IOP_OK
        );
        let mut token = ptr::null_mut();
        assert_eq!(iop_token_create(client, code_c.as_ptr(), &mut token), IopStatus::IOP_ERR_TLS);
        assert!(token.is_null());
        let message = CStr::from_ptr(iop_last_error_message()).to_string_lossy();
        assert!(message.starts_with("TLS error"), "{message}");

        let mut config = ptr::null_mut();
        assert_eq!(iop_config_new(&mut config), IopStatus::IOP_OK);
        assert_eq!(iop_config_set_ca_bundle(config, path_c.as_ptr()), IopStatus::IOP_OK);
        assert_eq!(iop_client_configure(client, config), IopStatus::IOP_OK);
        assert_eq!(iop_token_create(client, code_c.as_ptr(), &mut token), IopStatus::IOP_OK);
        assert_eq!(CStr::from_ptr(iop_token_access_token(token)).to_str().unwrap(), ACCESS_TOKEN);
        iop_token_free(token);

        // NULL restores the built-in roots, which do not know the test CA.
        assert_eq!(iop_config_set_ca_bundle(config, ptr::null()), IopStatus::IOP_OK);
        assert_eq!(iop_client_configure(client, config), IopStatus::IOP_OK);
        let mut refused = ptr::null_mut();
        assert_eq!(iop_token_create(client, code_c.as_ptr(), &mut refused), IopStatus::IOP_ERR_TLS);
        iop_config_free(config);
        iop_client_free(client);
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(server.requests(), 1, "the refused handshakes sent no request");
}

#[test]
fn plain_http_to_a_remote_host_is_refused_without_the_opt_in() {
    // TEST-NET-1 and a public name: refused before any connection is attempted.
    for url in ["http://192.0.2.1/rest", "http://api.lazada.sg/rest", "http://[2001:db8::1]:8080/rest"] {
        let client = Client::with_config(url, "100001", "s", ClientConfig::default()).unwrap();
        let start = Instant::now();
        let e = client.execute(&Request::new("/seller/get").unwrap(), Some("t"), None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{url}: {e}");
        assert!(e.message().contains("`server_url`") && e.message().contains("http://"), "{e}");
        assert_eq!(client.create_token("code").unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(client.refresh_token("refresh").unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert!(start.elapsed() < Duration::from_secs(1), "no connection attempt");
    }
}

#[test]
fn plain_http_to_a_remote_host_is_sent_with_the_opt_in() {
    // The client recognises loopback by name (`localhost`) and by 127.0.0.0/8 or ::1; the
    // IPv4-mapped form of 127.0.0.1 is not among them, so it stands in for a remote host here
    // while the traffic stays on this machine.
    let url = common::raw_server(|| common::http(200, "application/json", TOKEN_BODY));
    let port = url.rsplit(':').next().unwrap().trim_end_matches("/rest");
    let remote = format!("http://[::ffff:127.0.0.1]:{port}/rest");
    let client = Client::with_config(&remote, "100001", "s", config(None)).unwrap();
    assert_eq!(client.create_token("code").unwrap_err().kind(), ErrorKind::InvalidArgument);
    client.configure(|c| c.allow_insecure_http = true).unwrap();
    assert_eq!(client.create_token("code").unwrap().access_token.expose(), ACCESS_TOKEN);
    client.configure(|c| c.allow_insecure_http = false).unwrap();
    assert_eq!(client.create_token("code").unwrap_err().kind(), ErrorKind::InvalidArgument);
    // Loopback needs no opt-in.
    let local = Client::with_config(&url, "100001", "s", config(None)).unwrap();
    assert!(local.create_token("code").is_ok());
}
