//! Magnet links (BEP 9, BEP 52 `btmh`) and bare info hashes.

use data_encoding::{BASE32, HEXLOWER_PERMISSIVE};
use url::Url;

use crate::torrent_file::hex;

/// Longer links are refused (real ones, even with 100 trackers, stay under 10 KB).
pub const MAX_LINK_BYTES: usize = 64 * 1024;
/// More `tr`, `ws` or `dn` values than this (each) are refused.
pub const MAX_VALUES: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Magnet {
    /// Lower-case hex, from `xt=urn:btih:`.
    pub info_hash_v1: Option<String>,
    /// Lower-case hex SHA-256 (64 digits), from `xt=urn:btmh:1220…`.
    pub info_hash_v2: Option<String>,
    pub display_names: Vec<String>,
    pub trackers: Vec<String>,
    pub web_seeds: Vec<String>,
}

impl Magnet {
    /// The hash clients key the torrent by (v1, else v2 truncated to 40 digits).
    pub fn info_hash(&self) -> &str {
        match (&self.info_hash_v1, &self.info_hash_v2) {
            (Some(v1), _) => v1,
            (None, Some(v2)) => &v2[..40],
            // `parse_magnet` rejects magnets with neither.
            (None, None) => "",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MagnetError {
    #[error("not a magnet link (expected \"magnet:?xt=urn:btih:…\")")]
    NotAMagnet,
    #[error("magnet link has no xt=urn:btih: or xt=urn:btmh: hash")]
    MissingHash,
    #[error(
        "invalid info hash {0:?}: it must be 40 hex or 32 base32 characters, got {len} characters",
        len = .0.chars().count()
    )]
    InvalidBtih(String),
    #[error("invalid btmh {0:?}: it must be \"1220\" followed by 64 hex characters (SHA-256)")]
    InvalidBtmh(String),
    #[error("magnet link too long or with too many values: {0}")]
    TooLarge(String),
}

/// Parses a magnet link, keeping every `tr`, `ws` and `dn` value.
pub fn parse_magnet(link: &str) -> Result<Magnet, MagnetError> {
    let link = link.trim();
    if link.len() > MAX_LINK_BYTES {
        return Err(MagnetError::TooLarge(format!(
            "longer than {MAX_LINK_BYTES} bytes"
        )));
    }
    if !link
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("magnet:"))
    {
        return Err(MagnetError::NotAMagnet);
    }
    let url = Url::parse(link).map_err(|_| MagnetError::NotAMagnet)?;
    let mut magnet = Magnet {
        info_hash_v1: None,
        info_hash_v2: None,
        display_names: Vec::new(),
        trackers: Vec::new(),
        web_seeds: Vec::new(),
    };
    for (key, value) in url.query_pairs() {
        // BEP 9 allows numbered keys such as `xt.1`.
        let key = key.split('.').next().unwrap_or_default();
        match key {
            "xt" => {
                if let Some(hash) = strip_prefix_ignore_case(&value, "urn:btih:") {
                    magnet.info_hash_v1 = Some(parse_info_hash(hash)?);
                } else if let Some(multihash) = strip_prefix_ignore_case(&value, "urn:btmh:") {
                    magnet.info_hash_v2 = Some(parse_btmh(multihash)?);
                }
            }
            "dn" => push_capped(&mut magnet.display_names, value.into_owned(), "dn")?,
            "tr" => push_capped(&mut magnet.trackers, value.into_owned(), "tr")?,
            "ws" => push_capped(&mut magnet.web_seeds, value.into_owned(), "ws")?,
            _ => {}
        }
    }
    if magnet.info_hash_v1.is_none() && magnet.info_hash_v2.is_none() {
        return Err(MagnetError::MissingHash);
    }
    Ok(magnet)
}

fn push_capped(values: &mut Vec<String>, value: String, key: &str) -> Result<(), MagnetError> {
    if values.len() == MAX_VALUES {
        return Err(MagnetError::TooLarge(format!(
            "more than {MAX_VALUES} {key} values"
        )));
    }
    values.push(value);
    Ok(())
}

/// Parses a v1 info hash given as 40 hex or 32 base32 characters into lower-case hex.
pub fn parse_info_hash(hash: &str) -> Result<String, MagnetError> {
    let invalid = || MagnetError::InvalidBtih(hash.to_owned());
    match hash.len() {
        40 => HEXLOWER_PERMISSIVE
            .decode(hash.as_bytes())
            .map(|bytes| hex(&bytes))
            .map_err(|_| invalid()),
        // Padding (`=`) inside 32 characters decodes to fewer than 20
        // bytes: not a SHA-1 (found by fuzzing).
        32 => BASE32
            .decode(hash.to_ascii_uppercase().as_bytes())
            .ok()
            .filter(|bytes| bytes.len() == 20)
            .map(|bytes| hex(&bytes))
            .ok_or_else(invalid),
        _ => Err(invalid()),
    }
}

