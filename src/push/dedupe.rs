//! A bounded, thread-safe memory of recently seen push bodies (SHA-256 digests), so that the
//! platform's re-deliveries are recognised.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The digest of a body.
type Digest32 = [u8; 32];

/// The last `capacity` distinct digests, oldest evicted first (a ring).
#[derive(Debug)]
pub(crate) struct Dedupe {
    capacity: usize,
    seen: Mutex<(HashSet<Digest32>, VecDeque<Digest32>)>,
}

impl Dedupe {
    /// A memory of at most `capacity` bodies (0: remembers nothing).
    pub(crate) fn new(capacity: usize) -> Dedupe {
        Dedupe { capacity, seen: Mutex::new((HashSet::new(), VecDeque::new())) }
    }

    /// Records `body`; true when it was already remembered.
    pub(crate) fn seen_before(&self, body: &[u8]) -> bool {
        if self.capacity == 0 {
            return false;
        }
        let digest: Digest32 = Sha256::digest(body).into();
        // A panic never leaves the pair half-updated in a way that matters: poisoning is ignored.
        let mut guard = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *guard;
        if set.contains(&digest) {
            return true;
        }
        if order.len() >= self.capacity
            && let Some(oldest) = order.pop_front()
        {
            set.remove(&oldest);
        }
        set.insert(digest);
        order.push_back(digest);
        false
    }

    /// How many digests are remembered now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).1.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_ring() {
        let d = Dedupe::new(2);
        assert!(!d.seen_before(b"a"));
        assert!(d.seen_before(b"a"));
        assert!(!d.seen_before(b"b"));
        assert!(!d.seen_before(b"c"));
        assert_eq!(d.len(), 2);
        assert!(!d.seen_before(b"a"), "a was evicted by c");
        let none = Dedupe::new(0);
        assert!(!none.seen_before(b"a") && !none.seen_before(b"a"));
    }
}
