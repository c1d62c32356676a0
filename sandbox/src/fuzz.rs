//! An entry point for fuzzing the sandbox's request handling (`fuzz/`); not a stable API.

use std::io::BufReader;

use crate::config::Config;
use crate::http1::{self, Next};
use crate::request::Incoming;
use crate::routes;
use crate::state::State;

/// What the bytes of one connection produced.
#[derive(Debug)]
pub struct Exchange {
    /// Final replies written (interim `100 Continue` answers not counted).
    pub replies: usize,
    /// Every byte written back, interim answers included.
    pub output: Vec<u8>,
}

/// Serves `data` as the bytes a client sent on one connection, as a connection thread does
/// (read a request, answer it, go on while the connection is kept alive), against a fresh
/// sandbox with the default configuration. Handler panics are not caught: they are findings.
pub fn serve_bytes(data: &[u8]) -> Exchange {
    let state = State::new(&Config::default());
    let mut reader = BufReader::new(data);
    let mut output = Vec::new();
    let mut replies = 0;
    loop {
        let (reply, keep_alive) = match http1::read_request(&mut reader, &mut output) {
            Next::Closed => break,
            Next::Malformed => (routes::bad_request(), false),
            Next::HeadTooLarge => (routes::head_too_large(), false),
            Next::Tls => (routes::tls_on_plain_port(), false),
            Next::Request(rq) => {
                let incoming = Incoming::new(&rq.method, &rq.target, rq.content_type, rq.body).with_headers(rq.headers);
                (routes::handle(&state, &incoming), rq.keep_alive)
            }
        };
        http1::write_reply(&mut output, &reply, !keep_alive).expect("writing to memory");
        replies += 1;
        if !keep_alive {
            break;
        }
    }
    Exchange { replies, output }
}
