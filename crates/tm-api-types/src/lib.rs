//! Request and response bodies of the torrent-manager REST API.
//!
//! The server and the Rust client share these types so the wire format has
//! one definition. Field names follow the original Python implementation so
//! that existing scripts keep working. With the `openapi` feature every type
//! also derives `utoipa::ToSchema`, which the server uses for `/openapi.json`.

mod activity;
mod auth;
mod categories;
mod clients;
mod error;
mod files;
mod fleet;
mod jobs;
mod placement;
mod rss;
mod rules;
mod servers;
mod targets;
mod torrent_settings;
mod torrents;
mod users;
mod webhooks;

pub use activity::*;
pub use auth::*;
pub use categories::*;
pub use clients::*;
pub use error::*;
pub use files::*;
pub use fleet::*;
pub use jobs::*;
pub use placement::*;
pub use rss::*;
pub use rules::*;
pub use servers::*;
pub use targets::*;
pub use torrent_settings::*;
pub use torrents::*;
pub use users::*;
pub use webhooks::*;

pub use time::OffsetDateTime;

/// A field of a partial update (`PUT`): absent leaves the value as it is,
/// `null` clears it, a value replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    #[default]
    Unchanged,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }

    /// Applies the patch to a nullable field.
    pub fn apply_to(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Unchanged => current,
            Patch::Clear => None,
            Patch::Set(value) => Some(value),
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some` sets the field, `None` leaves it unchanged (the Python client's convention).
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Unchanged, Patch::Set)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Patch<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only called when the key is present (absent keys take `Default`).
        Option::<T>::deserialize(deserializer).map(|value| value.map_or(Patch::Clear, Patch::Set))
    }
}

impl<T: serde::Serialize> serde::Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => serializer.serialize_some(value),
            // `Unchanged` is skipped by `skip_serializing_if`; if not, it reads as null.
            Patch::Clear | Patch::Unchanged => serializer.serialize_none(),
        }
    }
}

/// `{"message": "..."}`, the answer of actions that return nothing else.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageResponse {
    pub message: String,
}

impl MessageResponse {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default)]
    struct Update {
        #[serde(default)]
        name: Patch<String>,
    }

    #[test]
    fn patch_tells_absent_from_null_from_value() {
        let absent: Update = serde_json::from_str("{}").unwrap();
        let null: Update = serde_json::from_str(r#"{"name":null}"#).unwrap();
        let set: Update = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
        assert_eq!(absent.name, Patch::Unchanged);
        assert_eq!(null.name, Patch::Clear);
        assert_eq!(set.name, Patch::Set("x".to_string()));
        assert_eq!(Patch::Clear.apply_to(Some(1)), None);
        assert_eq!(Patch::Unchanged.apply_to(Some(1)), Some(1));
    }
}
