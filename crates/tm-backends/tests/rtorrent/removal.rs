//! H-3: deleting with data removes exactly the torrent's own files.

use std::path::{Path, PathBuf};

use tm_backends::{DataRemoval, ErrorKind, RemoveOutcome, TorrentClient};
use tm_testkit::{RtorrentDaemon, TestTorrent};

use crate::common::{DEAD_TRACKER, add_paused, start_rtorrent};

/// Sets the torrent's directory as ruTorrent does for "don't add the name
/// to the path" (`d.directory_base.set`): its files go right into `dir`.
async fn set_directory_base(daemon: &RtorrentDaemon, hash: &str, dir: &str) {
    daemon
        .call("d.directory_base.set", &[&hash.to_uppercase(), dir])
        .await
        .unwrap();
}

/// Removes with data, expecting everything of the torrent to be deleted.
async fn remove_all(client: &dyn TorrentClient, hash: &str) -> RemoveOutcome {
    let outcome = client.remove(hash, true).await.unwrap();
    assert!(
        matches!(outcome.data, DataRemoval::Deleted { .. }),
        "{outcome:?}"
    );
    outcome
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.to_owned()
}

fn assert_all_exist(paths: &[PathBuf]) {
    for path in paths {
        assert!(path.exists(), "{} was deleted", path.display());
    }
}

fn assert_none_exist(paths: &[PathBuf]) {
    for path in paths {
        assert!(!path.exists(), "{} is still there", path.display());
    }
}

/// The torrent's files, relative to its data folder, at `dir`.
fn own_files(dir: &Path, files: &[(&str, usize)]) -> Vec<PathBuf> {
    files.iter().map(|(f, _)| dir.join(f)).collect()
}

/// A multi-file torrent named `name` whose files are copied into `dir`
/// directly (as with ruTorrent's "don't add the name to the path").
fn torrent_with_files_in(
    scratch: &Path,
    name: &str,
    files: &[(&str, usize)],
    dir: &Path,
) -> TestTorrent {
    let staging = scratch.join("staging").join(name);
    let torrent = TestTorrent::multi_file(&staging, name, files, Some(DEAD_TRACKER)).unwrap();
    for (file, _) in files {
        let to = dir.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(torrent.data_path.join(file), to).unwrap();
    }
    torrent
}

/// (a) Two different multi-file torrents named `Album` in one folder, plus
/// the user's own `keep.txt` there.
#[tokio::test]
async fn torrents_sharing_a_folder_keep_each_others_files() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let root = &daemon.download_dir;
    let first_files = [("one.flac", 20_000), ("disc/x.flac", 10_000)];
    let second_files = [("two.flac", 20_000), ("disc/y.flac", 10_000)];
    let first = TestTorrent::multi_file(root, "Album", &first_files, Some(DEAD_TRACKER)).unwrap();
    let second = TestTorrent::multi_file(root, "Album", &second_files, Some(DEAD_TRACKER)).unwrap();
    assert_ne!(first.info_hash, second.info_hash);
    let keep = write(&root.join("Album/keep.txt"), "mine");
    let h1 = client.add(add_paused(&first, root, &[])).await.unwrap();
    let h2 = client.add(add_paused(&second, root, &[])).await.unwrap();

    let outcome = client.remove(&h1, true).await.unwrap();
    let album = root.join("Album");
    assert_eq!(
        outcome.data,
        DataRemoval::Deleted {
            path: album.display().to_string()
        }
    );
    assert_none_exist(&own_files(&album, &first_files));
    assert_all_exist(&own_files(&album, &second_files));
    assert_all_exist(&[keep]);
    assert!(client.get(&h2).await.unwrap().is_some());
    let files = serde_json::to_value(&outcome).unwrap()["files"].clone();
    assert_eq!(files["deleted"], 2, "{files}");
    assert_eq!(files["removed_dirs"], 0, "{files}");
}

