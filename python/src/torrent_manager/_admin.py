"""Administration: users, instance settings and metrics (admins only)."""

from __future__ import annotations

from typing import List, Optional

from ._transport import JSON, Transport, _segment


class Admin(Transport):
    """Users, who may contact private targets and use the embedded engine, the
    registration mode and the Prometheus metrics."""

    def list_users(self) -> List[JSON]:
        """All users: ``[{id, username, is_admin, created_at}]``."""
        return self._request("GET", "/admin/users")

    def create_user(self, username: str, password: str, is_admin: bool = False) -> JSON:
        """Creates a user (also when registration is closed):
        ``{message, user_id, username, is_admin}``."""
        return self._request(
            "POST",
            "/admin/users",
            json={"username": username, "password": password, "is_admin": is_admin},
        )

    def update_user(
        self,
        user_id: str,
        password: Optional[str] = None,
        is_admin: Optional[bool] = None,
    ) -> JSON:
        """Changes a user's password and/or admin role (``None`` leaves it) and
        returns the user."""
        body: JSON = {}
        if password is not None:
            body["password"] = password
        if is_admin is not None:
            body["is_admin"] = is_admin
        return self._request("PUT", f"/admin/users/{_segment(user_id)}", json=body)

    def delete_user(self, user_id: str) -> JSON:
        """Deletes a user with their sessions, keys and servers: ``{message}``."""
        return self._request("DELETE", f"/admin/users/{_segment(user_id)}")

    def get_user_targets(self, user_id: str) -> JSON:
        """Whether a user may make the service contact private targets:
        ``{user_id, allow_private_targets, private_targets_allowed}``."""
        return self._request("GET", f"/admin/users/{_segment(user_id)}/targets")

    def set_user_targets(self, user_id: str, allow_private_targets: bool) -> JSON:
        """Lets a user (or stops letting them) register servers and add URLs on
        loopback, private or link-local addresses and unix sockets; returns
        what :meth:`get_user_targets` returns."""
        return self._request(
            "PUT",
            f"/admin/users/{_segment(user_id)}/targets",
            json={"allow_private_targets": allow_private_targets},
        )

    def get_user_engine(self, user_id: str) -> JSON:
        """Whether a user has a "This machine" server on the embedded engine:
        ``{user_id, engine_access}``."""
        return self._request("GET", f"/admin/users/{_segment(user_id)}/engine")

    def set_user_engine(self, user_id: str, engine_access: bool) -> JSON:
        """Gives a user a "This machine" server on this instance's embedded
        engine, or takes theirs away (their torrents stay, for admins to see).
        An admin's sees the whole engine; anyone else's only the torrents they
        add, which download in ``<downloads>/users/<user id>``. Returns what
        :meth:`get_user_engine` returns; 409 when this instance runs no engine."""
        return self._request(
            "PUT",
            f"/admin/users/{_segment(user_id)}/engine",
            json={"engine_access": engine_access},
        )

    def get_settings(self) -> JSON:
        """Instance settings: ``{"registration_mode": "open" | "closed"}``."""
        return self._request("GET", "/admin/settings")

    def set_registration_mode(self, mode: str) -> JSON:
        """Opens (``"open"``) or closes (``"closed"``) self-service registration;
        returns the settings."""
        return self._request("PUT", "/admin/settings", json={"registration_mode": mode})

    def metrics(self) -> str:
        """``GET /metrics``: the Prometheus text exposition (admins, or anyone
        when the server runs with ``--metrics-public``)."""
        return self._request_text("GET", "/metrics")
