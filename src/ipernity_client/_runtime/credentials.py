"""Tokens kept between runs, one entry per api_key: a file only its owner can read, or the keyring.

The file is ``credentials.json`` in the user's config directory (platformdirs), in
``IPERNITY_CONFIG_DIR`` when that is set (a server with no home directory), or in the directory
given. It is written with mode 0600 and refused, with the command that fixes it, when others can
read it. ``CredentialStore(keyring=True)`` keeps the entries in the system keyring instead (the
``keyring`` extra).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import environment
from .auth import Member, OAuthToken, Token, member_of
from .errors import IpernityError

__all__ = ["CONFIG_DIR_VARIABLE", "CredentialStore", "CredentialsError", "default_directory"]

APP_NAME = "ipernity-client"
FILE_NAME = "credentials.json"
CONFIG_DIR_VARIABLE = environment.CONFIG_DIR
FORMAT_VERSION = 1
_lock = threading.Lock()


class CredentialsError(IpernityError):
    """The credential store cannot be read or written safely; the message says what to do."""


def default_directory(environ: Mapping[str, str] | None = None) -> Path:
    """``IPERNITY_CONFIG_DIR`` when set, else the user's config directory for ipernity-client."""
    override = (os.environ if environ is None else environ).get(CONFIG_DIR_VARIABLE, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def _entry(token: Token | OAuthToken) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "token": token.token,
        "user": token.user._asdict() if token.user is not None else None,
        "permissions": dict(token.permissions),
    }
    if isinstance(token, OAuthToken):
        entry["secret"] = token.secret
    return entry


def _token(entry: object) -> Token | OAuthToken | None:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("token"), str):
        return None
    raw = entry.get("permissions")
    permissions = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    user: Member | None = member_of(entry.get("user"))
    secret = entry.get("secret")
    if isinstance(secret, str):
        return OAuthToken(entry["token"], secret, user, permissions)
    return Token(entry["token"], user, permissions)


def _check_key(api_key: object) -> str:
    if not isinstance(api_key, str) or not api_key.strip():
        raise CredentialsError(f"credentials are kept by api_key, a non-empty str, not {api_key!r}")
    return api_key.strip()


class CredentialStore:
    """Saves, loads and deletes a member's token (frob flow or OAuth) for each api_key."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, keyring: bool = False) -> None:
        self.directory = Path(directory).expanduser() if directory is not None else default_directory()
        self.keyring = keyring
        if keyring:
            try:
                import keyring as _keyring  # noqa: F401
            except ImportError:
                raise CredentialsError(
                    "CredentialStore(keyring=True) needs the keyring package: pip install 'ipernity-client[keyring]'"
                ) from None

    @property
    def path(self) -> Path:
        """The credentials file (unused with ``keyring=True``)."""
        return self.directory / FILE_NAME

    def __repr__(self) -> str:
        where = "keyring" if self.keyring else str(self.path)
        return f"CredentialStore({where!r})"

    def load(self, api_key: str) -> Token | OAuthToken | None:
        """The token saved for ``api_key``, or None."""
        key = _check_key(api_key)
        if self.keyring:
            text = self._keyring_call("get_password", key)
            try:
                return _token(json.loads(text)) if isinstance(text, str) else None
            except json.JSONDecodeError:
                raise CredentialsError(f"the keyring entry of {key} is not a credentials entry") from None
        with _lock:
            return _token(self._read().get(key))

    def save(self, api_key: str, token: Token | OAuthToken) -> None:
        """Keep ``token`` for ``api_key``, replacing what was there."""
        key = _check_key(api_key)
        if not isinstance(token, (Token, OAuthToken)):
            raise CredentialsError(f"only a Token or OAuthToken can be saved, not a {type(token).__name__}")
        if self.keyring:
            self._keyring_call("set_password", key, json.dumps(_entry(token)))
            return
        with _lock:
            entries = self._read()
            entries[key] = _entry(token)
            self._write(entries)

    def delete(self, api_key: str) -> bool:
        """Forget the token of ``api_key``; whether there was one."""
        key = _check_key(api_key)
        if self.keyring:
            import keyring.errors

            try:
                self._keyring_call("delete_password", key)
            except CredentialsError as error:
                if isinstance(error.__cause__, keyring.errors.PasswordDeleteError):
                    return False
                raise
            return True
        with _lock:
            entries = self._read()
            if entries.pop(key, None) is None:
                return False
            self._write(entries)
            return True

    def _keyring_call(self, name: str, *args: str) -> Any:
        import keyring
        import keyring.errors

        try:
            return getattr(keyring, name)(APP_NAME, *args)
        except keyring.errors.KeyringError as error:
            raise CredentialsError(
                f"the system keyring refused to {name.replace('_', ' ')}: {type(error).__name__}"
            ) from error

    def _read(self) -> dict[str, Any]:
        path = self.path
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise CredentialsError(f"cannot read {path}: {error.strerror}") from None
        if os.name != "nt" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise CredentialsError(
                f"{path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
                f"make it private with: chmod 600 {path}"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CredentialsError(f"{path} is not a readable credentials file ({type(error).__name__})") from None
        apps = data.get("apps") if isinstance(data, dict) else None
        if not isinstance(apps, dict):
            raise CredentialsError(f"{path} is not a credentials file (no 'apps' table); remove it to start afresh")
        return apps

    def _write(self, entries: dict[str, Any]) -> None:
        """Write a private temporary file (mkstemp: mode 0600) and move it in place: never a half-written file."""
        temporary = None
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".credentials-", dir=self.directory)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": FORMAT_VERSION, "apps": entries}, out, indent=2, sort_keys=True)
            os.replace(temporary, self.path)
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            raise CredentialsError(f"cannot write {self.path}: {error.strerror}") from None
