//! WebAPI versions (`app/webapiVersion`, e.g. `2.8.19`), which decide the
//! names qBittorrent expects.

/// `major.minor.patch`; a missing part counts as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct ApiVersion(pub u32, pub u32, pub u32);

impl ApiVersion {
    /// Tags (our labels) came with WebAPI 2.3.0 (qBittorrent 4.2).
    pub const TAGS: ApiVersion = ApiVersion(2, 3, 0);
    /// `torrents/export` came with WebAPI 2.8.14 (qBittorrent 4.5).
    pub const EXPORT: ApiVersion = ApiVersion(2, 8, 14);
    /// qBittorrent 5.0: `stop`/`start`, `stopped`, states `stoppedUP/DL`.
    pub const STOP_NAMES: ApiVersion = ApiVersion(2, 11, 0);

    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let mut next = |required: bool| match parts.next() {
            Some(part) => part.parse::<u32>().ok(),
            None if !required => Some(0),
            None => None,
        };
        let version = ApiVersion(next(true)?, next(false)?, next(false)?);
        (parts.next().is_none() && version.0 >= 2).then_some(version)
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        assert_eq!(ApiVersion::parse("2.8.19"), Some(ApiVersion(2, 8, 19)));
        assert_eq!(ApiVersion::parse("2.11"), Some(ApiVersion(2, 11, 0)));
        assert!(ApiVersion::parse("2.11.3").unwrap() >= ApiVersion::STOP_NAMES);
        assert!(ApiVersion::parse("2.8.19").unwrap() < ApiVersion::STOP_NAMES);
        for bad in ["", "v2.8", "<html>", "1.0", "2.8.1.4", "2..1"] {
            assert_eq!(ApiVersion::parse(bad), None, "{bad}");
        }
    }
}
