//! Input rules shared by registration, admin user creation and servers.

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

#[cfg(test)]
mod tests {
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
}
