//! The queue between those who notice events (pollers, rules) and the
//! webhook dispatcher. Sending never waits: a full queue drops the event,
//! counted and logged, so a slow receiver can never slow a poll.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use tokio::sync::mpsc;

use super::Event;

/// Events waiting for the dispatcher before new ones are dropped.
const QUEUE: usize = 4096;
/// Webhook requests in flight at once (a burst of events waits its turn).
const SENDING: usize = 32;

pub struct EventBus {
    sender: mpsc::Sender<Event>,
    /// Taken once, by the dispatcher.
    receiver: Mutex<Option<mpsc::Receiver<Event>>>,
    /// Users with at least one enabled webhook: only their events are
    /// derived at all.
    subscribed: RwLock<HashSet<String>>,
    dropped: AtomicU64,
    sending: tokio::sync::Semaphore,
}

impl Default for EventBus {
    fn default() -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        Self {
            sender,
            receiver: Mutex::new(Some(receiver)),
            subscribed: RwLock::new(HashSet::new()),
            dropped: AtomicU64::new(0),
            sending: tokio::sync::Semaphore::new(SENDING),
        }
    }
}

impl EventBus {
    /// Whether anyone would hear `user_id`'s events (cheap: called per poll).
    pub fn wants(&self, user_id: &str) -> bool {
        self.subscribed
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(user_id)
    }

    /// Replaces the set of users who have an enabled webhook.
    pub fn set_subscribed(&self, users: HashSet<String>) {
        *self.subscribed.write().unwrap_or_else(|e| e.into_inner()) = users;
    }

    /// Queues `event` for its user's webhooks, or drops it when nobody
    /// listens or the queue is full.
    pub fn emit(&self, event: Event) {
        if !self.wants(&event.user_id) {
            return;
        }
        match self.sender.try_send(event) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(event)) => {
                let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                // Once per power of two: a stuck dispatcher cannot flood the log.
                if dropped.is_power_of_two() {
                    tracing::warn!(
                        dropped,
                        event = event.kind.name(),
                        "webhook event queue is full; events dropped"
                    );
                }
            }
            // The dispatcher has stopped (shutdown).
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }

    /// The receiving end, once.
    pub fn take_receiver(&self) -> Option<mpsc::Receiver<Event>> {
        self.receiver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// Taken around each webhook request: bounds those in flight.
    pub fn sending(&self) -> &tokio::sync::Semaphore {
        &self.sending
    }

    /// Events dropped because the queue was full, since start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventKind;

    #[test]
    fn only_subscribed_users_events_are_queued_and_a_full_queue_drops() {
        let bus = EventBus::default();
        let mut receiver = bus.take_receiver().unwrap();
        assert!(bus.take_receiver().is_none());
        bus.emit(Event::new(EventKind::ServerUp, "u1"));
        assert!(receiver.try_recv().is_err(), "nobody listens to u1");

        bus.set_subscribed(HashSet::from(["u1".to_string()]));
        assert!(bus.wants("u1") && !bus.wants("u2"));
        for _ in 0..QUEUE + 3 {
            bus.emit(Event::new(EventKind::ServerUp, "u1"));
        }
        assert_eq!(bus.dropped(), 3);
        assert_eq!(receiver.try_recv().unwrap().kind, EventKind::ServerUp);
    }
}
