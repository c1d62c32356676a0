//! The TCP layer under ureq, doing the fewest system calls a keep-alive call needs.
//!
//! ureq's own TCP transport, for each call on a pooled connection, re-arms the socket timeouts
//! (each phase's remaining time differs from the last by microseconds, so `setsockopt` runs
//! every time), checks the connection twice with three system calls each (non-blocking on, a
//! read, non-blocking off), and writes the request head and body separately. This one:
//! - sets a socket timeout only when its value in whole milliseconds changes (rounded down, so
//!   a deadline is never extended, at most reached 1 ms early);
//! - checks a pooled connection once, with one non-blocking `MSG_PEEK`, before it is reused
//!   (the check ureq makes when the connection goes back to the pool, right after the
//!   response was read, is answered by the one made before its next use);
//! - holds the bytes of a request until the client waits for the answer (or 64 KiB are
//!   pending), then writes them at once: one `write` per request, TLS records included.
//!
//! Connecting is as in ureq: each resolved address in turn, sharing the connect timeout.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use ureq::Timeout;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
};

/// Pending request bytes written at once beyond this size.
const MAX_PENDING: usize = 64 * 1024;

/// Opens plain TCP connections (the first link of the connector chain).
#[derive(Debug, Default)]
pub(crate) struct TcpConnector;

impl<In: Transport> Connector<In> for TcpConnector {
    type Out = Either<In, TcpTransport>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            // A proxy connection made earlier in the chain is used instead.
            return Ok(chained.map(Either::A));
        }
        let stream = Arc::new(connect(details)?);
        let config = details.config;
        (details.register_shutdown)(Arc::downgrade(&stream) as Weak<dyn ShutdownHandle>)?;
        Ok(Some(Either::B(TcpTransport {
            stream,
            buffers: LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size()),
            pending: Vec::new(),
            read_timeout_ms: None,
            write_timeout_ms: None,
            just_used: false,
        })))
    }
}

/// Tries each resolved address in turn; the first gets half the connect timeout, the next a
/// quarter, and so on (the whole budget for a single address).
fn connect(details: &ConnectionDetails) -> Result<TcpStream, ureq::Error> {
    let budget = details.timeout.not_zero().map(|t| *t);
    let started = Instant::now();
    let count = details.addrs.len() as i32;
    let mut last_error = None;
    for (i, addr) in details.addrs.iter().enumerate() {
        let share = if count <= 1 { 1.0 } else { 0.5f64.powi(i as i32 + 1) / (1.0 - 0.5f64.powi(count)) };
        let per_addr = budget.map(|b| b.mul_f64(share).max(Duration::from_millis(10)));
        match connect_one(*addr, per_addr, details.config.no_delay()) {
            Ok(stream) => return Ok(stream),
            Err(e) => {
                let timed_out = matches!(e, ureq::Error::Timeout(_));
                if timed_out && budget.is_some_and(|b| started.elapsed() >= b) {
                    return Err(ureq::Error::Timeout(details.timeout.reason));
                }
                let next_may_work = timed_out || matches!(&e, ureq::Error::Io(io) if address_specific(io));
                if !next_may_work {
                    return Err(e);
                }
                last_error = Some(e);
            }
        }
    }
    Err(last_error.unwrap_or_else(|| ureq::Error::Io(io::ErrorKind::ConnectionRefused.into())))
}

/// A failure that concerns only the address tried (the next one may work).
fn address_specific(e: &io::Error) -> bool {
    use io::ErrorKind as K;
    matches!(
        e.kind(),
        K::ConnectionRefused | K::HostUnreachable | K::NetworkUnreachable | K::NetworkDown | K::AddrNotAvailable
    )
}

