//! Secrets: random tokens, their at-rest hashes, password hashing and the
//! encryption of torrent-client passwords.

use std::path::Path;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngExt;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// `n` random bytes, URL-safe base64 without padding.
pub fn random_token(n: usize) -> String {
    let mut bytes = Zeroizing::new(vec![0u8; n]);
    rand::rng().fill(bytes.as_mut_slice());
    URL_SAFE_NO_PAD.encode(bytes.as_slice())
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = Zeroizing::new(vec![0u8; n]);
    rand::rng().fill(bytes.as_mut_slice());
    hex(bytes.as_slice())
}

/// Lowercase hex HMAC-SHA256 of `message` under `key` (webhook signatures).
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> Result<String, CryptoError> {
    use hmac::{KeyInit, Mac};
    let mut mac =
        <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| CryptoError::Encrypt)?;
    mac.update(message);
    Ok(hex(&mac.finalize().into_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The form in which tokens and API keys are stored: hex SHA-256. A fast hash
/// is enough for 256-bit random secrets (no dictionary to attack).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// argon2id PHC string of `password`. CPU-heavy: call from `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| CryptoError::PasswordHash(e.to_string()))
}

/// Checks `password` against a PHC string. CPU-heavy: call from `spawn_blocking`.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("password hashing failed: {0}")]
    PasswordHash(String),
    #[error("the master key is invalid: {0}")]
    MasterKey(String),
    #[error("could not read or create the master key file {path}: {source}")]
    MasterKeyFile {
        path: String,
        source: std::io::Error,
    },
    #[error("a secret could not be encrypted")]
    Encrypt,
    #[error("a stored secret could not be decrypted (wrong master key?)")]
    Decrypt,
}

/// Encrypts stored secrets (torrent-client passwords) with XChaCha20-Poly1305.
///
/// Output is `v1:` + base64(nonce ‖ ciphertext); the associated data binds a
/// ciphertext to its row and field so it cannot be moved to another one.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

const MASTER_KEY_FILE: &str = "master.key";
const CIPHERTEXT_VERSION: &str = "v1:";

impl SecretBox {
    pub fn from_key(key: &[u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(&Key::from(*key)),
        }
    }

    /// The key from `TM_MASTER_KEY` (base64 of 32 bytes) when given, else from
    /// `<data_dir>/master.key`, created with mode 0600 on first start.
    pub fn load(explicit: Option<&str>, data_dir: &Path) -> Result<Self, CryptoError> {
        let encoded = match explicit {
            Some(value) => Zeroizing::new(value.trim().to_string()),
            None => Zeroizing::new(read_or_create_key_file(&data_dir.join(MASTER_KEY_FILE))?),
        };
        let bytes = Zeroizing::new(
            STANDARD
                .decode(encoded.as_bytes())
                .map_err(|_| CryptoError::MasterKey("not base64".into()))?,
        );
        let key: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::MasterKey(format!("must be 32 bytes, is {}", bytes.len())))?;
        Ok(Self::from_key(&key))
    }

    pub fn encrypt(&self, plaintext: &str, context: &str) -> Result<String, CryptoError> {
        let mut nonce_bytes = [0u8; 24];
        rand::rng().fill(&mut nonce_bytes);
        let nonce = XNonce::from(nonce_bytes);
        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: context.as_bytes(),
        };
        let ciphertext = self
            .cipher
            .encrypt(&nonce, payload)
            .map_err(|_| CryptoError::Encrypt)?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        Ok(format!("{CIPHERTEXT_VERSION}{}", STANDARD.encode(out)))
    }

    pub fn decrypt(&self, stored: &str, context: &str) -> Result<Zeroizing<String>, CryptoError> {
        let encoded = stored
            .strip_prefix(CIPHERTEXT_VERSION)
            .ok_or(CryptoError::Decrypt)?;
        let raw = STANDARD.decode(encoded).map_err(|_| CryptoError::Decrypt)?;
        if raw.len() < 24 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, ciphertext) = raw.split_at(24);
        let payload = Payload {
            msg: ciphertext,
            aad: context.as_bytes(),
        };
        let plain = self
            .cipher
            .decrypt(
                &XNonce::try_from(nonce).map_err(|_| CryptoError::Decrypt)?,
                payload,
            )
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain)
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Decrypt)
    }
}

fn read_or_create_key_file(path: &Path) -> Result<String, CryptoError> {
    let io_error = |source| CryptoError::MasterKeyFile {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(content) => Ok(content),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = Zeroizing::new([0u8; 32]);
            rand::rng().fill(key.as_mut_slice());
            let encoded = STANDARD.encode(key.as_slice());
            write_private_file(path, &encoded).map_err(io_error)?;
            Ok(encoded)
        }
        Err(e) => Err(io_error(e)),
    }
}

/// Creates `path` readable by its owner only; fails if it already exists.
fn write_private_file(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?").unwrap(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(random_hex(32).len(), 64);
    }

    #[test]
    fn secret_box_round_trips_and_binds_context() {
        let sb = SecretBox::from_key(&[7u8; 32]);
        let sealed = sb.encrypt("hunter2", "server:a:password").unwrap();
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("hunter2"));
        assert_eq!(
            sb.decrypt(&sealed, "server:a:password").unwrap().as_str(),
            "hunter2"
        );
        assert!(sb.decrypt(&sealed, "server:b:password").is_err());
        assert!(
            SecretBox::from_key(&[8u8; 32])
                .decrypt(&sealed, "server:a:password")
                .is_err()
        );
    }

    #[test]
    fn master_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = SecretBox::load(None, dir.path()).unwrap();
        let sealed = first.encrypt("pw", "ctx").unwrap();
        let second = SecretBox::load(None, dir.path()).unwrap();
        assert_eq!(second.decrypt(&sealed, "ctx").unwrap().as_str(), "pw");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(MASTER_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_explicit_master_key_is_used_instead_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let key = STANDARD.encode([9u8; 32]);
        let given = SecretBox::load(Some(&key), dir.path()).unwrap();
        assert!(!dir.path().join(MASTER_KEY_FILE).exists());
        let sealed = given.encrypt("pw", "ctx").unwrap();
        assert_eq!(
            SecretBox::from_key(&[9u8; 32])
                .decrypt(&sealed, "ctx")
                .unwrap()
                .as_str(),
            "pw"
        );
        assert!(SecretBox::load(Some("not base64!"), dir.path()).is_err());
        assert!(SecretBox::load(Some(&STANDARD.encode([1u8; 16])), dir.path()).is_err());
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong", &phc));
    }

    #[test]
    fn token_hash_is_hex_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(random_token(32).len(), 43);
    }
}
