//! A feed's answer as items: feed-rs reads RSS 2.0 and Atom (and RSS 1.0,
//! JSON Feed); each entry gives what to add, picked like the original did:
//! the enclosure, then links typed as BitTorrent, then the link, then the
//! guid.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::magnet::parse_info_hash;

/// Largest feed read (a fetch stops there too).
pub const MAX_FEED_BYTES: usize = 4 * 1024 * 1024;
/// Deepest element nesting accepted; real feeds use under ten levels.
pub const MAX_DEPTH: usize = 64;
/// Longest title kept.
const MAX_TITLE_CHARS: usize = 500;
/// Longest guid, link or URI kept.
const MAX_URI_LEN: usize = 4096;

/// One entry of the feed as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// The entry's guid (Atom id), else its link: it identifies the item
    /// from one fetch to the next.
    pub guid: String,
    pub title: String,
    pub link: Option<String>,
    /// What to add; `None` when the entry has nothing addable.
    pub uri: Option<String>,
    pub size: Option<u64>,
    /// Unix milliseconds.
    pub published_at: Option<i64>,
}

/// Where a candidate URI comes from, most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An enclosure, or a link typed `application/x-bittorrent` or
    /// `rel="enclosure"`: the feed says this is the payload.
    Attachment,
    /// The entry's link: often the download URL, sometimes a web page.
    Link,
    /// The guid: a download only when it plainly is one.
    Guid,
}

/// Reads the feed; the error says why it is not one.
pub fn parse_feed(bytes: &[u8]) -> Result<Vec<FeedEntry>, String> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(format!("the feed is over {} MiB", MAX_FEED_BYTES >> 20));
    }
    check_depth(bytes)?;
    let feed =
        feed_rs::parser::parse(bytes).map_err(|e| format!("not an RSS or Atom feed ({e})"))?;
    Ok(feed.entries.into_iter().filter_map(entry_of).collect())
}

/// Refuses XML nested deeper than `MAX_DEPTH` before feed-rs builds
/// anything from it. JSON Feeds are left to serde_json's own limit (128).
fn check_depth(bytes: &[u8]) -> Result<(), String> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return Ok(());
    }
    let mut reader = Reader::from_reader(bytes);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("the feed nests elements over {MAX_DEPTH} deep"));
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            // Whether it is a feed at all is feed-rs's to say.
            Err(_) => return Ok(()),
        }
    }
}

