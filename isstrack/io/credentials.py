"""Service URLs with credentials (SMTP, MQTT): parsed strictly, secrets kept out of messages and records.

A password comes from the URL only when the URL itself came from the environment; else from
`<PREFIX>_PASSWORD` in the environment, or from the file `<PREFIX>_PASSWORD_FILE` names, which must
be a regular file owned by the user and readable by no one else (like ssh's private keys).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from isstrack.errors import BadInputError

MAX_SECRET_BYTES = 4096
MAX_URL_CHARS = 2048


@dataclass(frozen=True)
class ServiceUrl:
    """A server to talk to: scheme, host, port, user, password (never shown), and query options."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str, default: str = "") -> str:
        """Return the query option `name` (the last one given), else `default`."""
        found = [value for key, value in self.options if key == name]
        return found[-1] if found else default

    @property
    def label(self) -> str:
        """Return the URL as shown to people: scheme://[user@]host:port, never the password."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{_printable(self.username)}@" if self.username else ""
        return f"{self.scheme}://{user}{_printable(host)}:{self.port}"

    @property
    def loopback(self) -> bool:
        """Return whether the host is this machine (where a password sent in clear stays local)."""
        return self.host in ("localhost", "::1") or self.host.startswith("127.")


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)


def redact_url(url: str) -> str:
    """Return `url` as scheme://host[:port] at most, for messages about a URL that did not parse."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "(an unparsable URL)"
    host = _printable(parts.hostname or "?")
    return f"{_printable(parts.scheme) or '?'}://{host}{f':{port}' if port else ''}"


def parse_service_url(
    url: str, what: str, default_ports: dict[str, int], example: str, *, password_allowed: bool
) -> ServiceUrl:
    """Return the parts of `url` (one of `default_ports`' schemes), or raise BadInputError naming `what`.

    With `password_allowed` False (the URL was typed on a command line, which other users can see
    in the process list, or read from a shared configuration file), a password in it is refused.
    """
    text = url.strip()
    if len(text) > MAX_URL_CHARS:
        raise BadInputError(f"{what} is {len(text)} characters long; give a URL like {example}")
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        raise BadInputError(f"{what} {redact_url(text)} contains spaces or control characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise BadInputError(f"{what} {redact_url(text)} is not a valid URL, like {example}") from None
    scheme = parts.scheme.lower()
    if scheme not in default_ports or not parts.hostname:
        schemes = " or ".join(f"{name}://" for name in default_ports)
        raise BadInputError(f"{what} needs a {schemes} URL with a host, like {example}")
    if parts.path not in ("", "/") or parts.fragment:
        raise BadInputError(f"{what} {redact_url(text)} has a path; give scheme://host[:port] only")
    if parts.password is not None and not password_allowed:
        raise BadInputError(
            f"{what} {redact_url(text)} holds a password where others can read it; "
            f"leave it out and set it in the environment or a file only you can read (docs/alerts.md)"
        )
    return ServiceUrl(
        scheme,
        parts.hostname,
        port or default_ports[scheme],
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password is not None else None,
        tuple(parse_qsl(parts.query, keep_blank_values=True)),
    )


def with_credentials(
    service: ServiceUrl, prefix: str, password_file: tuple[Path, str] | None = None
) -> ServiceUrl:
    """Return `service` with user and password from `<prefix>_USER`, `_PASSWORD` or `_PASSWORD_FILE`,
    else from `password_file` (its path, and what to call it in messages)."""
    username = service.username or os.environ.get(f"{prefix}_USER") or None
    password = service.password
    if password is None:
        password = os.environ.get(f"{prefix}_PASSWORD") or None
    if password is None and os.environ.get(f"{prefix}_PASSWORD_FILE"):
        password = read_secret_file(Path(os.environ[f"{prefix}_PASSWORD_FILE"]), f"{prefix}_PASSWORD_FILE")
    if password is None and password_file is not None:
        password = read_secret_file(*password_file)
    if password is not None and username is None:
        raise BadInputError(
            f"a password is set for {service.label} but no user; put it in the URL (scheme://USER@host) "
            f"or set {prefix}_USER"
        )
    return ServiceUrl(service.scheme, service.host, service.port, username, password, service.options)


def read_secret_file(path: Path, what: str) -> str:
    """Return the first line of a secret file readable by its owner, this user, alone; else raise."""
    label = f"{what} {_printable(str(path))}"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise BadInputError(f"{label}: cannot open it ({exc.strerror}); give a readable file") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadInputError(f"{label} is not a regular file (a symlink, FIFO or device); give a file")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise BadInputError(f"{label} belongs to another user; keep the password in a file of your own")
        if info.st_mode & 0o077:
            raise BadInputError(
                f"{label} can be read by others (mode {stat.S_IMODE(info.st_mode):o}); run chmod 600 on it"
            )
        data = os.read(fd, MAX_SECRET_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_SECRET_BYTES:
        raise BadInputError(f"{label} is over {MAX_SECRET_BYTES} bytes; it should hold the password alone")
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise BadInputError(f"{label} is not UTF-8 text; it should hold the password alone") from None
    if not lines or not lines[0]:
        raise BadInputError(f"{label} is empty; put the password on its first line")
    return lines[0]
