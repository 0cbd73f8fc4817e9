//! Numbers as people read them: sizes, speeds, durations, percentages, dates.

use tm_client::OffsetDateTime;

const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/// `1536` → `1.5 KiB`.
pub fn size(bytes: u64) -> String {
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Bytes per second; idle shows as `-` so busy rows stand out.
pub fn rate(bytes_per_second: u64) -> String {
    if bytes_per_second == 0 {
        "-".to_string()
    } else {
        format!("{}/s", size(bytes_per_second))
    }
}

/// `3725` → `1h 02m`; unknown shows as `-`.
pub fn duration(seconds: Option<i64>) -> String {
    let Some(seconds) = seconds.filter(|s| *s >= 0) else {
        return "-".to_string();
    };
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m {:02}s", seconds % 60),
        (0, h, m) => format!("{h}h {m:02}m"),
        (d, h, _) => format!("{d}d {h:02}h"),
    }
}

/// Progress 0–100 → `42.5%`.
pub fn percent(progress: f64) -> String {
    format!("{progress:.1}%")
}

/// `1 torrent`, `3 torrents`.
pub fn torrents(count: usize) -> String {
    match count {
        1 => "1 torrent".to_string(),
        n => format!("{n} torrents"),
    }
}

/// A UTC timestamp to the minute: `2026-03-01 14:05`.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

pub fn optional_timestamp(at: Option<OffsetDateTime>, none: &str) -> String {
    at.map_or_else(|| none.to_string(), timestamp)
}

/// `90s`, `30m`, `6h`, `2d`, `1w` as seconds; `None` when not one.
pub fn parse_seconds(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().checked_sub(1)?);
    let number: u64 = number.parse().ok()?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    Some(number.saturating_mul(unit))
}

/// `500K`, `1M`, `1.5M`, `2G` (binary units, as `size` shows them) or plain
/// bytes as bytes; `None` when not one.
pub fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let upper = text.to_ascii_uppercase();
    let digits = upper.trim_end_matches(['B', 'I']);
    let (number, unit) = match digits.char_indices().last()? {
        (at, 'K') => (&digits[..at], 1u64 << 10),
        (at, 'M') => (&digits[..at], 1 << 20),
        (at, 'G') => (&digits[..at], 1 << 30),
        _ if digits.len() == upper.len() || upper.ends_with('B') => (digits, 1),
        _ => return None,
    };
    let number: f64 = number.trim().parse().ok()?;
    (number.is_finite() && number >= 0.0).then(|| (number * unit as f64).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_read_back() {
        assert_eq!(parse_seconds("90s"), Some(90));
        assert_eq!(parse_seconds("7d"), Some(604_800));
        assert_eq!(parse_seconds("2x"), None);
        assert_eq!(parse_seconds(""), None);
        assert_eq!(parse_bytes("500K"), Some(512_000));
        assert_eq!(parse_bytes("1M"), Some(1_048_576));
        assert_eq!(parse_bytes("1.5MiB"), Some(1_572_864));
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("12B"), Some(12));
        assert_eq!(parse_bytes("fast"), None);
        assert_eq!(parse_bytes("-1K"), None);
    }

    #[test]
    fn sizes_and_rates() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GiB");
        assert_eq!(rate(0), "-");
        assert_eq!(rate(2 * 1024 * 1024), "2.0 MiB/s");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(None), "-");
        assert_eq!(duration(Some(-1)), "-");
        assert_eq!(duration(Some(42)), "42s");
        assert_eq!(duration(Some(125)), "2m 05s");
        assert_eq!(duration(Some(3725)), "1h 02m");
        assert_eq!(duration(Some(2 * 86_400 + 3 * 3600)), "2d 03h");
    }

    #[test]
    fn percent_and_dates() {
        assert_eq!(percent(42.25), "42.2%");
        assert_eq!(percent(100.0), "100.0%");
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(timestamp(at), "2023-11-14 22:13");
    }
}
