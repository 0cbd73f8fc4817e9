//! Directory listings as web servers generate them: nginx `autoindex` (HTML
//! and `autoindex_format json`), Apache `mod_autoindex` (table and `<pre>`)
//! and lighttpd `mod_dirlisting`.
//!
//! The HTML is not parsed as a document: each listing is a run of rows, one
//! relative `<a href>` per entry followed by its date and size as text up to
//! the end of the row. Hrefs that leave the folder (parents, absolute paths,
//! other sites, sort links) are not entries. The scan is linear in the input;
//! the caller caps the input's size, the entry count is capped here.

use percent_encoding::percent_decode_str;

/// Most entries one listing may have.
pub const MAX_ENTRIES: usize = 20_000;

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedEntry {
    pub name: String,
    pub is_dir: bool,
    /// Bytes, rounded when the listing prints `20M`; `None` for `-`.
    pub size: Option<u64>,
    /// Unix seconds, the printed time read as UTC.
    pub modified: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    #[error("the listing has more than {MAX_ENTRIES} entries")]
    TooManyEntries,
    #[error("the listing is not valid JSON: {0}")]
    Json(String),
}

/// The entries of one listing page, in the page's order.
pub fn parse(body: &str) -> Result<Vec<ListedEntry>, ListingError> {
    if body.trim_start().starts_with('[') {
        parse_json(body)
    } else {
        parse_html(body)
    }
}

#[derive(serde::Deserialize)]
struct JsonEntry {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    mtime: Option<String>,
    #[serde(default)]
    size: Option<u64>,
}

fn parse_json(body: &str) -> Result<Vec<ListedEntry>, ListingError> {
    let rows: Vec<JsonEntry> =
        // Where it broke, not serde's text: that quotes the listing's own bytes.
        serde_json::from_str(body).map_err(|e| {
            ListingError::Json(format!("line {}, column {}", e.line(), e.column()))
        })?;
    if rows.len() > MAX_ENTRIES {
        return Err(ListingError::TooManyEntries);
    }
    Ok(rows
        .into_iter()
        .filter(|row| is_plain_name(&row.name))
        .map(|row| {
            let is_dir = row.kind == "directory";
            ListedEntry {
                name: row.name,
                is_dir,
                size: if is_dir { None } else { row.size },
                modified: row.mtime.as_deref().and_then(http_date),
            }
        })
        .collect())
}

