//! Single flight: of the threads that need a refresh at once, one runs it and the others wait
//! for its outcome.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;

#[derive(Default)]
struct State {
    running: bool,
    generation: u64,
    last: Option<Result<Secret>>,
}

/// One refresh at a time per manager.
#[derive(Default)]
pub(crate) struct Flight {
    state: Mutex<State>,
    done: Condvar,
}

impl Flight {
    /// Runs `work` unless another thread is running it; then waits at most `timeout` for that
    /// run and shares its outcome.
    pub(crate) fn run(&self, timeout: Duration, work: impl FnOnce() -> Result<Secret>) -> Result<Secret> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.running {
            let generation = state.generation;
            let (state, waited) = self
                .done
                .wait_timeout_while(state, timeout, |s| s.running && s.generation == generation)
                .unwrap_or_else(|p| p.into_inner());
            if waited.timed_out() {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!("waited {} ms for another thread's token refresh", timeout.as_millis()),
                ));
            }
            return state.last.clone().unwrap_or_else(|| Err(Error::new(ErrorKind::Internal, "refresh outcome lost")));
        }
        state.running = true;
        drop(state);
        // Whatever happens in `work` (even a panic), the waiters are released.
        struct Finish<'a>(&'a Flight, Option<Result<Secret>>);
        impl Drop for Finish<'_> {
            fn drop(&mut self) {
                let mut state = self.0.state.lock().unwrap_or_else(|p| p.into_inner());
                state.running = false;
                state.generation += 1;
                state.last = Some(
                    self.1.take().unwrap_or_else(|| Err(Error::new(ErrorKind::Internal, "token refresh panicked"))),
                );
                self.0.done.notify_all();
            }
        }
        let mut finish = Finish(self, None);
        let outcome = work();
        finish.1 = Some(outcome.clone());
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn concurrent_callers_share_one_run() {
        let flight = Arc::new(Flight::default());
        let runs = Arc::new(AtomicU32::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (flight, runs) = (flight.clone(), runs.clone());
                std::thread::spawn(move || {
                    flight.run(Duration::from_secs(5), || {
                        runs.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(100));
                        Ok(Secret::new("t"))
                    })
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap().unwrap().expose(), "t");
        }
        assert!(runs.load(Ordering::SeqCst) <= 2, "runs: {}", runs.load(Ordering::SeqCst));
    }
}
