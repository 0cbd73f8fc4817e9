use std::collections::HashMap;
use std::sync::Mutex;

/// API-key use times waiting to be written. Authenticating with a key only
/// touches this map; a background task writes it out every few seconds, so a
/// burst of requests costs one database write per key.
#[derive(Default)]
pub struct KeyUsage {
    pending: Mutex<HashMap<String, i64>>,
}

impl KeyUsage {
    pub fn record(&self, key_id: &str, at: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let entry = pending.entry(key_id.to_string()).or_insert(at);
        *entry = (*entry).max(at);
    }

    /// The most recent unsaved use of `key_id`, if any.
    pub fn pending(&self, key_id: &str) -> Option<i64> {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.get(key_id).copied()
    }

    pub fn drain(&self) -> Vec<(String, i64)> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.drain().collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_latest_use_per_key() {
        let usage = super::KeyUsage::default();
        usage.record("a", 5);
        usage.record("a", 3);
        usage.record("b", 1);
        assert_eq!(usage.pending("a"), Some(5));
        let mut drained = usage.drain();
        drained.sort();
        assert_eq!(drained, vec![("a".into(), 5), ("b".into(), 1)]);
        assert!(usage.drain().is_empty());
    }
}
