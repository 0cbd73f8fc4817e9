"""Jobs: work the server goes on with after answering, today moving a
torrent with its data from one of your servers to another."""

from __future__ import annotations

import time
from typing import Callable, List, Optional

from ._transport import JSON, Transport, _segment

#: Seconds between two looks at a job in :meth:`Jobs.wait_for_job`.
POLL_INTERVAL = 1.0


class Jobs(Transport):
    """``POST /torrents/{info_hash}/move``, ``GET /jobs``, ``GET /jobs/{id}``,
    ``POST /jobs/{id}/cancel``.

    A job is ``{id, kind: "move", state: running|succeeded|failed|canceled,
    phase: adding|downloading|verifying|removing_source|done, info_hash,
    name, from_server_id, to_server_id, save_path, remove_source,
    delete_data, size, progress (0 to 1), download_rate, message,
    created_at, updated_at, finished_at}``."""

    def move_to_server(
        self,
        info_hash: str,
        from_server_id: str,
        to_server_id: str,
        save_path: Optional[str] = None,
        remove_source: bool = True,
        delete_data: bool = False,
    ) -> JSON:
        """Starts moving the torrent to ``to_server_id``: the target downloads
        the data from the source over BitTorrent and verifies it; only then
        is the source removed (when ``remove_source``; its data too with
        ``delete_data``). Returns the running job::

            job = client.move_to_server(info_hash, box["id"], nas["id"])
            job = client.wait_for_job(job["id"], timeout=3600)
            if job["state"] != "succeeded":
                print("not moved:", job["message"])

        Raises :class:`~torrent_manager.errors.TorrentManagerError`
        (``code`` ``server_not_found``, ``torrent_not_found``,
        ``metainfo_missing``, ``incomplete``, ``conflict``…) when it cannot start.
        """
        body: JSON = {
            "from_server_id": from_server_id,
            "to_server_id": to_server_id,
            "remove_source": remove_source,
            "delete_data": delete_data,
        }
        if save_path is not None:
            body["save_path"] = save_path
        return self._request("POST", f"/torrents/{_segment(info_hash)}/move", json=body)

    def list_jobs(self) -> List[JSON]:
        """Your jobs, newest first."""
        return self._request("GET", "/jobs")["jobs"]

    def get_job(self, job_id: str) -> JSON:
        """One job as it is now (phase, progress, rate, outcome)."""
        return self._request("GET", f"/jobs/{_segment(job_id)}")

    def cancel_job(self, job_id: str) -> JSON:
        """Stops a running job (a canceled move leaves the source as it was)
        and returns it; raises (409) once it has finished."""
        return self._request("POST", f"/jobs/{_segment(job_id)}/cancel")

    def wait_for_job(
        self,
        job_id: str,
        timeout: Optional[float] = None,
        on_update: Optional[Callable[[JSON], None]] = None,
    ) -> JSON:
        """Looks at the job every second until it has finished and returns
        it; after ``timeout`` seconds (``None``: no limit) returns it as last
        seen, still ``running``. ``on_update`` gets every answer, e.g. to
        print the progress."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get_job(job_id)
            if on_update is not None:
                on_update(job)
            if job["state"] != "running":
                return job
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return job
            time.sleep(POLL_INTERVAL if left is None else min(POLL_INTERVAL, left))
