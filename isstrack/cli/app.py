"""The isstrack command line: parse options, call the core, render; map errors to exit codes here only."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys

import typer

from isstrack import __version__
from isstrack.cli.commands.alert import alert
from isstrack.cli.commands.events import events
from isstrack.cli.commands.location import app as location_app
from isstrack.cli.commands.map import map_
from isstrack.cli.commands.mqtt import mqtt
from isstrack.cli.commands.next import next_
from isstrack.cli.commands.now import now
from isstrack.cli.commands.passes import passes
from isstrack.cli.commands.site import site
from isstrack.cli.commands.tle import tle
from isstrack.cli.commands.tonight import tonight
from isstrack.cli.commands.transits import transits
from isstrack.errors import ExitStatus, IsstrackError, Terminated
from isstrack.render.console import StdoutClosed, wrap_for
from isstrack.render.safe import fit_streams, literal

# Before numpy is first imported: OpenBLAS would start a spinning thread per core (about 0.08 s of
# CPU on every run) for matrices this small; --places parallelises with processes instead.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Newer Typer vendors Click privately, older Typer uses the click package; either way
# BadParameter derives from Click's UsageError, which derives from ClickException.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
ClickException: type[Exception] = typer.BadParameter.__mro__[2]
Abort = typer.Abort

EXIT_CODES_HELP = (
    "Exit codes: 0 success; 1 nothing found (next --within) or nothing to alert; 2 usage or bad input; "
    "3 no usable elements; 4 'tle --update' failed or not allowed yet; 5 an alert could not be delivered; "
    "6 a worker or the cluster was lost (passes --places); 70 internal error."
)

app = typer.Typer(
    name="isstrack",
    help="Track the International Space Station: where it is now, when you can see it pass.\n\n"
    + EXIT_CODES_HELP,
    invoke_without_command=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"isstrack {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Track the International Space Station."""
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())


app.command("now")(now)
app.command("passes")(passes)
app.command("next")(next_)
app.command("tle")(tle)
app.command("transits")(transits)
app.command("map")(map_)
app.command("alert")(alert)
app.command("tonight")(tonight)
app.command("events")(events)
app.command("site")(site)
app.command("mqtt")(mqtt)
app.add_typer(location_app, name="location")


