//! The login kept between runs: the server's URL and its session cookies in
//! `session.json` in the user's config directory, readable by the owner only.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

/// Overrides the config directory (tests, several profiles).
pub const CONFIG_DIR_ENV: &str = "TORRENT_MANAGER_CONFIG_DIR";

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedSession {
    /// The server the cookies belong to; they are never sent anywhere else.
    pub url: String,
    pub username: String,
    /// `session=…; remember_me=…`, as `tm_client::Client::session_cookies`
    /// gives them; `None` once logged out (the URL stays for the next login).
    #[serde(default)]
    pub cookies: Option<String>,
}

pub struct SessionFile {
    path: PathBuf,
}

impl SessionFile {
    /// `$TORRENT_MANAGER_CONFIG_DIR/session.json`, else
    /// `<user config dir>/torrent-manager/session.json`.
    pub fn locate() -> anyhow::Result<SessionFile> {
        let dir = match std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => dirs::config_dir()
                .context(format!(
                    "no user config directory on this platform; set {CONFIG_DIR_ENV}"
                ))?
                .join("torrent-manager"),
        };
        Ok(SessionFile {
            path: dir.join("session.json"),
        })
    }

    pub fn load(&self) -> anyhow::Result<Option<SavedSession>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", self.path.display()));
            }
        };
        let session = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is damaged; log in again (or delete it)",
                self.path.display()
            )
        })?;
        Ok(Some(session))
    }

    /// Writes the session; the file (and a new directory) are private to the user.
    pub fn save(&self, session: &SavedSession) -> anyhow::Result<()> {
        let context = || format!("saving the session to {}", self.path.display());
        if let Some(dir) = self.path.parent() {
            create_private_dir(dir).with_context(context)?;
        }
        let mut file = open_private(&self.path).with_context(context)?;
        file.write_all(serde_json::to_string_pretty(session)?.as_bytes())
            .with_context(context)?;
        Ok(())
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn open_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // `mode` applies only to a new file: tighten an older one too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

#[cfg(not(unix))]
fn open_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_privately() {
        let dir = tempfile::tempdir().unwrap();
        let file = SessionFile {
            path: dir.path().join("nested").join("session.json"),
        };
        assert_eq!(file.load().unwrap(), None);
        let session = SavedSession {
            url: "http://127.0.0.1:8144".into(),
            username: "alice".into(),
            cookies: Some("session=abc".into()),
        };
        file.save(&session).unwrap();
        assert_eq!(file.load().unwrap(), Some(session));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A file from before logouts kept the URL still loads.
        std::fs::write(&file.path, r#"{"url":"u","username":"a"}"#).unwrap();
        assert_eq!(file.load().unwrap().unwrap().cookies, None);
    }
}
