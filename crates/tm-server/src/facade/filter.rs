//! `torrents/info`: qBittorrent's filters, sort and paging over the
//! facade's torrent objects.

use std::cmp::Ordering;

use serde_json::Value;

use super::Facade;
use super::state::passes;

/// The query of `torrents/info`, as qBittorrent names it.
#[derive(Debug, Default)]
pub struct InfoQuery {
    pub filter: Option<String>,
    /// Empty: torrents without a category; absent: all.
    pub category: Option<String>,
    /// Empty: torrents without tags; absent: all.
    pub tag: Option<String>,
    /// Any field of the torrent object.
    pub sort: Option<String>,
    pub reverse: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// `|`-separated.
    pub hashes: Option<String>,
    /// `true`: only private torrents, `false`: only public ones.
    pub private: Option<String>,
}

impl Facade<'_> {
    /// The torrent objects `query` selects.
    pub fn torrents_info(&self, query: &InfoQuery, now: i64) -> Vec<Value> {
        let entries = match &query.hashes {
            Some(hashes) => self.selected(hashes),
            None => self.entries(),
        };
        let mut objects: Vec<Value> = entries
            .iter()
            .filter(|e| {
                query
                    .category
                    .as_ref()
                    .is_none_or(|c| e.category.as_deref().unwrap_or("") == c)
            })
            .filter(|e| match query.tag.as_deref() {
                None => true,
                Some("") => e.tags.is_empty(),
                Some(tag) => e.tags.iter().any(|t| t == tag),
            })
            .filter(|e| {
                query
                    .private
                    .as_deref()
                    .is_none_or(|p| is_true(Some(p)) == e.info().is_private)
            })
            .map(|e| super::torrent_object(e, self.limits_of(e), now))
            .filter(|o| {
                let state = o["state"].as_str().unwrap_or_default();
                query.filter.as_deref().is_none_or(|f| passes(f, state))
            })
            .collect();
        if let Some(field) = &query.sort {
            objects.sort_by(|a, b| compare(&a[field.as_str()], &b[field.as_str()]));
        }
        if is_true(query.reverse.as_deref()) {
            objects.reverse();
        }
        page(objects, query.offset, query.limit)
    }
}

/// qBittorrent's paging: a negative offset counts from the end; a limit of
/// 0 or less means no limit.
fn page(objects: Vec<Value>, offset: Option<i64>, limit: Option<i64>) -> Vec<Value> {
    let total = objects.len() as i64;
    let start = match offset.unwrap_or(0) {
        o if o < 0 => (total + o).max(0),
        o => o.min(total),
    } as usize;
    let count = match limit {
        Some(l) if l > 0 => l as usize,
        _ => usize::MAX,
    };
    objects.into_iter().skip(start).take(count).collect()
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        }
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// qBittorrent's boolean parameters: `true`/`false` in any case, or 1/0.
pub fn is_true(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case("true") || v.trim() == "1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pages_like_qbittorrent() {
        let all: Vec<Value> = (0..5).map(|n| json!(n)).collect();
        assert_eq!(
            page(all.clone(), Some(1), Some(2)),
            vec![json!(1), json!(2)]
        );
        assert_eq!(page(all.clone(), Some(-2), None), vec![json!(3), json!(4)]);
        assert_eq!(page(all.clone(), Some(9), Some(0)), Vec::<Value>::new());
        assert_eq!(page(all, None, Some(-1)).len(), 5);
    }

    #[test]
    fn sorts_numbers_and_names() {
        assert_eq!(compare(&json!(2), &json!(10)), Ordering::Less);
        assert_eq!(compare(&json!("b"), &json!("A")), Ordering::Greater);
    }
}
