"""E-mail alerts: one message per pass in the words Spot the Station used, sent over SMTP with deadlines.

The server is a URL, `smtp://[USER@]HOST[:PORT]` (STARTTLS when offered, port 587 by default) or
`smtps://…` (TLS from the start, port 465), with query options `from=ADDRESS`,
`starttls=auto|always|never` and `cafile=PATH` (a CA bundle for a server with its own certificate).
A password is never sent in clear to another machine: without TLS only a server on this machine
may be logged in to. Every socket operation gets what is left of one wall-time deadline.
"""

from __future__ import annotations

import hashlib
import math
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial
from html import escape
from pathlib import Path
from typing import Any, Literal

from isstrack.alerts.wording import clean_text, sighting_fields
from isstrack.errors import BadInputError
from isstrack.io.credentials import ServiceUrl, parse_service_url, with_credentials
from isstrack.place.location import config_table
from isstrack.sky.passes import Pass

SMTP_URL_ENV = "ISSTRACK_SMTP_URL"
SMTP_ENV_PREFIX = "ISSTRACK_SMTP"
SMTP_PORTS = {"smtp": 587, "smtps": 465}
SMTP_EXAMPLE = "smtp://alerts@mail.example.org:587"
StartTls = Literal["auto", "always", "never"]
MAX_ADDRESS_CHARS = 254
# The name given in EHLO: smtplib would otherwise look this machine's name up in the DNS, untimed.
_HELO_NAME = "".join(c for c in socket.gethostname() if c.isalnum() or c in "-.") or "localhost"


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: the server (credentials included), the sender, and the TLS policy."""

    server: ServiceUrl
    sender: str
    starttls: StartTls = "auto"
    cafile: str | None = None

    @property
    def label(self) -> str:
        """Return the server as shown to people (no password)."""
        return self.server.label


SMTP_KEYS = ("url", "password_file")


@dataclass(frozen=True)
class SmtpConfig:
    """What config.toml's [smtp] table sets: the server's URL (no password) and the password's file."""

    url: str
    password_file: str | None
    where: str  # "config.toml [smtp]" with the file's path, for messages


def config_smtp(config_dir: Path) -> SmtpConfig | None:
    """Return config.toml's [smtp] settings, None without the table; raise naming the key if one is bad."""
    path, table = config_table(config_dir, "smtp")
    if table is None:
        return None
    where = f"{path} [smtp]"
    if "password" in table:
        raise BadInputError(
            f"{where}: no password here (the file may be read by others); put it in a file of yours "
            '(chmod 600) and name it with password_file = "PATH"'
        )
    for key, value in table.items():
        if key not in SMTP_KEYS:
            raise BadInputError(f"{where} has no key {_shown(key)}; the keys are url and password_file")
        if not isinstance(value, str) or not value.strip():
            raise BadInputError(f'{where} {key} is not text; write {key} = "..."')
    if "url" not in table:
        raise BadInputError(f'{where} has no url; add url = "smtp://HOST", or set {SMTP_URL_ENV}')
    password_file = table.get("password_file")
    return SmtpConfig(
        table["url"].strip(), os.path.expanduser(password_file) if password_file else None, where
    )


def smtp_settings(config: SmtpConfig | None = None) -> SmtpSettings:
    """Return the SMTP settings from $ISSTRACK_SMTP_URL, else config.toml's [smtp]; raise if neither."""
    env_url = os.environ.get(SMTP_URL_ENV, "").strip()
    # A URL in the environment may carry the password; a configuration file may be read by others, so
    # its password comes from the file it names, and only for its own server.
    password_file: tuple[Path, str] | None = None
    if env_url:
        what, url = SMTP_URL_ENV, env_url
    elif config is not None:
        what, url = f"{config.where} url", config.url
        if config.password_file:
            password_file = (Path(config.password_file), f"{config.where} password_file")
    else:
        raise BadInputError(
            f"--email needs an SMTP server: set {SMTP_URL_ENV}, like {SMTP_EXAMPLE}, or url in "
            "config.toml's [smtp] (docs/alerts.md)"
        )
    server = parse_service_url(url, what, SMTP_PORTS, SMTP_EXAMPLE, password_allowed=bool(env_url))
    server = with_credentials(server, SMTP_ENV_PREFIX, password_file)
    starttls = server.option("starttls", "auto").lower()
    if starttls not in ("auto", "always", "never"):
        raise BadInputError(f"{what}: starttls={starttls[:20]!r} is not auto, always or never")
    if server.scheme == "smtps" and starttls == "always":
        starttls = "never"  # smtps:// is TLS from the first byte: there is nothing to start
    sender_text = server.option("from") or os.environ.get(f"{SMTP_ENV_PREFIX}_FROM", "")
    if not sender_text:
        sender_text = server.username if server.username and "@" in server.username else "isstrack@localhost"
    sender = parse_address(sender_text, f"{what} from= (or {SMTP_ENV_PREFIX}_FROM)")
    cafile = server.option("cafile") or None
    if cafile is not None and not os.path.isfile(cafile):
        raise BadInputError(f"{what}: cafile= names no readable file; give the CA bundle's path")
    return SmtpSettings(server, sender, starttls, cafile)  # type: ignore[arg-type]


