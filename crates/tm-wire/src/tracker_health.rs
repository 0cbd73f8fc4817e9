//! What a tracker's message says about a torrent: [`classify`] turns the
//! text a client reports (rTorrent's `d.message`, Transmission's
//! `errorString`, Deluge's `tracker_status`, a qBittorrent tracker's `msg`)
//! into [`TrackerHealth::Unregistered`], [`TrackerHealth::TrackerDown`] or
//! [`TrackerHealth::Error`].
//!
//! "Unregistered" is what a removal rule acts on, so it is matched
//! conservatively: only phrases trackers send when they no longer know the
//! torrent (the lists of qui and qbit_manage, narrowed where a phrase also
//! fits other problems), never when the message is about the user, the
//! passkey or the client, and never when the tracker also looks down. Anything
//! unsure is `Error`, which no recipe deletes on.

pub use tm_api_types::TrackerHealth;

/// Messages about the user, the passkey or the client: the tracker knows
/// the torrent but refuses us, whatever else the text says.
const NOT_ABOUT_THE_TORRENT: &[&str] = &[
    "passkey",
    "authkey",
    "auth key",
    "user",
    "account",
    "client limit",
    "client is banned",
    "banned client",
    "client not allowed",
    "client is not allowed",
    "missing info_hash",
];

/// The tracker could not be reached or failed on its side. Checked before
/// the unregistered phrases: during an outage nothing is unregistered.
const DOWN: &[&str] = &[
    "timed out",
    "timeout",
    "connection refused",
    "refused",
    "could not connect",
    "couldn't connect",
    "cannot connect",
    "can't connect",
    "unable to connect",
    "failed to connect",
    "connection failed",
    "connection reset",
    "no route to host",
    "unreachable",
    "host not found",
    "name resolution",
    "could not resolve",
    "couldn't resolve",
    "unresolvable",
    "name or service not known",
    "did not respond",
    "not responding",
    "no response",
    "empty reply from server",
    "service unavailable",
    "temporarily unavailable",
    "tracker unavailable",
    "bad gateway",
    "internal server error",
    "tracker is down",
    "down for maintenance",
    "maintenance",
    "offline",
    "ssl error",
    "ssl connect error",
];

/// The tracker no longer knows the torrent (in several languages).
const UNREGISTERED: &[&str] = &[
    "unregistered",
    "not registered",
    "torrent not found",
    "torrent is not found",
    "infohash not found",
    "info hash not found",
    "info_hash not found",
    "unknown torrent",
    "torrent does not exist",
    "torrent doesn't exist",
    "torrent not exist",
    "torrent has been deleted",
    "torrent deleted",
    "torrent has been nuked",
    "torrent banned",
    "trumped",
    "retitled",
    "dupe",
    "complete season uploaded",
    "pack is available",
    "packs are available",
    "specifically banned",
    // "Torrent is not authorized for use on this tracker"; opentracker's
    // whitelist: "Requested download is not authorized for use with this tracker."
    "not authorized for use",
    // German
    "tracker nicht registriert",
    "torrent nicht registriert",
    "torrent existiert nicht",
    "torrent nicht gefunden",
    // French
    "torrent introuvable",
    "torrent non enregistré",
    "torrent non trouvé",
    // Spanish
    "torrent no registrado",
    "torrent no encontrado",
    // Portuguese
    "torrent não registrado",
    "torrent não encontrado",
    // Hungarian
    "torrent nem található",
    // Russian
    "торрент не зарегистрирован",
    "торрент не найден",
];

/// Words after which a number 500–599 is an HTTP status ("HTTP response
/// code 503", "returned error: 502", "status 504").
const STATUS_WORDS: &[&str] = &["code", "error", "http", "status", "response", "returned"];

