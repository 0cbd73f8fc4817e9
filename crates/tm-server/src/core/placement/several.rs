//! Adding one torrent to several servers at once: each server's add
//! succeeds or fails on its own, and the answer has one outcome per server.

use tm_api_types::{AUTO_SERVER, AddOutcome, AddTorrentRequest, MultiAddResponse};

use super::super::{Core, Error, Filing, Result, User};

/// Most servers one add may go to.
const MAX_SERVERS: usize = 32;

impl Core {
    /// `POST /torrents` with `server_ids`.
    pub async fn add_torrent_to_servers(
        &self,
        user: &User,
        request: AddTorrentRequest,
    ) -> Result<MultiAddResponse> {
        let server_ids = checked_server_ids(request.server_ids)?;
        let filing = Filing::labelled(request.start, request.labels, request.save_path);
        let mut outcomes = Vec::with_capacity(server_ids.len());
        for id in server_ids {
            let result = self
                .add_uri(user, &request.uri, Some(&id), filing.clone())
                .await
                .map(|added| (added.server_name, added.message, added.info_hash));
            outcomes.push(self.outcome(user, id, result).await);
        }
        Ok(MultiAddResponse::new(outcomes))
    }

    /// `POST /torrents/upload` with `server_ids`.
    pub async fn upload_torrent_to_servers(
        &self,
        user: &User,
        server_ids: Vec<String>,
        filing: Filing,
        bytes: Vec<u8>,
    ) -> Result<MultiAddResponse> {
        let server_ids = checked_server_ids(server_ids)?;
        let mut outcomes = Vec::with_capacity(server_ids.len());
        for id in server_ids {
            let result = self
                .upload_torrent(user, Some(&id), filing.clone(), bytes.clone())
                .await
                .map(|added| (added.server_name, added.message, added.info_hash));
            outcomes.push(self.outcome(user, id, result).await);
        }
        Ok(MultiAddResponse::new(outcomes))
    }

    /// One server's outcome; a failed add is named by the server's name
    /// when the server is the user's.
    async fn outcome(
        &self,
        user: &User,
        server_id: String,
        result: Result<(String, String, String)>,
    ) -> AddOutcome {
        match result {
            Ok((server_name, message, info_hash)) => AddOutcome {
                server_id,
                server_name,
                success: true,
                message,
                info_hash: Some(info_hash),
            },
            Err(error) => {
                let server_name = match self.server_row(user, &server_id).await {
                    Ok(row) => row.name,
                    Err(_) => String::new(),
                };
                AddOutcome {
                    server_id,
                    server_name,
                    success: false,
                    message: error.public_detail(),
                    info_hash: None,
                }
            }
        }
    }
}

/// The servers asked for, each once; `auto` has no place in a list.
fn checked_server_ids(ids: Vec<String>) -> Result<Vec<String>> {
    let mut checked: Vec<String> = Vec::new();
    for id in ids {
        let id = id.trim().to_string();
        if id.is_empty() || checked.contains(&id) {
            continue;
        }
        if id == AUTO_SERVER {
            return Err(Error::Invalid(
                "server_ids lists servers; use server_id \"auto\" for placement".into(),
            ));
        }
        checked.push(id);
    }
    match checked.len() {
        0 => Err(Error::Invalid("server_ids is empty".into())),
        n if n > MAX_SERVERS => Err(Error::Invalid(format!(
            "an add may go to at most {MAX_SERVERS} servers"
        ))),
        _ => Ok(checked),
    }
}
