//! Which episode of which show a release title is, for the smart episode
//! filter: `Show.Name.S01E02.1080p-GRP`, `Show Name 1x02`, and daily shows
//! by date (`Show.Name.2024.01.15`). Quality, group and PROPER/REPACK tags
//! are ignored, so every release of an episode has the same key.

use std::sync::LazyLock;

use regex::Regex;

// A marker stands between separators (`_` too, which `\b` counts as a letter).
const BEFORE: &str = r"(?:^|[^\p{L}\p{N}])";
const AFTER: &str = r"(?:$|[^\p{L}\p{N}])";
/// `S01E02`, `s1e2`, `S01.E02`.
static SEASON_EPISODE: LazyLock<Regex> =
    LazyLock::new(|| marker(r"(?i)", r"s(\d{1,3})[ ._-]?e(\d{1,4})", ""));
/// `1x02`.
static CROSS: LazyLock<Regex> = LazyLock::new(|| marker(r"(?i)", r"(\d{1,2})x(\d{2,3})", AFTER));
/// `2024.01.15`, `2024-01-15`, `2024 01 15`.
static DATE: LazyLock<Regex> =
    LazyLock::new(|| marker("", r"((?:19|20)\d{2})[ ._-](\d{2})[ ._-](\d{2})", AFTER));

fn marker(flags: &str, pattern: &str, after: &str) -> Regex {
    Regex::new(&format!("{flags}{BEFORE}{pattern}{after}")).expect("a valid regex")
}

/// An episode of a show, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    /// Lower case, words separated by one space.
    pub show: String,
    /// `s01e02` or `2024-01-15`.
    pub number: String,
}

impl Episode {
    /// The key stored with the item: the same for every release of it.
    pub fn key(&self) -> String {
        format!("{}|{}", self.show, self.number)
    }
}

/// The episode `title` is, if it names one (a season pack does not).
pub fn parse(title: &str) -> Option<Episode> {
    let found = [
        (&*SEASON_EPISODE, Kind::SeasonEpisode),
        (&*CROSS, Kind::SeasonEpisode),
        (&*DATE, Kind::Date),
    ]
    .into_iter()
    .filter_map(|(regex, kind)| regex.captures(title).map(|c| (c, kind)))
    .min_by_key(|(captures, _)| captures.get(0).map_or(usize::MAX, |m| m.start()))?;
    let (captures, kind) = found;
    let start = captures.get(0)?.start();
    let number = |i: usize| captures.get(i)?.as_str().parse::<u32>().ok();
    let number = match kind {
        Kind::SeasonEpisode => format!("s{:02}e{:02}", number(1)?, number(2)?),
        Kind::Date => format!("{:04}-{:02}-{:02}", number(1)?, number(2)?, number(3)?),
    };
    let show = normalised_show(&title[..start]);
    (!show.is_empty()).then_some(Episode { show, number })
}

#[derive(Clone, Copy)]
enum Kind {
    SeasonEpisode,
    Date,
}

/// Words of the show's name, lower case, separated by single spaces; a
/// trailing year in brackets stays (it tells remakes apart).
fn normalised_show(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(title: &str) -> Option<String> {
        parse(title).map(|e| e.key())
    }

    #[test]
    fn season_and_episode_in_the_usual_spellings() {
        assert_eq!(
            key("Show.Name.S01E02.1080p.WEB.h264-GRP").as_deref(),
            Some("show name|s01e02")
        );
        assert_eq!(
            key("show name s1e2 720p").as_deref(),
            Some("show name|s01e02")
        );
        assert_eq!(
            key("Show Name - S01.E02 - Title").as_deref(),
            Some("show name|s01e02")
        );
        assert_eq!(
            key("Show_Name_1x02_HDTV").as_deref(),
            Some("show name|s01e02")
        );
        assert_eq!(
            key("Show Name S10E100").as_deref(),
            Some("show name|s10e100")
        );
    }

    #[test]
    fn quality_and_repack_tags_do_not_make_another_episode() {
        let releases = [
            "Show.Name.S01E02.720p.HDTV.x264-A",
            "Show.Name.S01E02.PROPER.1080p.WEB-B",
            "Show Name S01E02 REPACK 2160p",
        ];
        for title in releases {
            assert_eq!(key(title).as_deref(), Some("show name|s01e02"), "{title}");
        }
        assert_ne!(key("Show.Name.S01E03.720p"), key(releases[0]));
        assert_ne!(key("Other.Show.S01E02.720p"), key(releases[0]));
    }

    #[test]
    fn daily_shows_by_date() {
        assert_eq!(
            key("The.Daily.Show.2024.01.15.Guest.720p").as_deref(),
            Some("the daily show|2024-01-15")
        );
        assert_eq!(
            key("The Daily Show 2024-01-15 1080p").as_deref(),
            Some("the daily show|2024-01-15")
        );
    }

    #[test]
    fn titles_without_an_episode_have_none() {
        assert_eq!(key("Some.Movie.2019.1080p.BluRay"), None);
        assert_eq!(key("Show.Name.S01.COMPLETE.1080p"), None);
        assert_eq!(key("S01E02"), None, "no show name");
        assert_eq!(key("ubuntu-24.04-desktop-amd64.iso"), None);
    }

    #[test]
    fn the_first_marker_wins() {
        // A year in the show name is part of it; the episode comes after.
        assert_eq!(
            key("Doctor.Who.2005.S13E01.720p").as_deref(),
            Some("doctor who 2005|s13e01")
        );
    }
}
