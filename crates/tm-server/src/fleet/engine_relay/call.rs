//! A relayed call and its answer, as JSON in the `engine_calls` table.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tm_backends::{AddTorrent, ErrorKind, FilePriority, TorrentClient, TorrentSource};

/// What an engine's adapter is asked. The engine has no category, move,
/// speed limits or bandwidth priority (its capabilities say so): those are
/// answered "unsupported" by the caller without a round trip.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Call {
    Probe,
    List,
    Get {
        hash: String,
    },
    GetMany {
        hashes: Vec<String>,
    },
    Add(Add),
    Start {
        hashes: Vec<String>,
    },
    Stop {
        hashes: Vec<String>,
    },
    Remove {
        hash: String,
        delete_data: bool,
    },
    Recheck {
        hashes: Vec<String>,
    },
    Reannounce {
        hashes: Vec<String>,
    },
    Files {
        hash: String,
    },
    SetFilePriorities {
        hash: String,
        priorities: Vec<(usize, FilePriority)>,
    },
    Peers {
        hash: String,
    },
    Trackers {
        hash: String,
    },
    SetLabels {
        hash: String,
        labels: Vec<String>,
    },
    ExportMetainfo {
        hash: String,
    },
    FreeSpace,
}

/// [`AddTorrent`] on the wire: a magnet, or a .torrent in base64.
#[derive(Debug, Serialize, Deserialize)]
pub struct Add {
    magnet: Option<String>,
    file: Option<String>,
    start: bool,
    labels: Vec<String>,
    save_path: Option<String>,
    category: Option<String>,
    skip_checking: bool,
}

impl From<AddTorrent> for Add {
    fn from(add: AddTorrent) -> Self {
        let (magnet, file) = match add.source {
            TorrentSource::Magnet(uri) => (Some(uri), None),
            TorrentSource::File(bytes) => (None, Some(encode(&bytes))),
        };
        Self {
            magnet,
            file,
            start: add.start,
            labels: add.labels,
            save_path: add.save_path,
            category: add.category,
            skip_checking: add.skip_checking,
        }
    }
}

impl Add {
    fn into_torrent(self) -> Result<AddTorrent, ErrorKind> {
        let source = match (self.magnet, self.file) {
            (Some(uri), _) => TorrentSource::Magnet(uri),
            (None, Some(file)) => TorrentSource::File(decode(&file)?),
            (None, None) => return Err(ErrorKind::Invalid("nothing to add".into())),
        };
        Ok(AddTorrent {
            source,
            start: self.start,
            labels: self.labels,
            save_path: self.save_path,
            category: self.category,
            skip_checking: self.skip_checking,
        })
    }
}

/// An answer: the result as JSON, or why not.
pub type Answer = Result<Value, ErrorKind>;

pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn decode(text: &str) -> Result<Vec<u8>, ErrorKind> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| ErrorKind::Malformed(format!("relayed bytes: {e}")))
}

/// Makes the call `body` on `client`: the answer as JSON.
pub async fn answer(client: &dyn TorrentClient, body: &str) -> String {
    let answer = match serde_json::from_str::<Call>(body) {
        Ok(call) => make(client, call).await,
        Err(error) => Err(ErrorKind::Malformed(format!("relayed call: {error}"))),
    };
    to_text(&answer)
}

/// An answer refusing the call, as JSON.
pub fn refusal(reason: &str) -> String {
    to_text(&Err(ErrorKind::Rejected(reason.to_owned())))
}

fn to_text(answer: &Answer) -> String {
    serde_json::to_string(answer)
        .unwrap_or_else(|_| r#"{"Err":{"Malformed":"an unwritable answer"}}"#.to_owned())
}

async fn make(client: &dyn TorrentClient, call: Call) -> Answer {
    match call {
        Call::Probe => json(client.probe().await),
        Call::List => json(client.list().await),
        Call::Get { hash } => json(client.get(&hash).await),
        Call::GetMany { hashes } => json(client.get_many(&hashes).await),
        Call::Add(add) => json(client.add(add.into_torrent()?).await),
        Call::Start { hashes } => json(client.start(&hashes).await),
        Call::Stop { hashes } => json(client.stop(&hashes).await),
        Call::Remove { hash, delete_data } => json(client.remove(&hash, delete_data).await),
        Call::Recheck { hashes } => json(client.recheck(&hashes).await),
        Call::Reannounce { hashes } => json(client.reannounce(&hashes).await),
        Call::Files { hash } => json(client.files(&hash).await),
        Call::SetFilePriorities { hash, priorities } => {
            json(client.set_file_priorities(&hash, &priorities).await)
        }
        Call::Peers { hash } => json(client.peers(&hash).await),
        Call::Trackers { hash } => json(client.trackers(&hash).await),
        Call::SetLabels { hash, labels } => json(client.set_labels(&hash, &labels).await),
        Call::ExportMetainfo { hash } => {
            json(client.export_metainfo(&hash).await.map(|b| encode(&b)))
        }
        Call::FreeSpace => json(client.free_space().await),
    }
}

fn json<T: Serialize>(result: tm_backends::Result<T>) -> Answer {
    let value = result.map_err(|error| error.kind)?;
    serde_json::to_value(value).map_err(|e| ErrorKind::Malformed(e.to_string()))
}
