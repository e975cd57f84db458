"""Shared fixtures: private cache/config dirs, no real network, an element file, and the CLI run in this
process (the default) or as the installed script in a subprocess (where a real process is the point)."""

from __future__ import annotations

import contextlib
import io
import json
import locale
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from tests.tle_tools import newest

# A loopback port nothing listens on: a test that forgets to set a URL fails fast, locally.
CLOSED_URL = "http://127.0.0.1:9/gp.php?CATNR={catnr}&FORMAT=TLE"
REFERENCE_DIR = Path(__file__).parent
DEFAULT_TIMEOUT_S = 120.0
NUMBA_CACHE_DIR = str(Path(tempfile.gettempdir()) / f"isstrack-tests-numba-{os.getuid()}")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point isstrack's cache and config at temp dirs and its element URL at a closed local port."""
    env = {
        "ISSTRACK_CACHE_DIR": str(tmp_path / "cache"),
        "ISSTRACK_CONFIG_DIR": str(tmp_path / "config"),
        "ISSTRACK_STATE_DIR": str(tmp_path / "state"),
        "ISSTRACK_TLE_URL": CLOSED_URL,
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        "NO_COLOR": "1",
        # Compiled many-place loops (isstrack.sky.kernel) are shared by every test: compiling them
        # again in each test's private cache would cost 5-10 s a test.
        "NUMBA_CACHE_DIR": NUMBA_CACHE_DIR,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in ("COLUMNS", "LINES", "ISSTRACK_HTTP_TIMEOUT", "ISSTRACK_AT", "FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(key, raising=False)
    return env


@pytest.fixture
def tle_file(tmp_path: Path) -> str:
    """Write the newest reference element set (the bundled one) to a file and return its path."""
    path = tmp_path / "iss.tle"
    path.write_text("\n".join(newest()) + "\n")
    return str(path)


@dataclass
class Result:
    """What a CLI run produced: exit status, and stdout and stderr as text (and as the bytes written)."""

    code: int
    out: str
    err: str
    out_bytes: bytes = b""
    err_bytes: bytes = b""

    def json(self) -> Any:
        """Return stdout parsed as JSON."""
        return json.loads(self.out)


def _as_text(data: bytes) -> str:
    """Decode captured output the way subprocess.run(text=True) does (locale encoding, universal newlines)."""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


def isstrack_command() -> list[str]:
    """Return the installed console script next to this Python, else `python -m isstrack`."""
    script = shutil.which("isstrack", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "isstrack"]


Stdin = bytes | str | IO[Any] | int | None  # what to send, or an open file or descriptor to read


def run_subprocess(
    args: list[str],
    env: Mapping[str, str] | None = None,
    stdin: Stdin = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Result:
    """Run the installed isstrack in a fresh process with os.environ plus `env`; stdin empty unless given."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    sent = data if isinstance(data, bytes) else None
    proc = subprocess.run(
        [*isstrack_command(), *args],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        input=sent,
        stdin=None if sent is not None else subprocess.DEVNULL if data is None else data,
    )
    return Result(proc.returncode, _as_text(proc.stdout), _as_text(proc.stderr), proc.stdout, proc.stderr)


# -- the CLI in this process --------------------------------------------------------------------
#
# What a fresh `isstrack` process would have and this one must give each in-process run instead:
# - the environment: os.environ (already isolated per test) plus the run's `env`, restored after;
# - stdin /dev/null (or the given input) and stdout/stderr that are not terminals, in the encodings and
#   error handlers a piped Python process has (UTF-8; strict on stdout, backslashreplace on stderr), so
#   Rich and the CLI take their piped paths (plain text, width from COLUMNS else 120);
# - Python's default warning filters, with warnings printed on stderr as the interpreter would;
# - module state that depends on the environment or the streams, reset (the pure caches of bundled data
#   and of computed tracks are kept: sharing them is where the time goes, and their values do not depend
#   on the run);
# - the exit status: main() raises SystemExit; an exception escaping it (--debug) prints a traceback
#   and gives 1, as an uncaught exception in the interpreter does.

# The filters of a Python started without -W or PYTHONWARNINGS (not in development mode).
_DEFAULT_WARNING_FILTERS: list[tuple[str, type[Warning], str]] = [
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, ""),
    ("ignore", PendingDeprecationWarning, ""),
    ("ignore", ImportWarning, ""),
    ("ignore", ResourceWarning, ""),
]


class InProcessTimeout(Exception):
    """Raised in the main thread when an in-process run outlives its timeout."""


def _reset_module_state() -> None:
    """Forget what an earlier run decided from its own streams and environment."""
    from isstrack.render import mapstatus, safe

    safe._ascii_only = False  # set by fit_streams() for a stdout that cannot encode UTF-8
    mapstatus.terminal_colours.cache_clear()  # reads NO_COLOR and the stdout of its first caller


@contextlib.contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _default_warnings(stderr: IO[str]) -> Iterator[None]:
    def show(
        message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
    ) -> None:
        stderr.write(warnings.formatwarning(message, category, filename, lineno))

    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, category, module in reversed(_DEFAULT_WARNING_FILTERS):
            warnings.filterwarnings(action, category=category, module=module)  # type: ignore[arg-type]
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def _deadline(timeout: float) -> Iterator[None]:
    """Interrupt a run that hangs (a FIFO opened, a lock never released) instead of the whole suite."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise InProcessTimeout(f"the in-process run took longer than {timeout} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _stdin(data: bytes | IO[Any] | int | None) -> Iterator[IO[str]]:
    if isinstance(data, int) or hasattr(data, "fileno"):  # a pipe or file the test holds: read it directly
        fd = data if isinstance(data, int) else data.fileno()  # type: ignore[union-attr]
        with open(fd, encoding="utf-8", closefd=False) as stream:
            yield stream
        return
    if data is None:
        with open(os.devnull, encoding="utf-8") as devnull:
            yield devnull
        return
    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        handle.seek(0)
        with open(handle.fileno(), encoding="utf-8", closefd=False) as stream:
            yield stream


def run_in_process(
    args: list[str],
    env: Mapping[str, str] | None = None,
    stdin: Stdin = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Result:
    """Run `isstrack ARGS` through isstrack.cli.app.main here, as a piped subprocess would see it."""
    from isstrack.cli import app as cli

    _check_in_process(args, env)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    out_buffer, err_buffer = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_buffer, encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(err_buffer, encoding="utf-8", errors="backslashreplace", line_buffering=True)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    # fd 1 stays this process's own: main() points it at /dev/null when it meets a closed stdout, and
    # Click sizes --help from it (shutil.get_terminal_size); /dev/null meanwhile, as a pipe would be.
    saved_fd1 = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    code = 0
    try:
        with _environment(env), _stdin(data) as stdin_stream, _default_warnings(err):
            _reset_module_state()
            sys.stdin, sys.stdout, sys.stderr = stdin_stream, out, err
            try:
                with _deadline(timeout):
                    cli.main(list(args))
            except SystemExit as exit_:
                code = _exit_status(exit_, err)
            except BaseException:
                traceback.print_exc(file=err)
                code = 1
            finally:
                sys.stdin, sys.stdout, sys.stderr = saved_streams
        with contextlib.suppress(ValueError):  # a command may have closed its stream
            out.flush()
            err.flush()
    finally:
        os.dup2(saved_fd1, 1)
        os.close(saved_fd1)
    stdout, stderr = out_buffer.getvalue(), err_buffer.getvalue()
    return Result(code, _as_text(stdout), _as_text(stderr), stdout, stderr)


# What only a process of its own has: its interpreter's start-up settings and its own standard streams.
_FRESH_INTERPRETER_ENV = ("PYTHON",)
_OWN_STREAM_PATHS = ("/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/")


def _check_in_process(args: list[str], env: Mapping[str, str] | None) -> None:
    """Refuse a run whose meaning needs a process of its own: the test should use cli_process."""
    changed = {key for key, value in (env or {}).items() if os.environ.get(key) != value}
    fresh = sorted(key for key in changed if key.startswith(_FRESH_INTERPRETER_ENV))
    own = [arg for arg in args if arg.startswith(_OWN_STREAM_PATHS)]
    if fresh or own:
        raise ValueError(f"{fresh or own} need a process of their own: run them with cli_process")


def _exit_status(exit_: SystemExit, err: IO[str]) -> int:
    """Return the status the interpreter would exit with for `exit_` (printing a non-int one)."""
    if exit_.code is None:
        return 0
    if isinstance(exit_.code, int):
        return exit_.code & 0xFF
    print(exit_.code, file=err)
    return 1


Runner = Callable[..., Result]


def _runner(run: Callable[..., Result]) -> Runner:
    def cli(
        *args: str,
        env: Mapping[str, str] | None = None,
        stdin: Stdin = None,
        timeout: float = DEFAULT_TIMEOUT_S,
    ) -> Result:
        return run(list(args), env=env, stdin=stdin, timeout=timeout)

    return cli


@pytest.fixture
def cli(isolated_env: dict[str, str]) -> Runner:
    """Return a function that runs isstrack in this process: cli(*args, env=, stdin=, timeout=) -> Result."""
    return _runner(run_in_process)


@pytest.fixture
def cli_process(isolated_env: dict[str, str]) -> Runner:
    """Return the same function running the installed script in a subprocess (a real process is the point)."""
    return _runner(run_subprocess)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Bind pytest-httpserver to 127.0.0.1 on a free port."""
    return ("127.0.0.1", 0)