/// (b) ruTorrent's layout: `d.directory_base.set` to a shared category
/// folder holding other files.
#[tokio::test]
async fn category_folder_keeps_its_other_files() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let root = &daemon.download_dir;
    let tv = root.join("tv");
    let files = [("e01.mkv", 20_000), ("extras/e01.srt", 100)];
    let torrent = torrent_with_files_in(daemon.scratch_dir(), "Show", &files, &tv);
    let others = [
        write(&tv.join("other.mkv"), "other show"),
        write(&tv.join("extras/other.srt"), "other subs"),
    ];
    let hash = client.add(add_paused(&torrent, root, &[])).await.unwrap();
    set_directory_base(&daemon, &hash, &tv.display().to_string()).await;

    remove_all(client.as_ref(), &hash).await;
    assert_none_exist(&own_files(&tv, &files));
    assert_all_exist(&others);
}

/// (c) A save path like `/home` and a torrent named like an existing
/// directory there (`/home/rtorrent`) full of the user's files.
#[tokio::test]
async fn name_matching_an_existing_directory_keeps_its_files() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let home = daemon.download_dir.join("home");
    let user = home.join("rtorrent");
    let mine = [
        write(&user.join(".bashrc"), "alias x=y"),
        write(&user.join("docs/cv.txt"), "cv"),
    ];
    let files = [("a.bin", 20_000), ("docs/b.bin", 1_000)];
    let torrent = TestTorrent::multi_file(&home, "rtorrent", &files, Some(DEAD_TRACKER)).unwrap();
    let hash = client.add(add_paused(&torrent, &home, &[])).await.unwrap();

    remove_all(client.as_ref(), &hash).await;
    assert_none_exist(&own_files(&user, &files));
    assert_all_exist(&mine);
}

/// (d) The download directory itself spelled with `//`: the old string
/// comparison did not see it was the download directory.
#[tokio::test]
async fn double_slash_spelling_of_the_download_directory() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let root = &daemon.download_dir;
    let files = [("pack1.bin", 20_000), ("pack/2.bin", 1_000)];
    let torrent = torrent_with_files_in(daemon.scratch_dir(), "Pack", &files, root);
    let others = [
        write(&root.join("other.txt"), "someone else's"),
        write(&root.join("pack/other.bin"), "someone else's"),
    ];
    let hash = client.add(add_paused(&torrent, root, &[])).await.unwrap();
    let spelled = format!(
        "{}//{}",
        root.parent().unwrap().display(),
        root.file_name().unwrap().to_string_lossy()
    );
    set_directory_base(&daemon, &hash, &spelled).await;

    remove_all(client.as_ref(), &hash).await;
    assert_none_exist(&own_files(root, &files));
    assert_all_exist(&others);
    assert!(root.is_dir(), "the download directory itself must stay");
}

/// (e) A data path that is a symlink (with a trailing slash) to a folder
/// outside the download directory: nothing there is touched.
#[tokio::test]
async fn symlink_out_of_the_download_directory_is_refused() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let root = &daemon.download_dir;
    let outside = daemon.scratch_dir().join("outside");
    let files = [("o1.bin", 20_000), ("sub/o2.bin", 1_000)];
    let torrent = torrent_with_files_in(daemon.scratch_dir(), "Linked", &files, &outside);
    let precious = write(&outside.join("precious.txt"), "not a download");
    let link = root.join("link");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let hash = client.add(add_paused(&torrent, root, &[])).await.unwrap();
    set_directory_base(&daemon, &hash, &format!("{}/", link.display())).await;

    let result = client.remove(&hash, true).await;
    let mut everything = own_files(&outside, &files);
    everything.push(precious);
    assert_all_exist(&everything);
    let err = result.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Unsafe(reason) if reason.contains("outside")),
        "{err}"
    );
    assert!(link.exists(), "the link stays too");
    assert!(
        client.get(&hash).await.unwrap().is_some(),
        "a refused deletion keeps the torrent"
    );
}