fn connect_one(addr: SocketAddr, timeout: Option<Duration>, no_delay: bool) -> Result<TcpStream, ureq::Error> {
    let stream = match timeout {
        Some(t) => TcpStream::connect_timeout(&addr, t),
        None => TcpStream::connect(addr),
    }
    .map_err(|e| match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(Timeout::Connect),
        _ => ureq::Error::Io(e),
    })?;
    if no_delay {
        stream.set_nodelay(true)?;
    }
    Ok(stream)
}

/// One TCP connection.
#[derive(Debug)]
pub(crate) struct TcpTransport {
    /// Shared (weakly) with the agent's shutdown handle.
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    /// Request bytes not written yet.
    pending: Vec<u8>,
    /// The socket timeouts in force, in whole milliseconds (`None`: none set yet).
    read_timeout_ms: Option<u64>,
    write_timeout_ms: Option<u64>,
    /// Set by each read: the next liveness check (when the connection returns to the pool) is
    /// answered by the one before the connection's next use.
    just_used: bool,
}

/// The timeout to arm for `timeout`, in whole milliseconds (at least 1), or `None` for none.
fn whole_ms(timeout: &NextTimeout) -> Option<u64> {
    timeout.not_zero().map(|t| (t.as_millis() as u64).max(1))
}

/// Arms a socket timeout unless the same whole-millisecond value is in force.
fn arm(
    current: &mut Option<u64>,
    wanted: Option<u64>,
    set: impl FnOnce(Option<Duration>) -> io::Result<()>,
) -> io::Result<()> {
    if *current != wanted {
        set(wanted.map(Duration::from_millis))?;
        *current = wanted;
    }
    Ok(())
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

impl TcpTransport {
    /// Writes the pending request bytes within `timeout`.
    fn flush(&mut self, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let stream: &TcpStream = &self.stream;
        arm(&mut self.write_timeout_ms, whole_ms(&timeout), |t| stream.set_write_timeout(t))?;
        let result = (&*self.stream).write_all(&self.pending);
        self.pending.clear();
        match result {
            Err(e) if timed_out(&e) => Err(ureq::Error::Timeout(timeout.reason)),
            other => Ok(other?),
        }
    }
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        if timeout.after.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        self.pending.extend_from_slice(&self.buffers.output()[..amount]);
        if self.pending.len() >= MAX_PENDING {
            self.flush(timeout)?;
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        if timeout.after.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        // What was held back goes out now that the answer is awaited (within the same budget).
        self.flush(timeout)?;
        let budget = timeout.not_zero().map(|t| *t);
        let stream: &TcpStream = &self.stream;
        arm(&mut self.read_timeout_ms, whole_ms(&timeout), |t| stream.set_read_timeout(t))?;
        let started = Instant::now();
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match (&*stream).read(input) {
                // Linux does not restart a socket read with a timeout after a signal: read
                // again with what is left of the budget.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    if let Some(budget) = budget {
                        let left = budget.saturating_sub(started.elapsed());
                        if left.is_zero() {
                            return Err(ureq::Error::Timeout(timeout.reason));
                        }
                        let ms = (left.as_millis() as u64).max(1);
                        arm(&mut self.read_timeout_ms, Some(ms), |t| stream.set_read_timeout(t))?;
                    }
                }
                Err(e) if timed_out(&e) => return Err(ureq::Error::Timeout(timeout.reason)),
                other => break other?,
            }
        };
        self.buffers.input_appended(amount);
        self.just_used = amount > 0;
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        if std::mem::take(&mut self.just_used) {
            return true;
        }
        // One non-blocking peek: nothing to read (EAGAIN) means open; end of stream means the
        // server closed it; bytes nobody asked for mean it must not be reused.
        let mut byte = 0u8;
        // SAFETY: a valid socket and a 1-byte buffer; MSG_PEEK leaves the data in the socket.
        let n = unsafe {
            libc::recv(self.stream.as_raw_fd(), (&raw mut byte).cast(), 1, libc::MSG_PEEK | libc::MSG_DONTWAIT)
        };
        n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock
    }
}
