//! Path rules for rTorrent: what a user may ask for as a download directory,
//! and which resolved paths a data deletion may touch.

/// A user's `save_path`, checked and normalised (`//` and trailing `/`
/// collapsed). The value only ever travels as an XML-RPC parameter, which
/// rTorrent does not evaluate; these checks are defence in depth.
pub fn validate_save_path(path: &str) -> Result<String, String> {
    if path.starts_with('$') {
        return Err(format!("save path {path:?} must not start with '$'"));
    }
    if !path.starts_with('/') {
        return Err(format!("save path {path:?} must be absolute"));
    }
    if path.chars().any(char::is_control) {
        return Err(format!(
            "save path {path:?} must not contain control characters"
        ));
    }
    let components: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    if components.iter().any(|c| *c == ".." || *c == ".") {
        return Err(format!(
            "save path {path:?} must not contain \".\" or \"..\""
        ));
    }
    Ok(format!("/{}", components.join("/")))
}

/// Whether `path` is `dir` itself or lies below it. Both must be resolved
/// (`realpath`): this compares components, never follows links.
pub fn is_within(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether `path` lies strictly below `dir`.
pub fn is_below(path: &str, dir: &str) -> bool {
    path != dir.trim_end_matches('/') && is_within(path, dir)
}

/// Directories that deleting `files` may leave empty: every parent of a
/// deleted file up to and including `base`, never `root` or anything above
/// `base`. Deepest first, so one `rmdir` call can take them in order.
pub fn emptied_dirs<'a>(
    files: impl IntoIterator<Item = &'a str>,
    base: &str,
    root: &str,
) -> Vec<String> {
    let mut dirs = Vec::new();
    for file in files {
        let mut current = file;
        while let Some((parent, _)) = current.rsplit_once('/') {
            if !is_within(parent, base) || !is_below(parent, root) {
                break;
            }
            dirs.push(parent.to_owned());
            current = parent;
        }
    }
    dirs.sort_by(|a, b| {
        let depth = |p: &str| p.matches('/').count();
        depth(b).cmp(&depth(a)).then_with(|| a.cmp(b))
    });
    dirs.dedup();
    dirs
}

/// A torrent-relative file path (`f.path`) that cannot climb out of the
/// torrent's directory.
pub fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_paths() {
        assert_eq!(validate_save_path("/srv//dl/").unwrap(), "/srv/dl");
        assert_eq!(validate_save_path("/").unwrap(), "/");
        assert_eq!(
            validate_save_path("/a b/it's \"q\"\\;x").unwrap(),
            "/a b/it's \"q\"\\;x"
        );
        for bad in [
            "",
            "relative/dir",
            "$execute.throw=sh,-c,touch /tmp/x",
            "/srv/../etc",
            "/srv/./dl",
            "/srv/dl\nd.erase=",
            "/srv/\u{7f}",
        ] {
            assert!(validate_save_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn containment_is_by_component() {
        assert!(is_within("/srv/dl/a", "/srv/dl"));
        assert!(is_within("/srv/dl", "/srv/dl/"));
        assert!(!is_within("/srv/dl2/a", "/srv/dl"));
        assert!(!is_below("/srv/dl", "/srv/dl"));
        assert!(is_below("/srv/dl/a", "/srv/dl"));
    }

    #[test]
    fn emptied_dirs_stop_at_base_and_root() {
        let files = ["/r/Album/a", "/r/Album/sub/deep/b", "/r/Album/sub/c"];
        assert_eq!(
            emptied_dirs(files, "/r/Album", "/r"),
            vec!["/r/Album/sub/deep", "/r/Album/sub", "/r/Album"]
        );
        // A torrent whose directory is the download root itself.
        assert_eq!(
            emptied_dirs(["/r/x/y"], "/r", "/r"),
            vec!["/r/x".to_owned()]
        );
        // A single file: its base is the file, no directory goes.
        assert!(emptied_dirs(["/r/one.bin"], "/r/one.bin", "/r").is_empty());
    }

    #[test]
    fn relative_paths() {
        assert!(is_plain_relative("a/b.txt"));
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a"] {
            assert!(!is_plain_relative(bad), "{bad:?}");
        }
    }
}
