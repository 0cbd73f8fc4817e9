"""A torrent's own files through the client: a real transmission-daemon
seeds a multi-file torrent whose data the test wrote into its download
folder, and a real nginx serves that folder as the server's HTTP location
(``http_download_root`` maps one onto the other)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from clients import RunningClient, start_client, wait_for
from torrent_files import make_multi_torrent
from torrent_manager import TorrentManagerError

FILES = {"01 intro.flac": 300_000, "disc 2/02 caf\u00e9.flac": 200_001}


@pytest.fixture
def nginx(transmission: RunningClient) -> Iterator[RunningClient]:
    yield from start_client("files", str(transmission.download_dir))


def shown_again(client, server_id: str, info_hash: str) -> None:
    """A changed server is polled afresh: wait until its torrent shows again."""
    def listed() -> bool:
        try:
            return bool(client.get_torrent(info_hash, server_id=server_id))
        except TorrentManagerError:
            return False
    wait_for(listed, what="the torrent to show again")


def test_a_torrent_downloads_as_a_zip_and_file_by_file(
    client, server_id: str, transmission: RunningClient, nginx: RunningClient, tmp_path: Path
) -> None:
    directory = transmission.download_dir
    path, info_hash = make_multi_torrent(directory, "Album", FILES)
    client.upload_torrent(str(path), server_id=server_id)
    wait_for(lambda: client.get_torrent(info_hash, server_id=server_id)["complete"],
             what="the torrent to verify complete")
    client.update_server(server_id, **nginx.server)
    shown_again(client, server_id, info_hash)
    with pytest.raises(TorrentManagerError) as refused:
        client.download_torrent(info_hash, server_id, output_path=tmp_path / "x.zip")
    assert refused.value.code == "no_http_mapping"
    client.update_server(server_id, http_download_root=str(directory))
    shown_again(client, server_id, info_hash)

    seen = []
    saved = client.download_torrent(info_hash, server_id, output_path=tmp_path / "album.zip",
                                    progress=lambda done, total: seen.append(done))
    assert saved == str(tmp_path / "album.zip")
    assert seen and seen[-1] == Path(saved).stat().st_size
    with zipfile.ZipFile(saved) as archive:
        assert sorted(archive.namelist()) == sorted(f"Album/{name}" for name in FILES)
        for name in FILES:
            assert archive.read(f"Album/{name}") == (directory / "Album" / name).read_bytes()

    listing = client.torrent_download_list(info_hash, server_id)
    assert listing["name"] == "Album"
    assert [(f["path"], f["size"]) for f in listing["files"]] == list(FILES.items())
    one = listing["files"][1]
    fetched = client.download_file(server_id, one["server_path"], output_path=tmp_path / "one")
    assert Path(fetched).read_bytes() == (directory / "Album" / one["path"]).read_bytes()

    # The goal's action is kept and answered.
    settings = client.set_torrent_settings(info_hash, server_id, action="remove_with_data")
    assert settings["seeding"]["action"] == "remove_with_data"
    assert zipfile.is_zipfile(io.BytesIO(Path(saved).read_bytes()))