def exit_code(error: BaseException) -> int:
    """Return the exit status for an exception raised by a command (the one place they are mapped).

    isstrack's own errors carry theirs (`IsstrackError.exit_status`); Click's usage errors are bad
    input, its other errors keep their own status; Ctrl-C is "interrupted"; standard output that
    cannot be written (a full disk) is bad input too; anything else is a bug.
    """
    if isinstance(error, IsstrackError):
        return error.exit_status
    if isinstance(error, UsageError):
        return ExitStatus.USAGE
    if isinstance(error, ClickException):
        return int(error.exit_code)  # type: ignore[attr-defined]
    if isinstance(error, (KeyboardInterrupt, Abort)):
        return ExitStatus.INTERRUPTED
    if isinstance(error, OSError) and error.errno in _OUTPUT_ERRNOS:
        return ExitStatus.USAGE
    return ExitStatus.INTERNAL


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with the status for what happened; no traceback unless --debug."""
    args = sys.argv[1:] if argv is None else argv
    # Read here for every command (no command takes it): a traceback instead of the one-line error.
    debug = "--debug" in args
    args = [arg for arg in args if arg != "--debug"]
    fit_streams()
    if sys.stdout is None:  # started with fd 1 closed (`>&-`): fail where output is written, not as a bug
        sys.stdout = _ClosedStdout()
    try:
        status = app(args=args, prog_name="isstrack", standalone_mode=False)
        sys.stdout.flush()  # buffered output meets a closed pipe here, not at interpreter exit
    except SystemExit as exit_:
        # Click turns EPIPE into exit 1 (the "nothing found" status) after wrapping the streams.
        if exit_.code == 1 and _stdout_closed():
            _quiet_exit()
        raise
    except (BrokenPipeError, StdoutClosed):
        _quiet_exit()
    except UsageError as error:
        ctx = getattr(error, "ctx", None)
        command = ctx.command_path if ctx is not None else "isstrack"
        message = error.format_message()  # type: ignore[attr-defined]
        _fail(f"{command}: {message} (see '{command} --help')", exit_code(error))
    except ClickException as error:
        _fail(error.format_message(), exit_code(error))  # type: ignore[attr-defined]
    except IsstrackError as error:
        if debug:
            raise
        _fail(str(error), exit_code(error))
    except (KeyboardInterrupt, Abort) as error:
        _fail("interrupted", exit_code(error))
    except Terminated:
        _fail_by_signal("terminated (SIGTERM); the output ends at the last complete row", signal.SIGTERM)
    except OSError as error:
        if debug:
            raise
        if error.errno not in _OUTPUT_ERRNOS:  # not errno-less ones (CommClosedError) as exit 1
            _fail_internal(error)
        # Every file isstrack writes itself reports its own errors (OutputError, cache warnings), so a
        # full disk or an I/O error reaching here is standard output: say so, and don't retry at exit.
        _stdout_to_devnull()
        closed = error.errno == errno.EBADF
        fix = "redirect it (> FILE)" if closed else "free some space or write it elsewhere"
        _fail(f"cannot write the output: {error.strerror}; {fix}", exit_code(error))
    except Exception as error:
        if debug:
            raise
        _fail_internal(error)
    code = status if isinstance(status, int) else ExitStatus.OK
    if code == ExitStatus.INTERRUPTED:  # Typer's own handling of Ctrl-C: Exit(130), said by nobody
        _fail("interrupted", code)
    if argv is None:  # the console script, not a caller in the same process
        _exit_now(code)
    sys.exit(code)


_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF})


class _ClosedStdout(io.TextIOBase):
    """Stand in for a closed standard output: writing to it fails as writing to fd 1 would."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        """Fail: there is no standard output."""
        raise OSError(errno.EBADF, "standard output is closed")

    @property
    def buffer(self) -> io.BufferedIOBase:
        """Return the binary side (`--ics -` writes bytes), which fails the same way."""
        return _ClosedBuffer()


class _ClosedBuffer(io.BufferedIOBase):
    def write(self, data: object) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _exit_now(code: int) -> None:
    """Exit without interpreter teardown (about 25 ms) when output is flushed and nothing else runs."""
    import threading

    if any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.active_children():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        _quiet_exit()
    except (ValueError, OSError):
        return  # a closed or failing stream: let the ordinary exit deal with it
    os._exit(code)


def _stdout_closed() -> bool:
    """Return whether stdout is a pipe or socket whose reader has gone (poll reports an error)."""
    import select

    if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # Click's sign that it met EPIPE
        return True
    try:
        poller = select.poll()
        poller.register(sys.__stdout__.fileno() if sys.__stdout__ else 1, select.POLLOUT)
        return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))
    except (OSError, ValueError):
        return False


def _stdout_to_devnull() -> None:
    """Point stdout at devnull so the final flush at exit cannot raise again (Python's advice)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _quiet_exit() -> None:
    """Exit 0 after the reader of stdout went away (`| head -1`), without noise at shutdown."""
    _stdout_to_devnull()
    sys.exit(ExitStatus.OK)


def _fail_internal(error: BaseException) -> None:
    _fail(
        f"internal error: {type(error).__name__}: {error} (rerun with --debug for a traceback, "
        "and please report it)",
        exit_code(error),
    )


def _fail_by_signal(message: str, number: signal.Signals) -> None:
    """Say why, then end by the signal itself, so the parent (a shell, a supervisor) sees which."""
    with contextlib.suppress(BrokenPipeError):
        print(wrap_for(sys.stderr, f"isstrack: error: {literal(message)}"), file=sys.stderr, flush=True)
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)
    sys.exit(128 + number)  # if the signal is blocked


def _fail(message: str, status: int) -> None:
    if message:
        with contextlib.suppress(BrokenPipeError):  # nobody is reading stderr either
            print(wrap_for(sys.stderr, f"isstrack: error: {literal(message)}"), file=sys.stderr)
    sys.exit(status)
