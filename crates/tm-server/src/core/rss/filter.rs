//! A feed's filter, checked when saved (422 naming the field) and compiled
//! once per use: which titles, sizes and URIs it takes and, when it does
//! not, why.

use regex::Regex;
use tm_api_types::RssFilter;

use crate::core::{Error, Result, bounded_regex, clean_labels};

/// A filter ready to judge items.
#[derive(Debug)]
pub struct CompiledFilter {
    include: Option<Regex>,
    exclude: Option<Regex>,
    min_size: Option<u64>,
    max_size: Option<u64>,
    pub smart_episodes: bool,
}

/// The filter as stored: regexes that compile, sane bounds, clean labels.
pub fn checked(filter: RssFilter) -> Result<RssFilter> {
    CompiledFilter::compile(&filter)?;
    if let (Some(min), Some(max)) = (filter.min_size, filter.max_size)
        && min > max
    {
        return Err(Error::Invalid(
            "filter.min_size must not be larger than filter.max_size".into(),
        ));
    }
    let blank = |pattern: Option<String>| pattern.filter(|p| !p.is_empty());
    Ok(RssFilter {
        include: blank(filter.include),
        exclude: blank(filter.exclude),
        labels: clean_labels(filter.labels)
            .map_err(|e| Error::Invalid(format!("filter.labels: {e}")))?,
        ..filter
    })
}

impl CompiledFilter {
    pub fn compile(filter: &RssFilter) -> Result<Self> {
        let regex = |field: &str, pattern: &Option<String>| {
            pattern
                .as_deref()
                .filter(|p| !p.is_empty())
                .map(|p| {
                    bounded_regex(p).map_err(|e| Error::Invalid(format!("filter.{field}: {e}")))
                })
                .transpose()
        };
        Ok(Self {
            include: regex("include", &filter.include)?,
            exclude: regex("exclude", &filter.exclude)?,
            min_size: filter.min_size,
            max_size: filter.max_size,
            smart_episodes: filter.smart_episodes,
        })
    }

    /// `Ok` when the filter takes the item (the smart episode check aside,
    /// which needs the feed's history); else why not.
    pub fn judge(&self, title: &str, uri: Option<&str>, size: Option<u64>) -> Result<(), String> {
        if uri.is_none() {
            return Err("no magnet link, .torrent URL or info hash in the item".into());
        }
        if let Some(include) = &self.include
            && !include.is_match(title)
        {
            return Err(format!("title does not match include /{include}/"));
        }
        if let Some(exclude) = &self.exclude
            && exclude.is_match(title)
        {
            return Err(format!("title matches exclude /{exclude}/"));
        }
        if self.min_size.is_some() || self.max_size.is_some() {
            let Some(size) = size else {
                return Err("size unknown, and the filter has size bounds".into());
            };
            if let Some(min) = self.min_size
                && size < min
            {
                return Err(format!("size {size} B is below min_size {min} B"));
            }
            if let Some(max) = self.max_size
                && size > max
            {
                return Err(format!("size {size} B is above max_size {max} B"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(include: Option<&str>, exclude: Option<&str>) -> RssFilter {
        RssFilter {
            include: include.map(str::to_string),
            exclude: exclude.map(str::to_string),
            min_size: Some(100),
            max_size: Some(1000),
            start: true,
            ..RssFilter::default()
        }
    }

    #[test]
    fn titles_sizes_and_uris_are_judged_with_reasons() {
        let compiled = CompiledFilter::compile(&filter(Some("(?i)show"), Some("720p"))).unwrap();
        let uri = Some("magnet:?xt=urn:btih:x");
        assert_eq!(compiled.judge("Show 1080p", uri, Some(500)), Ok(()));
        assert!(
            compiled
                .judge("Movie", uri, Some(500))
                .unwrap_err()
                .contains("include")
        );
        assert!(
            compiled
                .judge("Show 720p", uri, Some(500))
                .unwrap_err()
                .contains("exclude")
        );
        assert!(
            compiled
                .judge("Show", uri, Some(50))
                .unwrap_err()
                .contains("below min_size")
        );
        assert!(
            compiled
                .judge("Show", uri, Some(5000))
                .unwrap_err()
                .contains("above max_size")
        );
        assert!(
            compiled
                .judge("Show", uri, None)
                .unwrap_err()
                .contains("size unknown")
        );
        assert!(
            compiled
                .judge("Show", None, Some(500))
                .unwrap_err()
                .contains("no magnet")
        );
    }

    #[test]
    fn bad_regexes_and_bounds_name_the_field() {
        let error = checked(filter(None, Some("(unclosed")))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("filter.exclude: bad regex"), "{error}");
        let error = checked(filter(Some("\\w{1000}\\w{1000}"), None))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("filter.include"), "{error}");
        let mut inverted = filter(None, None);
        inverted.min_size = Some(10_000);
        assert!(
            checked(inverted)
                .unwrap_err()
                .to_string()
                .contains("min_size")
        );
    }
}