fn parse_html(body: &str) -> Result<Vec<ListedEntry>, ListingError> {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower`
    // index `body` too.
    let lower = body.to_ascii_lowercase();
    let mut entries: Vec<ListedEntry> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut next = find_anchor(&lower, 0);
    while let Some(start) = next {
        let Some(tag_len) = lower[start..].find('>') else {
            break;
        };
        let tag_end = start + tag_len + 1;
        next = find_anchor(&lower, tag_end);
        let row_end = next.unwrap_or(body.len());
        let href = attribute(&body[start..tag_end], &lower[start..tag_end], "href");
        let Some(entry_ref) = href.as_deref().and_then(entry_href) else {
            continue;
        };
        // The text after `</a>` up to the end of the row: date and size.
        let tail = match lower[tag_end..row_end].find("</a>") {
            Some(close) => &body[tag_end + close + 4..row_end],
            None => "",
        };
        let tail = row_text(tail);
        let (modified, size) = date_and_size(&tail);
        let entry = ListedEntry {
            size: if entry_ref.1 { None } else { size },
            name: entry_ref.0,
            is_dir: entry_ref.1,
            modified,
        };
        // Some listings link the icon and the name: the later link has the row.
        match seen.get(&entry.name) {
            Some(&index) => entries[index] = entry,
            None => {
                if entries.len() == MAX_ENTRIES {
                    return Err(ListingError::TooManyEntries);
                }
                seen.insert(entry.name.clone(), entries.len());
                entries.push(entry);
            }
        }
    }
    Ok(entries)
}

fn find_anchor(lower: &str, from: usize) -> Option<usize> {
    let bytes = lower.as_bytes();
    let mut at = from;
    while let Some(found) = lower.get(at..)?.find("<a") {
        let position = at + found;
        if bytes
            .get(position + 2)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            return Some(position);
        }
        at = position + 2;
    }
    None
}

/// The value of `name="..."` (or `'...'`) in one tag, entities decoded.
fn attribute(tag: &str, lower_tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(found) = lower_tag[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let preceded = at
            .checked_sub(1)
            .and_then(|i| lower_tag.as_bytes().get(i))
            .is_some_and(|b| b.is_ascii_whitespace());
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        if !preceded {
            continue;
        }
        let quote = rest.chars().next()?;
        let value = if quote == '"' || quote == '\'' {
            let inner = &rest[1..];
            &inner[..inner.find(quote)?]
        } else {
            let end = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .unwrap_or(rest.len());
            &rest[..end]
        };
        return Some(decode_entities(value));
    }
    None
}

/// The name an href stands for and whether it is a folder, when it links to
/// an entry of this folder (a relative single segment).
fn entry_href(href: &str) -> Option<(String, bool)> {
    // nginx writes `./a:b` for names with a colon, so they are not schemes.
    let (href, explicit) = match href.strip_prefix("./") {
        Some(relative) => (relative, true),
        None => (href, false),
    };
    if href.starts_with(['?', '#', '/']) || href.contains(['?', '#']) {
        return None;
    }
    if !explicit && href.contains(':') {
        return None;
    }
    let (segment, is_dir) = match href.strip_suffix('/') {
        Some(folder) => (folder, true),
        None => (href, false),
    };
    let name = percent_decode_str(segment).decode_utf8().ok()?.into_owned();
    (is_plain_name(&name) && !segment.contains('/')).then_some((name, is_dir))
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && name.len() <= 1024
}

/// A row's markup as text: tags dropped, entities decoded, cut at the row's end.
fn row_text(tail: &str) -> String {
    let lower = tail.to_ascii_lowercase();
    let end = [lower.find("</tr"), lower.find('\n')]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(tail.len());
    let mut text = String::with_capacity(end);
    let mut in_tag = false;
    for c in tail[..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest[1..]
            .find(';')
            .filter(|&end| end <= 10)
            .map(|end| &rest[1..=end]);
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        });
        match (entity, decoded) {
            (Some(name), Some(c)) => {
                out.push(c);
                rest = &rest[name.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first date-and-time in a row's text and the size after it.
fn date_and_size(text: &str) -> (Option<i64>, Option<u64>) {
    let tokens: Vec<&str> = text.split_whitespace().take(16).collect();
    for (i, token) in tokens.iter().enumerate() {
        let Some(day) = calendar_date(token) else {
            continue;
        };
        let clock = tokens.get(i + 1).and_then(|t| clock_time(t));
        let modified = clock.map(|seconds| day * 86_400 + seconds);
        let after = i + 1 + usize::from(clock.is_some());
        let size = tokens.get(after).and_then(|t| size_value(t));
        return (modified, size);
    }
    // No date: a size alone (minimal listings).
    (None, tokens.iter().find_map(|t| size_value(t)))
}

/// Days since 1970-01-01 of `03-Dec-2026` (nginx), `2026-12-03` (Apache)
/// or `2026-Dec-03` (lighttpd).
fn calendar_date(token: &str) -> Option<i64> {
    let parts: Vec<&str> = token.split('-').collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = if a.len() == 4 {
        (
            number(a)?,
            number(b).or_else(|| month_number(b))?,
            number(c)?,
        )
    } else {
        (number(c)?, month_number(b)?, number(a)?)
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1970..=9999).contains(&year) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

fn month_number(name: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == lower)
        .map(|i| i as i64 + 1)
}

/// Seconds into the day of `06:00` or `06:00:59`.
fn clock_time(token: &str) -> Option<i64> {
    let parts: Vec<&str> = token.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut seconds = 0;
    for (part, limit) in parts.iter().zip([24, 60, 61]) {
        if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: i64 = part.parse().ok()?;
        if value >= limit {
            return None;
        }
        seconds = seconds * 60 + value;
    }
    Some(if parts.len() == 2 {
        seconds * 60
    } else {
        seconds
    })
}

/// `20971520`, `20M`, `1.5K`, `20.0MiB`; `-` and anything else is no size.
fn size_value(token: &str) -> Option<u64> {
    let split = token
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(token.len());
    let (number, unit) = token.split_at(split);
    if number.is_empty() || number.len() > 20 {
        return None;
    }
    let multiplier: u64 = match unit
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        "P" => 1 << 50,
        _ => return None,
    };
    if unit.is_empty() {
        return number.parse().ok();
    }
    let value: f64 = number.parse().ok()?;
    let bytes = value * multiplier as f64;
    (bytes.is_finite() && bytes < u64::MAX as f64).then_some(bytes as u64)
}

/// `Thu, 03 Dec 2026 06:00:00 GMT` (nginx's JSON `mtime`).
fn http_date(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, clock, ..] = parts[..] else {
        return None;
    };
    let day = calendar_date(&format!("{day}-{month}-{year}"))?;
    Some(day * 86_400 + clock_time(clock)?)
}

/// Days since the Unix epoch of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
#[path = "dir_listing_tests.rs"]
mod tests;