/// Unregistered, tracker down, or another error, from a tracker's message.
pub fn classify(message: &str) -> TrackerHealth {
    let text = normalise(message);
    if has_any(&text, NOT_ABOUT_THE_TORRENT) {
        TrackerHealth::Error
    } else if has_any(&text, DOWN) || has_word(&text, "down") || has_server_error(&text) {
        TrackerHealth::TrackerDown
    } else if has_any(&text, UNREGISTERED) {
        TrackerHealth::Unregistered
    } else {
        TrackerHealth::Error
    }
}

/// `tracker_status` and `tracker_message` of a torrent whose tracker sent
/// `message` (blank: no message, so nothing is known from it).
pub fn from_message(message: &str) -> (Option<TrackerHealth>, Option<String>) {
    let message = message.trim();
    if message.is_empty() {
        return (None, None);
    }
    (Some(classify(message)), Some(message.to_owned()))
}

/// One qBittorrent tracker's health from its `status` and `msg`
/// (`torrents/trackers`, `torrents/info?includeTrackers`): 0 disabled (none),
/// 1 not contacted, 2 working, 3 updating, 4 not working, and from 5.x
/// (WebAPI 2.13) 5 tracker error and 6 unreachable. 4 and 5 are what the
/// message says (5.x reports unregistered torrents as 5, not 4).
pub fn from_qbittorrent(status: i64, message: &str) -> Option<TrackerHealth> {
    match status {
        1 => Some(TrackerHealth::NotContacted),
        2 => Some(TrackerHealth::Working),
        3 => Some(TrackerHealth::Updating),
        4 | 5 if message.trim().is_empty() => Some(TrackerHealth::Error),
        4 | 5 => Some(classify(message)),
        6 => Some(TrackerHealth::TrackerDown),
        _ => None,
    }
}

/// Lower case, URLs dropped (a torrent name in a link must not match),
/// typographic apostrophes straightened, runs of white space made one.
fn normalise(message: &str) -> String {
    message
        .split_whitespace()
        .filter(|word| !word.contains("://"))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('’', "'")
}

fn has_any(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|phrase| has_word(text, phrase))
}

/// `phrase` in `text`, not inside a longer word ("down" is not in "download").
fn has_word(text: &str, phrase: &str) -> bool {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(phrase).any(|(start, _)| {
        !is_word(text[..start].chars().next_back())
            && !is_word(text[start + phrase.len()..].chars().next())
    })
}

