//! A zip of files from a seedbox's web server, written as it is sent: each
//! file is fetched in turn and streamed into a stored (uncompressed) entry,
//! so no file is ever held whole. A failure mid-way ends the body with an
//! error (the client sees a broken transfer, never a short zip that looks
//! whole).

use std::io;
use std::pin::Pin;

use bytes::Bytes;
use futures::{AsyncWriteExt, Stream, StreamExt};
use tokio_util::io::ReaderStream;

use super::seedbox_files::Location;
use super::seedbox_path::RelativePath;

/// How much of the zip may wait between the writer and the response.
const PIPE_BYTES: usize = 256 * 1024;

/// One file of the zip.
pub struct ZipItem {
    /// Its name in the zip (`/`-separated).
    pub name: String,
    /// What the client says the file holds: a different length served is
    /// a failure, not a silently different file.
    pub size: u64,
    pub file: RelativePath,
}

/// The zip of `items`, fetched from `location` one after another while the
/// body is read.
pub fn stream(
    location: Location,
    items: Vec<ZipItem>,
) -> Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>> {
    let (writer, reader) = tokio::io::duplex(PIPE_BYTES);
    let (done, finished) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let result = write_zip(&location, items, writer).await;
        if let Err(error) = &result {
            tracing::warn!(%error, "a torrent's zip broke off");
        }
        let _ = done.send(result);
    });
    let outcome = futures::stream::once(async move {
        match finished.await {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(Err(error)),
            Err(_) => Some(Err(io::Error::other("the zip was not finished"))),
        }
    })
    .filter_map(futures::future::ready);
    Box::pin(ReaderStream::new(reader).chain(outcome))
}

async fn write_zip(
    location: &Location,
    items: Vec<ZipItem>,
    writer: tokio::io::DuplexStream,
) -> io::Result<()> {
    let mut zip = async_zip::tokio::write::ZipFileWriter::with_tokio(writer);
    for item in items {
        let download = location
            .download(&item.file, item.name.clone(), None)
            .await
            .map_err(|e| io::Error::other(e.to_string()))?;
        let entry = async_zip::ZipEntryBuilder::new(
            item.name.clone().into(),
            async_zip::Compression::Stored,
        )
        .unix_permissions(0o100644);
        let mut entry_writer = zip.write_entry_stream(entry).await.map_err(zip_error)?;
        let mut body = download.body;
        let mut written: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            written += chunk.len() as u64;
            entry_writer.write_all(&chunk).await?;
        }
        if written != item.size {
            return Err(io::Error::other(format!(
                "'{}' is {written} bytes on the web server, not the torrent's {}",
                item.name, item.size
            )));
        }
        entry_writer.close().await.map_err(zip_error)?;
    }
    zip.close().await.map_err(zip_error)?;
    Ok(())
}

fn zip_error(error: async_zip::error::ZipError) -> io::Error {
    io::Error::other(error.to_string())
}