fn parse_btmh(multihash: &str) -> Result<String, MagnetError> {
    let invalid = || MagnetError::InvalidBtmh(multihash.to_owned());
    let digest = strip_prefix_ignore_case(multihash, "1220").ok_or_else(invalid)?;
    if digest.len() != 64 {
        return Err(invalid());
    }
    HEXLOWER_PERMISSIVE
        .decode(digest.as_bytes())
        .map(|bytes| hex(&bytes))
        .map_err(|_| invalid())
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn parses_hex_and_base32_btih() {
        let upper = format!("magnet:?xt=urn:btih:{}&dn=A%20name", HEX.to_uppercase());
        let magnet = parse_magnet(&upper).unwrap();
        assert_eq!(magnet.info_hash(), HEX);
        assert_eq!(magnet.display_names, vec!["A name"]);

        let base32 = BASE32.encode(&HEXLOWER_PERMISSIVE.decode(HEX.as_bytes()).unwrap());
        assert_eq!(base32.len(), 32);
        let magnet = parse_magnet(&format!("magnet:?xt=urn:btih:{base32}")).unwrap();
        assert_eq!(magnet.info_hash(), HEX);
        assert_eq!(parse_info_hash(&base32.to_lowercase()).unwrap(), HEX);
    }

    #[test]
    fn keeps_every_tracker_and_both_hashes() {
        let v2 = "a".repeat(64);
        let link = format!(
            "magnet:?xt=urn:btih:{HEX}&xt=urn:btmh:1220{v2}&tr=udp%3A%2F%2Fa%3A1&tr=http%3A%2F%2Fb%2Fannounce&ws=http%3A%2F%2Fw"
        );
        let magnet = parse_magnet(&link).unwrap();
        assert_eq!(magnet.info_hash_v1.as_deref(), Some(HEX));
        assert_eq!(magnet.info_hash_v2.as_deref(), Some(v2.as_str()));
        assert_eq!(magnet.trackers, vec!["udp://a:1", "http://b/announce"]);
        assert_eq!(magnet.web_seeds, vec!["http://w"]);

        let v2_only = parse_magnet(&format!("magnet:?xt=urn:btmh:1220{v2}")).unwrap();
        assert_eq!(v2_only.info_hash(), &v2[..40]);
    }

    #[test]
    fn truncated_magnet_explains_the_expected_hash() {
        let err = parse_magnet("magnet:?xt=urn:btih:ABC123DEF456...").unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("must be 40 hex or 32 base32 characters"),
            "{message}"
        );
        assert!(message.contains("got 15 characters"), "{message}");
    }

    #[test]
    fn rejects_non_magnets_and_bad_hashes() {
        assert_eq!(parse_magnet("http://x/"), Err(MagnetError::NotAMagnet));
        assert_eq!(parse_magnet("magnet:?dn=x"), Err(MagnetError::MissingHash));
        assert!(matches!(
            parse_magnet("magnet:?xt=urn:btmh:1120abcd"),
            Err(MagnetError::InvalidBtmh(_))
        ));
        assert!(parse_info_hash(&"g".repeat(40)).is_err());
        assert!(parse_info_hash("1").is_err());
    }

    #[test]
    fn caps_length_and_value_counts() {
        let long = format!(
            "magnet:?xt=urn:btih:{HEX}&dn={}",
            "a".repeat(MAX_LINK_BYTES)
        );
        assert!(matches!(parse_magnet(&long), Err(MagnetError::TooLarge(_))));
        let many = format!(
            "magnet:?xt=urn:btih:{HEX}{}",
            "&tr=u".repeat(MAX_VALUES + 1)
        );
        assert!(matches!(parse_magnet(&many), Err(MagnetError::TooLarge(_))));
        let enough = format!("magnet:?xt=urn:btih:{HEX}{}", "&tr=u".repeat(MAX_VALUES));
        assert_eq!(parse_magnet(&enough).unwrap().trackers.len(), MAX_VALUES);
    }

    #[test]
    fn base32_with_padding_is_not_a_hash() {
        // The fuzzer's find: 19 bytes, 38 hex digits.
        assert!(parse_info_hash("magnetmagnemgna=tmagnemgutrnmagn").is_err());
        assert!(parse_magnet("magnet:?xt=urn:btih:magnetmagnemgna=tmagnemgutrnmagn").is_err());
    }
}