/// An HTTP 5xx status named as such.
fn has_server_error(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).any(|pair| {
        STATUS_WORDS.contains(&pair[0])
            && pair[1].len() == 3
            && pair[1]
                .parse::<u16>()
                .is_ok_and(|code| (500..600).contains(&code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unregistered_messages_trackers_send() {
        for message in [
            "Unregistered torrent",
            "unregistered torrent",
            "UNREGISTERED TORRENT",
            "Torrent not registered with this tracker",
            "torrent not registered with this tracker.",
            "Torrent not found",
            "Torrent is not found",
            "InfoHash not found.",
            "Info hash not found",
            "info_hash not found in the database",
            "Unknown torrent",
            "Torrent does not exist",
            "Torrent doesn’t exist",
            "Torrent has been deleted.",
            "torrent deleted",
            "Torrent banned",
            "Trumped: https://example.org/torrents/123",
            "Dupe: https://example.org/torrents/5",
            "Complete Season Uploaded: https://example.org/t/9",
            "Retitled",
            "Specifically Banned",
            "Season pack is available",
            "Torrent is not authorized for use on this tracker",
            "Requested download is not authorized for use with this tracker.",
            "Failure reason \"Unregistered torrent\"",
            "Tracker nicht registriert.",
            "Torrent existiert nicht",
            "Torrent nicht gefunden",
            "Torrent introuvable",
            "Torrent non enregistré",
            "Torrent no registrado",
            "Torrent não registrado",
            "A torrent nem található",
            "Торрент не зарегистрирован",
            "Торрент не найден",
        ] {
            assert_eq!(classify(message), TrackerHealth::Unregistered, "{message}");
        }
    }

    #[test]
    fn down_messages_clients_and_trackers_send() {
        for message in [
            // Transmission
            "Could not connect to tracker",
            "Tracker did not respond",
            "Tracker gave HTTP response code 0 (No Response)",
            "Tracker gave HTTP response code 503 (Service Unavailable)",
            "Tracker gave HTTP response code 502 (Bad Gateway)",
            "Tracker gave HTTP response code 504 (Gateway Timeout)",
            "Tracker gave HTTP response code 500 (Internal Server Error)",
            "Tracker gave HTTP response code 522",
            "Connection failed",
            // rTorrent (libcurl)
            "Couldn't connect to server",
            "Could not connect to server",
            "Timeout was reached",
            "Couldn't resolve host name",
            "Connection timed out after 30001 milliseconds",
            "Empty reply from server",
            "The requested URL returned error: 502",
            // qBittorrent and Deluge (libtorrent)
            "Connection refused",
            "timed out",
            "Host not found (authoritative)",
            "Temporary failure in name resolution",
            "No route to host",
            "Network is unreachable",
            "Service Unavailable",
            "SSL error",
            // trackers
            "Tracker is down",
            "Site is down for maintenance",
            "Tracker unavailable, please try again later",
            "It may be down, try again later",
            // Outage wins over unregistered: nothing to delete during one.
            "Torrent not found (tracker unreachable)",
        ] {
            assert_eq!(classify(message), TrackerHealth::TrackerDown, "{message}");
        }
    }

    #[test]
    fn other_messages_are_errors() {
        for message in [
            "Invalid passkey",
            "Passkey not registered",
            "Unregistered passkey",
            "User not registered",
            "Your account is disabled",
            "You have reached the client limit for this torrent",
            "Your client is banned",
            "Missing info_hash",
            "Stream truncated",
            "Tracker gave HTTP response code 404 (Not Found)",
            "Tracker gave HTTP response code 403 (Forbidden)",
            "Unauthorized",
            "Your ratio is too low",
            "You are seeding 502 torrents",
            "Downloaded too much",
            "Duplicate peer",
            "Undownloadable",
            // A name inside a link is not the message.
            "Rejected: see https://example.org/unregistered-torrent-not-found",
            "Some tracker message",
        ] {
            assert_eq!(classify(message), TrackerHealth::Error, "{message}");
        }
    }

    #[test]
    fn qbittorrent_tracker_statuses() {
        use TrackerHealth::*;
        for (status, message, health) in [
            (0, "", None),
            (1, "", Some(NotContacted)),
            (2, "", Some(Working)),
            (3, "", Some(Updating)),
            (4, "", Some(Error)),
            (4, "Connection refused", Some(TrackerDown)),
            (4, "Unregistered torrent", Some(Unregistered)),
            (
                5,
                "Torrent not registered with this tracker",
                Some(Unregistered),
            ),
            (5, "Invalid passkey", Some(Error)),
            (6, "Host not found (authoritative)", Some(TrackerDown)),
            (6, "", Some(TrackerDown)),
        ] {
            assert_eq!(
                from_qbittorrent(status, message),
                health,
                "{status} {message}"
            );
        }
    }

    #[test]
    fn blank_messages_say_nothing() {
        assert_eq!(from_message(""), (None, None));
        assert_eq!(from_message("  "), (None, None));
        assert_eq!(
            from_message(" Unregistered torrent "),
            (
                Some(TrackerHealth::Unregistered),
                Some("Unregistered torrent".to_owned())
            )
        );
    }

    #[test]
    fn serialises_in_snake_case() {
        for health in TrackerHealth::ALL {
            assert_eq!(
                serde_json::to_value(health).unwrap(),
                serde_json::Value::from(health.as_str())
            );
        }
        assert_eq!(
            serde_json::to_value(TrackerHealth::NotContacted).unwrap(),
            "not_contacted"
        );
    }
}
