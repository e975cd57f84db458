"""A real SMTP server (aiosmtpd) on 127.0.0.1, and raw TCP servers that refuse, hang or drop mid-DATA."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server accepted: envelopes and parsed messages, and the logins tried."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        self.box.raw.append(data)
        self.box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        parsed = message_from_bytes(data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.box.messages.append(parsed)
        return "250 OK"


@contextlib.contextmanager
def smtp_server(user: str | None = None, password: str | None = None) -> Iterator[tuple[int, Mailbox]]:
    """Run aiosmtpd on 127.0.0.1 (with AUTH PLAIN/LOGIN for `user` when given); yield (port, mailbox)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    box = Mailbox()

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode(), auth_data.password.decode()
            box.logins.append(login)
            return AuthResult(success=login == (user, password), handled=False)
        return AuthResult(success=False, handled=False)

    port = free_port()
    options: dict[str, Any] = {}
    if user is not None:
        options = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


Script = Callable[[socket.socket], None]


@contextlib.contextmanager
def raw_smtp(script: Script) -> Iterator[int]:
    """Run a TCP server on 127.0.0.1 that plays `script` on each connection; yield its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    conns: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conns.append(conn)
            threading.Thread(target=_play, args=(script, conn), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(2)
        listener.close()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.close()


def _play(script: Script, conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.settimeout(30)
        script(conn)


def hang_silently(conn: socket.socket) -> None:
    """Accept and never greet (a server that hangs)."""
    with contextlib.suppress(OSError):
        conn.recv(1024)


def drop_mid_data(conn: socket.socket) -> None:
    """Speak SMTP up to DATA, read part of the message, then close the connection without a reply."""
    handle = conn.makefile("rb")
    conn.sendall(b"220 raw ESMTP\r\n")
    while True:
        line = handle.readline()
        if not line:
            return
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            conn.sendall(b"250 raw\r\n")
        elif verb == b"DATA":
            conn.sendall(b"354 go on\r\n")
            handle.readline()  # a line of the message, then the connection goes
            conn.shutdown(socket.SHUT_RDWR)
            conn.close()
            return
        else:
            conn.sendall(b"250 OK\r\n")


def self_signed(folder: Path) -> tuple[Path, Path]:
    """Make a certificate for 127.0.0.1 and its key with the openssl tool; return (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


@contextlib.contextmanager
def tls_smtp_server(
    cert: Path, key: Path, *, implicit: bool, user: str, password: str
) -> Iterator[tuple[int, Mailbox]]:
    """Run aiosmtpd with TLS from the start (implicit) or with STARTTLS required; yield (port, mailbox)."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    box = Mailbox()

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        assert isinstance(auth_data, LoginPassword)
        login = auth_data.login.decode(), auth_data.password.decode()
        box.logins.append(login)
        return AuthResult(success=login == (user, password), handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = free_port()
    options: dict[str, Any] = {"authenticator": authenticator, "auth_required": True}
    if implicit:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; this connection is TLS from its first byte.
        options["auth_require_tls"] = False
        controller = Controller(
            _Handler(box), hostname="127.0.0.1", port=port, ssl_context=context, **options
        )
    else:
        controller = Controller(
            _Handler(box),
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            **options,
        )
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()