/// (e) One file of a torrent is a symlink to a file outside: that file is
/// kept and reported, the rest goes.
#[tokio::test]
async fn a_file_linking_out_is_kept_and_reported() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let root = &daemon.download_dir;
    let files = [("a.bin", 20_000), ("b.bin", 1_000)];
    let torrent = TestTorrent::multi_file(root, "Mixed", &files, Some(DEAD_TRACKER)).unwrap();
    let secret = write(&daemon.scratch_dir().join("secret.bin"), "secret");
    let linked = torrent.data_path.join("b.bin");
    std::fs::remove_file(&linked).unwrap();
    std::os::unix::fs::symlink(&secret, &linked).unwrap();
    let hash = client.add(add_paused(&torrent, root, &[])).await.unwrap();

    let outcome = client.remove(&hash, true).await.unwrap();
    let DataRemoval::Failed { reason, .. } = &outcome.data else {
        panic!("{outcome:?}")
    };
    assert!(reason.contains("kept 1"), "{reason}");
    assert_none_exist(&[torrent.data_path.join("a.bin")]);
    assert_all_exist(&[secret]);
    let files = serde_json::to_value(&outcome).unwrap()["files"].clone();
    assert_eq!(files["deleted"], 1, "{files}");
    assert_eq!(files["kept"][0]["path"], linked.display().to_string());
    assert!(client.get(&hash).await.unwrap().is_none());
}

/// Data outside rTorrent's download directory is never deleted: refused,
/// and the torrent stays.
#[tokio::test]
async fn data_outside_the_download_directory_is_refused() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let elsewhere = daemon.scratch_dir().join("data");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let torrent =
        TestTorrent::single_file(&elsewhere, "keep.bin", 5000, Some(DEAD_TRACKER)).unwrap();
    let hash = client
        .add(add_paused(&torrent, &elsewhere, &[]))
        .await
        .unwrap();
    let err = client.remove(&hash, true).await.unwrap_err();
    assert!(
        matches!(&err.kind, ErrorKind::Unsafe(reason) if reason.contains("download directory")),
        "{err}"
    );
    assert!(client.get(&hash).await.unwrap().is_some());
    assert_all_exist(&[torrent.data_path]);
}

/// (f) The normal case: all data of a single-file and a multi-file torrent
/// goes, and so do the directories left empty; the outcome's JSON shape.
#[tokio::test]
async fn removes_all_own_data_and_empty_directories() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let root = &daemon.download_dir;
    let single = TestTorrent::single_file(root, "solo.bin", 30_000, Some(DEAD_TRACKER)).unwrap();
    let files = [
        ("a.bin", 20_000),
        ("sub/deep/b.bin", 1_000),
        ("sub/c.bin", 100),
        ("gone.bin", 10),
    ];
    let multi = TestTorrent::multi_file(root, "Full", &files, Some(DEAD_TRACKER)).unwrap();
    // Never downloaded: counted as missing, not as a failure.
    std::fs::remove_file(multi.data_path.join("gone.bin")).unwrap();
    let h1 = client.add(add_paused(&single, root, &[])).await.unwrap();
    let h2 = client.add(add_paused(&multi, root, &[])).await.unwrap();

    let outcome = client.remove(&h1, true).await.unwrap();
    assert_eq!(
        serde_json::to_value(&outcome).unwrap(),
        serde_json::json!({
            "info_hash": h1,
            "data": {"result": "deleted", "path": single.data_path.display().to_string()},
            "files": {"deleted": 1, "missing": 0, "removed_dirs": 0, "kept": [], "failed": []}
        })
    );
    assert_none_exist(&[single.data_path]);

    let outcome = client.remove(&h2, true).await.unwrap();
    assert_eq!(
        serde_json::to_value(&outcome).unwrap(),
        serde_json::json!({
            "info_hash": h2,
            "data": {"result": "deleted", "path": multi.data_path.display().to_string()},
            "files": {"deleted": 3, "missing": 1, "removed_dirs": 3, "kept": [], "failed": []}
        })
    );
    assert_none_exist(&[multi.data_path]);
    assert!(root.is_dir());

    // Without data: nothing is touched and there is no file report.
    let again = TestTorrent::single_file(root, "stay.bin", 100, Some(DEAD_TRACKER)).unwrap();
    let h3 = client.add(add_paused(&again, root, &[])).await.unwrap();
    let outcome = client.remove(&h3, false).await.unwrap();
    assert_eq!(
        serde_json::to_value(&outcome).unwrap(),
        serde_json::json!({
            "info_hash": h3,
            "data": {"result": "kept", "path": again.data_path.display().to_string()},
        })
    );
    assert_all_exist(&[again.data_path]);
}
