//! The data directory and the SQLite files hold password hashes and the
//! master key: only the service's own user may read them, whatever the umask.

use std::path::Path;

use anyhow::Context;

use crate::Config;

const SQLITE_SUFFIXES: [&str; 3] = ["", "-wal", "-shm"];

/// Creates the data directory (0700) and the default SQLite database (0600)
/// if missing, and narrows the database files' mode if they exist. SQLite
/// gives `-wal` and `-shm` the mode of the database file.
pub fn prepare(config: &Config) -> anyhow::Result<()> {
    let dir = &config.data_dir;
    create_private_dir(dir)
        .with_context(|| format!("could not create the data directory {}", dir.display()))?;
    if config.database_url.is_none() {
        let db = config.default_sqlite_path();
        for suffix in SQLITE_SUFFIXES {
            let mut path = db.clone().into_os_string();
            path.push(suffix);
            let path = Path::new(&path);
            let created = suffix.is_empty() && create_private_file(path)?;
            if !created && path.exists() {
                make_private(path)
                    .with_context(|| format!("could not restrict {}", path.display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(()); // the operator's own directory: leave its mode alone
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// True when the file did not exist and was created empty with mode 0600.
fn create_private_file(path: &Path) -> anyhow::Result<bool> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(error).with_context(|| format!("could not create {}", path.display())),
    }
}

#[cfg(unix)]
fn make_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
