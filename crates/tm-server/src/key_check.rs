//! The master key must be the one the database was set up with: several
//! instances on one database need the same key, and a replaced key file
//! would leave every stored client password unreadable. A sealed check
//! value in `settings` tells at start, before this instance can take a
//! server's lease it could not use.

use anyhow::bail;

use crate::crypto::SecretBox;
use crate::db::Store;

const SETTING: &str = "master_key_check";
/// The sealed text and its context; only whether it opens matters.
const CHECK: &str = "torrent-manager master key";

/// Seals the check value on first start; afterwards fails unless this
/// instance's key opens it.
pub async fn ensure_matching_master_key(store: &Store, secrets: &SecretBox) -> anyhow::Result<()> {
    // Two instances starting at once: the first sealed value wins, and
    // both check against it.
    store
        .set_setting_if_absent(SETTING, &secrets.encrypt(CHECK, SETTING)?)
        .await?;
    let sealed = store.setting(SETTING).await?.unwrap_or_default();
    if secrets.decrypt(&sealed, SETTING).is_err() {
        bail!(
            "the master key is not the one this database was set up with: every instance \
             sharing a database needs the same TM_MASTER_KEY (or the same master.key file)"
        );
    }
    Ok(())
}
