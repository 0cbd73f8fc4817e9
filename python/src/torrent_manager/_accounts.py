"""Accounts, sessions and API keys."""

from __future__ import annotations

from typing import List, Optional

from ._transport import JSON, Transport, _segment


class Accounts(Transport):
    """Registering, logging in and out, your sessions and your API keys."""

    def register(self, username: str, password: str) -> JSON:
        """Creates an account: ``{message, user_id, username}``.

        The first account of an instance becomes its admin. Usernames are 3 to
        64 letters, digits, ``.``, ``_`` or ``-``; passwords at least 8 characters.
        """
        return self._request(
            "POST", "/auth/register", json={"username": username, "password": password}
        )

    def login(self, username: str, password: str, remember_me: bool = False) -> JSON:
        """Logs in with a password: ``{message, user_id, username}``.

        The session cookie (and, with ``remember_me``, a long-lived remember-me
        cookie) is kept on this client for the following calls.
        """
        return self._request(
            "POST",
            "/auth/login",
            json={"username": username, "password": password, "remember_me": remember_me},
        )

    def logout(self) -> JSON:
        """Ends the session: ``{"message": "Logout successful"}``; forgets the cookies."""
        result = self._request("POST", "/auth/logout")
        self.session.cookies.clear()
        return result

    def change_password(self, current_password: str, new_password: str) -> JSON:
        """Changes the logged-in user's password: ``{"message": ...}``.

        Needs a password login (not an API key). This session stays; the
        user's other sessions and remember-me tokens end; API keys keep
        working. A wrong ``current_password`` raises ``TorrentManagerError`` with ``status_code`` 403.
        """
        return self._request(
            "POST",
            "/auth/password",
            json={"current_password": current_password, "new_password": new_password},
        )

    def get_me(self) -> JSON:
        """The caller: ``{user_id, username, is_admin, created_at, auth_method}``.

        ``auth_method`` is ``"session"`` or ``"api_key"``.
        """
        return self._request("GET", "/auth/me")

    def auth_status(self) -> JSON:
        """What a first visitor needs to know, without logging in:
        ``{"has_users": bool, "registration_open": bool}``. With no account
        yet, the first one to register becomes the admin."""
        return self._request("GET", "/auth/status")

    def list_sessions(self) -> List[JSON]:
        """The caller's unexpired browser sessions, newest first:
        ``[{id, created_at, last_seen_at, expires_at, user_agent, current}]``.

        ``current`` marks this client's own session (none with an API key).
        """
        return self._request("GET", "/auth/sessions")["sessions"]

    def end_session(self, session_id: str) -> JSON:
        """Ends one of the caller's sessions and its remember-me token: ``{message}``.

        Needs a password login; an unknown id raises ``TorrentManagerError``
        with ``status_code`` 404.
        """
        return self._request("DELETE", f"/auth/sessions/{_segment(session_id)}")

    def end_other_sessions(self) -> JSON:
        """Ends all the caller's sessions and remember-me tokens except this
        client's: ``{message, ended}``. API keys keep working. Needs a password login."""
        return self._request("DELETE", "/auth/sessions")

    # API keys (need a password login, not an API key)

    def create_api_key(self, name: str, expires_days: Optional[int] = None) -> JSON:
        """Creates an API key: ``{message, api_key, prefix, name, expires_at, warning}``.

        The full key is in this answer only. ``expires_days`` (1 to 3650)
        omitted means the key never expires.
        """
        body: JSON = {"name": name}
        if expires_days is not None:
            body["expires_days"] = expires_days
        return self._request("POST", "/auth/api-keys", json=body)

    def list_api_keys(self) -> JSON:
        """The caller's keys: ``{"api_keys": [{prefix, name, created_at, last_used_at, expires_at}]}``."""
        return self._request("GET", "/auth/api-keys")

    def revoke_api_key(self, key_prefix: str) -> JSON:
        """Revokes the key with this prefix (8 characters): ``{message, name}``."""
        return self._request("DELETE", f"/auth/api-keys/{_segment(key_prefix)}")
