//! Paths under a server's HTTP file location, as users send them, checked
//! before any URL is built: nothing may name a place outside the location.

use super::{Error, Result};

const MAX_PATH: usize = 4096;
const MAX_SEGMENT: usize = 1024;

/// A path relative to the HTTP location's root, as its segments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelativePath(Vec<String>);

impl RelativePath {
    /// Refuses `..` and `.`, their percent-encoded forms, encoded slashes,
    /// backslashes, absolute paths, empty segments, NUL and control
    /// characters. One trailing `/` is allowed (a folder).
    pub fn parse(raw: &str) -> Result<Self> {
        let invalid = |why: &str| Error::BadRequest(format!("Invalid file path: {why}"));
        if raw.len() > MAX_PATH {
            return Err(invalid("too long"));
        }
        if raw.starts_with('/') || raw.starts_with('\\') {
            return Err(invalid("it must be relative"));
        }
        let trimmed = raw.strip_suffix('/').unwrap_or(raw);
        if trimmed.is_empty() {
            return Ok(Self::default());
        }
        let mut segments = Vec::new();
        for segment in trimmed.split('/') {
            if segment.is_empty() {
                return Err(invalid("empty segment"));
            }
            if segment.len() > MAX_SEGMENT {
                return Err(invalid("a name is too long"));
            }
            if segment.chars().any(|c| c.is_control() || c == '\\') {
                return Err(invalid(
                    "control characters and backslashes are not allowed",
                ));
            }
            // A name that means something else once decoded again (`%2e%2e`,
            // `..%2f`) is refused: some web servers decode twice.
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            for form in [segment, decoded.as_ref()] {
                if form == "." || form == ".." {
                    return Err(invalid("'.' and '..' are not allowed"));
                }
                if form.contains(['/', '\\', '\0']) {
                    return Err(invalid("encoded slashes are not allowed"));
                }
            }
            segments.push(segment.to_owned());
        }
        Ok(Self(segments))
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The last segment (a file's name).
    pub fn name(&self) -> Option<&str> {
        self.0.last().map(String::as_str)
    }

    /// `a/b` (no leading or trailing slash; `""` for the root).
    pub fn joined(&self) -> String {
        self.0.join("/")
    }

    /// The path of an entry of this folder.
    pub fn child(&self, name: &str) -> String {
        if self.is_root() {
            name.to_owned()
        } else {
            format!("{}/{name}", self.joined())
        }
    }
}

/// Checks a server's `http_download_root`: an absolute client path
/// without `.` or `..` segments, control characters or backslashes.
pub fn check_download_root(root: &str) -> Result<()> {
    let invalid = |why: &str| Error::Invalid(format!("http_download_root {why}"));
    if !root.starts_with('/') {
        return Err(invalid("must be an absolute path (starting with '/')"));
    }
    if root.len() > MAX_PATH {
        return Err(invalid("is too long"));
    }
    if root.chars().any(|c| c.is_control() || c == '\\') {
        return Err(invalid(
            "must not contain control characters or backslashes",
        ));
    }
    if root
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err(invalid("must not contain '.' or '..'"));
    }
    Ok(())
}

/// Where a file the client names by `absolute` is under the HTTP location
/// whose root serves the client directory `root`; `None` when it is not
/// inside `root` or its rest is not a plain relative path. Compared by
/// whole segments (`/data2` is not inside `/data`); repeated slashes are
/// one.
pub fn under_download_root(root: &str, absolute: &str) -> Option<RelativePath> {
    let segments = |path: &str| -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    if !absolute.starts_with('/') {
        return None;
    }
    let root = segments(root);
    let file = segments(absolute);
    let rest = file.strip_prefix(root.as_slice())?;
    if rest.is_empty() {
        return None;
    }
    RelativePath::parse(&rest.join("/")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_roots_are_absolute_and_plain() {
        assert!(check_download_root("/home/u/downloads").is_ok());
        assert!(check_download_root("/").is_ok());
        for bad in ["downloads", "/a/../b", "/a/./b", "/a\\b", "/a\nb", ""] {
            assert!(check_download_root(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn files_map_under_the_root_by_whole_segments() {
        let mapped = under_download_root("/home/u/dl/", "/home/u/dl/tv/a b.mkv").unwrap();
        assert_eq!(mapped.segments(), ["tv", "a b.mkv"]);
        assert_eq!(
            under_download_root("/", "//srv//x").unwrap().joined(),
            "srv/x"
        );
        assert!(under_download_root("/home/u/dl", "/home/u/dl2/x").is_none());
        assert!(under_download_root("/home/u/dl", "/home/u/dl").is_none());
        assert!(under_download_root("/home/u/dl", "/home/u/dl/../etc/passwd").is_none());
        assert!(under_download_root("/home/u/dl", "relative/x").is_none());
    }

    #[test]
    fn plain_relative_paths_are_segments() {
        assert!(RelativePath::parse("").unwrap().is_root());
        let path = RelativePath::parse("Season 1/caf\u{e9} & bar.mkv").unwrap();
        assert_eq!(path.segments(), ["Season 1", "caf\u{e9} & bar.mkv"]);
        assert_eq!(RelativePath::parse("dir/").unwrap().joined(), "dir");
        assert_eq!(RelativePath::parse("..a/b..").unwrap().joined(), "..a/b..");
        assert_eq!(RelativePath::parse("dir").unwrap().child("f"), "dir/f");
    }

    #[test]
    fn traversal_in_every_form_is_refused() {
        for raw in [
            "..",
            "../etc/passwd",
            "a/../../b",
            "a/./b",
            "%2e%2e/x",
            "%2E%2E",
            ".%2e/x",
            "..%2fx",
            "a%2Fb",
            "a%5cb",
            "a\\..\\b",
            "/etc/passwd",
            "\\\\host\\share",
            "a//b",
            "a\0b",
            "a%00b",
            "a\nb",
        ] {
            assert!(RelativePath::parse(raw).is_err(), "{raw:?} must be refused");
        }
    }
}
