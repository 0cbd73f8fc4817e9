//! Input rules shared by registration, admin user creation, servers, rules
//! and feeds.

use super::{Error, Result};

pub fn username(name: &str) -> Result<()> {
    let length = name.chars().count();
    if !(3..=64).contains(&length) {
        return Err(Error::Invalid(format!(
            "username must be 3 to 64 characters long (got {length})"
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(Error::Invalid(format!(
            "username may contain only letters, digits, '.', '_' and '-' (found {bad:?})"
        )));
    }
    Ok(())
}

pub fn password(password: &str) -> Result<()> {
    let length = password.chars().count();
    if length < 8 {
        return Err(Error::Invalid(
            "password must be at least 8 characters long".into(),
        ));
    }
    // argon2 hashes any length, but an unbounded input is a cheap way to burn CPU.
    if password.len() > 1024 {
        return Err(Error::Invalid("password must be at most 1024 bytes".into()));
    }
    Ok(())
}

/// A required, non-blank text field of at most `max` characters; returns it trimmed.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::Invalid(format!("{field} must not be empty")));
    }
    if trimmed.chars().count() > max {
        return Err(Error::Invalid(format!(
            "{field} must be at most {max} characters"
        )));
    }
    Ok(trimmed.to_string())
}

/// Longest save path accepted (Linux's PATH_MAX).
const MAX_SAVE_PATH: usize = 4096;

/// A download directory as the client should get it: absolute (POSIX, or a
/// Windows drive path for Transmission on Windows), without control
/// characters, `.` or `..` components, repeated or trailing separators.
/// Clients get it as an RPC parameter; this also keeps rTorrent from ever
/// seeing a `$`-command where a path belongs. Blank means "the default".
pub fn save_path(path: Option<String>) -> Result<Option<String>> {
    let Some(path) = path.filter(|p| !p.trim().is_empty()) else {
        return Ok(None);
    };
    let invalid = |why: &str| Err(Error::BadRequest(format!("save_path {why}")));
    if path.len() > MAX_SAVE_PATH {
        return invalid("is too long");
    }
    if path.chars().any(char::is_control) {
        return invalid("must not contain control characters");
    }
    let bytes = path.as_bytes();
    let (root, rest, separator) = if let Some(rest) = path.strip_prefix('/') {
        ("/".to_owned(), rest, '/')
    } else if bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/')
    {
        (path[..3].to_owned(), &path[3..], char::from(bytes[2]))
    } else {
        return invalid("must be an absolute path (starting with '/')");
    };
    let mut parts = Vec::new();
    for part in rest.split(['/', '\\']).filter(|p| !p.is_empty()) {
        if part == "." || part == ".." {
            return invalid("must not contain '.' or '..' components");
        }
        parts.push(part);
    }
    Ok(Some(format!(
        "{root}{}",
        parts.join(&separator.to_string())
    )))
}

/// Compiled size limit of a user's regex: a hostile pattern cannot take memory.
const REGEX_SIZE_LIMIT: usize = 64 * 1024;
const MAX_REGEX_LEN: usize = 512;

/// A user's regular expression, bounded in length and compiled size; the
/// error says what is wrong, for the caller to name the field.
pub fn bounded_regex(pattern: &str) -> std::result::Result<regex::Regex, String> {
    if pattern.len() > MAX_REGEX_LEN {
        return Err(format!(
            "the regex is longer than {MAX_REGEX_LEN} characters"
        ));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| format!("bad regex: {e}"))
}

#[cfg(test)]
mod tests {
    use super::save_path;

    #[test]
    fn usernames() {
        assert!(super::username("alice").is_ok());
        assert!(super::username("a.b_c-9").is_ok());
        assert!(super::username("ab").is_err());
        assert!(super::username(&"x".repeat(65)).is_err());
        assert!(super::username("with space").is_err());
        assert!(super::username("ünï").is_err());
    }

    #[test]
    fn passwords() {
        assert!(super::password("12345678").is_ok());
        assert!(super::password("1234567").is_err());
    }

    #[test]
    fn save_paths_are_absolute_and_normalised() {
        let ok = |p: &str| save_path(Some(p.to_owned())).unwrap();
        assert_eq!(ok("/srv//dl/"), Some("/srv/dl".to_owned()));
        assert_eq!(ok("/"), Some("/".to_owned()));
        assert_eq!(
            ok("/data/My Films (2024)"),
            Some("/data/My Films (2024)".to_owned())
        );
        assert_eq!(
            ok("C:\\Downloads\\tv\\"),
            Some("C:\\Downloads\\tv".to_owned())
        );
        assert_eq!(ok("  "), None);
        assert_eq!(save_path(None).unwrap(), None);
        for bad in [
            "$execute.throw={sh,-c,touch /tmp/x}",
            "$execute.throw=sh,-c,touch /tmp/x",
            "downloads",
            "~/downloads",
            "/srv/../etc",
            "/srv/./dl",
            "/srv/dl\n/x",
            "/srv/\u{0}x",
            "C:",
        ] {
            assert!(save_path(Some(bad.to_owned())).is_err(), "{bad:?}");
        }
        assert!(save_path(Some(format!("/{}", "a".repeat(5000)))).is_err());
    }
}