fn entry_of(entry: feed_rs::model::Entry) -> Option<FeedEntry> {
    let mut candidates: Vec<(Source, String, Option<u64>)> = Vec::new();
    for media in &entry.media {
        for content in &media.content {
            if let Some(url) = &content.url {
                candidates.push((Source::Attachment, url.to_string(), content.size));
            }
        }
    }
    let is_torrent_type =
        |t: &Option<String>| t.as_deref().is_some_and(|t| t.contains("bittorrent"));
    for link in &entry.links {
        if is_torrent_type(&link.media_type) || link.rel.as_deref() == Some("enclosure") {
            candidates.push((Source::Attachment, link.href.clone(), link.length));
        }
    }
    let link = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(entry.links.first())
        .map(|l| l.href.trim().to_string())
        .filter(|l| !l.is_empty() && l.len() <= MAX_URI_LEN);
    if let Some(link) = &link {
        candidates.push((Source::Link, link.clone(), None));
    }
    let id = entry.id.trim().to_string();
    if !id.is_empty() {
        candidates.push((Source::Guid, id.clone(), None));
    }
    let picked = pick_uri(
        &candidates
            .iter()
            .map(|(source, href, _)| (*source, href.as_str()))
            .collect::<Vec<_>>(),
    );
    let size = picked.and_then(|i| candidates[i].2).or_else(|| {
        candidates
            .iter()
            .find_map(|(source, _, size)| (*source == Source::Attachment).then_some(*size)?)
    });
    let guid = Some(id)
        .filter(|id| !id.is_empty() && id.len() <= MAX_URI_LEN)
        .or_else(|| link.clone())?;
    let title: String = entry
        .title
        .map(|t| t.content.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
        .chars()
        .take(MAX_TITLE_CHARS)
        .collect();
    Some(FeedEntry {
        guid,
        title,
        link,
        uri: picked.map(|i| candidates[i].1.trim().to_string()),
        size,
        published_at: entry
            .published
            .or(entry.updated)
            .map(|at| at.timestamp_millis()),
    })
}

/// The index of the first candidate that can be added: an attachment or
/// the link that is a magnet, an http(s) URL or an info hash; a guid only
/// as a magnet, an info hash or an http(s) URL of a `.torrent`.
pub fn pick_uri(candidates: &[(Source, &str)]) -> Option<usize> {
    let order = [Source::Attachment, Source::Link, Source::Guid];
    order.into_iter().find_map(|wanted| {
        candidates
            .iter()
            .position(|(source, href)| *source == wanted && addable(wanted, href.trim()))
    })
}

fn addable(source: Source, href: &str) -> bool {
    if href.is_empty() || href.len() > MAX_URI_LEN {
        return false;
    }
    let lower = href.to_ascii_lowercase();
    if lower.starts_with("magnet:") || parse_info_hash(href).is_ok() {
        return true;
    }
    let http = lower.starts_with("http://") || lower.starts_with("https://");
    match source {
        Source::Attachment | Source::Link => http,
        Source::Guid => {
            http && url::Url::parse(href)
                .is_ok_and(|u| u.path().to_ascii_lowercase().ends_with(".torrent"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";

    #[test]
    fn deep_nesting_and_oversized_feeds_are_refused() {
        let deep = format!(
            "<rss><channel>{}{}</channel></rss>",
            "<x>".repeat(MAX_DEPTH),
            "</x>".repeat(MAX_DEPTH)
        );
        assert!(parse_feed(deep.as_bytes()).unwrap_err().contains("deep"));
        let shallow = "<rss version=\"2.0\"><channel><title>t</title><item><title>a</title>\
            <link>magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a</link></item></channel></rss>";
        assert_eq!(parse_feed(shallow.as_bytes()).unwrap().len(), 1);
        let huge = vec![b' '; MAX_FEED_BYTES + 1];
        assert!(parse_feed(&huge).unwrap_err().contains("MiB"));
    }

    #[test]
    fn the_enclosure_comes_before_the_link_and_the_guid() {
        let candidates = [
            (Source::Guid, "magnet:?xt=urn:btih:abc"),
            (Source::Link, "https://tracker.example/details/1"),
            (Source::Attachment, "https://tracker.example/dl/1.torrent"),
        ];
        assert_eq!(pick_uri(&candidates), Some(2));
        assert_eq!(pick_uri(&candidates[..2]), Some(1));
        assert_eq!(pick_uri(&candidates[..1]), Some(0));
    }

    #[test]
    fn a_guid_is_taken_only_when_it_plainly_is_a_download() {
        assert_eq!(pick_uri(&[(Source::Guid, HASH)]), Some(0));
        assert_eq!(
            pick_uri(&[(Source::Guid, "https://x.example/a/b.torrent?k=1")]),
            Some(0)
        );
        assert_eq!(
            pick_uri(&[(Source::Guid, "https://x.example/view/123")]),
            None
        );
        assert_eq!(pick_uri(&[(Source::Guid, "urn:uuid:1234")]), None);
    }

    #[test]
    fn other_schemes_are_never_picked() {
        let candidates = [
            (Source::Attachment, "ftp://x.example/a.torrent"),
            (Source::Link, "javascript:alert(1)"),
            (Source::Link, "file:///etc/passwd"),
        ];
        assert_eq!(pick_uri(&candidates), None);
    }

    #[test]
    fn rss_items_give_title_guid_enclosure_and_size() {
        let xml = format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>Show.S01E01.720p</title><guid isPermaLink="false">id-1</guid>
              <link>https://tracker.example/details/1</link>
              <enclosure url="http://127.0.0.1:1/a.torrent" length="1234" type="application/x-bittorrent"/>
              <pubDate>Mon, 15 Jan 2024 10:00:00 GMT</pubDate></item>
            <item><title>By hash</title><guid>{HASH}</guid></item>
            <item><title>Nothing to add</title><guid>id-3</guid></item>
            </channel></rss>"#
        );
        let entries = parse_feed(xml.as_bytes()).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].guid, "id-1");
        assert_eq!(
            entries[0].uri.as_deref(),
            Some("http://127.0.0.1:1/a.torrent")
        );
        assert_eq!(entries[0].size, Some(1234));
        assert_eq!(entries[0].published_at, Some(1_705_312_800_000));
        assert_eq!(entries[1].uri.as_deref(), Some(HASH));
        assert_eq!(entries[2].uri, None);
    }

    #[test]
    fn atom_entries_prefer_bittorrent_links() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id>
            <updated>2024-01-15T10:00:00Z</updated>
            <entry><title>Show S01E02</title><id>urn:e2</id><updated>2024-01-15T10:00:00Z</updated>
              <link href="https://tracker.example/details/2"/>
              <link rel="enclosure" type="application/x-bittorrent" length="99"
                    href="http://127.0.0.1:1/b.torrent"/></entry>
            </feed>"#;
        let entries = parse_feed(xml.as_bytes()).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].guid, "urn:e2");
        assert_eq!(
            entries[0].uri.as_deref(),
            Some("http://127.0.0.1:1/b.torrent")
        );
        assert_eq!(
            entries[0].link.as_deref(),
            Some("https://tracker.example/details/2")
        );
        assert_eq!(entries[0].size, Some(99));
    }

    #[test]
    fn what_is_not_a_feed_is_named() {
        assert!(
            parse_feed(b"<html><body>hi</body></html>")
                .unwrap_err()
                .contains("not an RSS")
        );
    }
}
