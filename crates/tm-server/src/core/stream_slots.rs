//! Open live-update streams per user, bounded: each holds a connection, a
//! subscription to the fleet's events and a task, so one user cannot open
//! them without limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{Core, Error, Result, User};

#[derive(Default)]
pub struct StreamSlots {
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open stream; the slot is given back when this is dropped.
pub struct StreamSlot {
    open: Arc<Mutex<HashMap<String, usize>>>,
    user_id: String,
}

impl StreamSlots {
    /// Streams open now, of every user.
    pub fn open_total(&self) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .sum()
    }

    fn take(&self, user_id: &str, max: usize) -> Option<StreamSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(user_id.to_owned()).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            open: Arc::clone(&self.open),
            user_id: user_id.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.user_id);
            }
        }
    }
}

impl Core {
    /// A slot for one more live-update stream of `user`, or 429.
    pub fn open_stream(&self, user: &User) -> Result<StreamSlot> {
        let max = self.config().max_streams_per_user;
        self.inner.streams.take(&user.id, max).ok_or_else(|| {
            Error::TooManyStreams(format!(
                "at most {max} live-update streams may be open at once per user"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_per_user_and_given_back() {
        let slots = StreamSlots::default();
        let first = slots.take("alice", 2).unwrap();
        let _second = slots.take("alice", 2).unwrap();
        assert!(slots.take("alice", 2).is_none());
        assert!(slots.take("bob", 2).is_some(), "others are not affected");
        assert_eq!(slots.open_total(), 2, "bob's slot was given back");
        drop(first);
        assert_eq!(slots.open_total(), 1);
        assert!(slots.take("alice", 2).is_some());
    }
}