def parse_address(text: str, option: str = "--email") -> str:
    """Return `text` as a plain e-mail address (user@domain), or raise BadInputError naming `option`."""
    cleaned = text.strip()
    problem = f"{option} {_shown(cleaned)} is not an e-mail address; give one like name@example.org"
    odd = any(c.isspace() or not c.isprintable() for c in cleaned)
    if not cleaned or len(cleaned) > MAX_ADDRESS_CHARS or odd:
        raise BadInputError(problem)
    try:
        address = Address(addr_spec=cleaned)
    except (ValueError, IndexError, TypeError, HeaderParseError):  # the header parser's ways of saying no
        raise BadInputError(problem) from None
    if not address.username or not address.domain or address.addr_spec != cleaned:
        raise BadInputError(problem)
    return cleaned


def _shown(text: str) -> str:
    short = text if len(text) <= 60 else text[:59] + "…"
    return repr("".join(c if c.isprintable() else "?" for c in short))


def pass_message(
    item: Pass,
    *,
    object_name: str = "ISS",
    place_name: str,
    zone: tzinfo,
    zone_label: str,
    sender: str,
    recipient: str,
    now: datetime,
    identity: str,
    calendar: bytes | None = None,
) -> EmailMessage:
    """Return the message for one visible pass: text, a tiny HTML part and the pass as an .ics file.

    `identity` (the pass's calendar UID) makes the Message-ID: a retried message keeps the same one.
    """
    place = clean_text(place_name, 80)
    fields = sighting_fields(item, zone)
    message = EmailMessage()
    what = clean_text(object_name, 60)
    message["Subject"] = f"{what} sighting over {place}: {fields[0][1]}"
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(now)
    token = hashlib.sha256(f"{identity}\n{recipient}".encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{token}@isstrack>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to an alert
    zone_text = clean_text(zone_label, 80)
    text = (
        f"{what} sighting opportunity over {place}\n\n"
        + "\n".join(f"{name}: {value}" for name, value in fields)
        + f"\n\nTimes are local ({zone_text}). Directions are where to look; heights are degrees above "
        "the horizon (a fist at arm's length is about 10).\n"
        + ("The pass is attached as a calendar event.\n" if calendar else "")
        + "\n-- \nisstrack\n"
    )
    message.set_content(text, cte="quoted-printable")
    rows = "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in fields)
    message.add_alternative(
        f"<!DOCTYPE html><html><body><p>{escape(what)} sighting opportunity over <b>{escape(place)}</b></p>"
        f'<table style="text-align:left">{rows}</table>'
        f"<p>Times are local ({escape(zone_text)}).</p></body></html>",
        subtype="html",
        cte="quoted-printable",
    )
    if calendar:
        message.add_attachment(calendar, maintype="text", subtype="calendar", filename="iss-pass.ics")
    return message


def mail_maker(
    item: Pass,
    *,
    object_name: str = "ISS",
    place_name: str,
    zone: tzinfo,
    zone_label: str,
    sender: str,
    now: datetime,
    identity: str,
    calendar: bytes | None,
) -> Callable[[str], EmailMessage]:
    """Return a function that makes the pass's message for one recipient (the rest is the same for all)."""
    return partial(
        _message_to,
        item,
        object_name=object_name,
        place_name=place_name,
        zone=zone,
        zone_label=zone_label,
        sender=sender,
        now=now,
        identity=identity,
        calendar=calendar,
    )


def _message_to(item: Pass, recipient: str, **details: Any) -> EmailMessage:
    return pass_message(item, recipient=recipient, **details)


class _DeadlineSMTP(smtplib.SMTP):
    """smtplib.SMTP whose every socket operation gets what is left of one deadline."""

    deadline = math.inf
    _host = ""  # smtplib's own attribute (the stubs leave it out)

    def left(self) -> float:
        """Return the seconds left before the deadline, or raise TimeoutError when none are."""
        seconds = self.deadline - time.monotonic()
        if seconds <= 0:
            raise TimeoutError("deadline reached")
        return seconds

    def send(self, s: Any) -> None:
        """Send after narrowing the socket's timeout to the time left."""
        if self.sock is not None:
            self.sock.settimeout(self.left())
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        """Read a reply after narrowing the socket's timeout to the time left."""
        if self.sock is not None:
            self.sock.settimeout(self.left())
        try:
            return super().getreply()
        except smtplib.SMTPServerDisconnected as exc:
            if "timed out" in str(exc):  # smtplib reports a read that timed out as a disconnection
                raise TimeoutError("no reply in time") from None
            raise


class _DeadlineSMTPS(_DeadlineSMTP, smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL with the same deadline."""


def tls_context(cafile: str | None) -> ssl.SSLContext:
    """Return a verifying TLS client context, trusting `cafile` instead of the system CAs when given."""
    return ssl.create_default_context(cafile=cafile)


def send_message(settings: SmtpSettings, message: EmailMessage, timeout_s: float) -> tuple[bool, str]:
    """Send one message within `timeout_s` of wall time; return (sent, what happened) without secrets."""
    server = settings.server
    deadline = time.monotonic() + timeout_s
    client: _DeadlineSMTP
    uses_tls = server.scheme == "smtps" or settings.starttls != "never"
    context = tls_context(settings.cafile) if uses_tls else None
    try:
        if server.scheme == "smtps":
            client = _DeadlineSMTPS(local_hostname=_HELO_NAME, timeout=timeout_s, context=context)
        else:
            client = _DeadlineSMTP(local_hostname=_HELO_NAME, timeout=timeout_s)
        client.deadline = deadline
        client.timeout = client.left()
        client._host = server.host  # what STARTTLS checks the certificate against (set only by __init__)
        client.connect(server.host, server.port)
        try:
            return _transact(client, settings, message, context)
        finally:
            try:
                client.deadline = time.monotonic() + 1.0  # QUIT is a courtesy: a second at most
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
    except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
        return False, f"no answer within {timeout_s:g} s"
    except ConnectionRefusedError:
        return False, "could not connect (refused)"
    except smtplib.SMTPAuthenticationError as exc:
        return False, f"login refused (SMTP {exc.smtp_code}; check the user and password)"
    except smtplib.SMTPRecipientsRefused:
        return False, "the server refused the recipient"
    except smtplib.SMTPSenderRefused as exc:
        return False, f"the server refused the sender (SMTP {exc.smtp_code}; set from= in the URL)"
    except smtplib.SMTPServerDisconnected:
        return False, "the server closed the connection before the message was accepted"
    except smtplib.SMTPResponseException as exc:
        return False, f"the server answered SMTP {exc.smtp_code}"
    except _Refusal as exc:
        return False, str(exc)
    except ssl.SSLError as exc:
        return False, f"TLS failed ({exc.reason or type(exc).__name__})"
    except (smtplib.SMTPException, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        return False, f"could not send ({reason})"


class _Refusal(Exception):
    """A reason not to go on that is ours, not the server's."""


def _transact(
    client: _DeadlineSMTP, settings: SmtpSettings, message: EmailMessage, context: ssl.SSLContext | None
) -> tuple[bool, str]:
    server = settings.server
    client.ehlo_or_helo_if_needed()
    secure = server.scheme == "smtps"
    if not secure and settings.starttls != "never":
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
            secure = True
        elif settings.starttls == "always":
            raise _Refusal(f"{server.label} does not offer STARTTLS (starttls=always); nothing sent")
    if server.password is not None:
        if not secure and not server.loopback:
            raise _Refusal(
                f"{server.label} offers no TLS, and the password is not sent in clear to another machine; "
                "use smtps:// or a server with STARTTLS"
            )
        client.login(server.username or "", server.password)
    refused = client.send_message(message)
    if refused:
        return False, "the server refused the recipient"
    return True, f"accepted by {server.label}"
