"""The sightings site's files on disk: a new site staged and published whole, a rebuild changed file by file.

A site built into a folder that does not exist yet is written into a staging folder beside it and
published with one rename, so the site appears whole or not at all. Into a folder that exists but
holds nothing yet (made by hand, or a mount point), the pages are staged inside it and their folder
is renamed into place in one step; the index comes last. A rebuild rewrites a file only when its
bytes change, through a temp file and a rename. Only regular files are written, and no symlink is
followed: one found where a page goes is replaced by the page.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from isstrack.errors import OutputError
from isstrack.io.atomic import STALE_TEMP_S, sweep_matching

TEMP_PREFIX = ".isstrack-"
STAGING_SUFFIX = ".staging"
MAX_NAME_IN_STAGING = 100
_TEMPS = re.compile(rf"^{re.escape(TEMP_PREFIX)}.*\.tmp$")
_STAGINGS = re.compile(rf"^{re.escape(TEMP_PREFIX)}site-.*\.\d+{re.escape(STAGING_SUFFIX)}$")
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_TEMP_FLAGS = _NEW_FLAGS & ~os.O_EXCL | os.O_TRUNC


@dataclass(frozen=True)
class SiteFolder:
    """Where a build writes: `root` (the site folder, or a staging folder to publish) and how."""

    outdir: Path
    root: Path
    fresh: bool  # a new site: files are created in `root`, never compared, and published at the end
    places_dir: str

    def write(self, relative: str, data: bytes) -> bool:
        """Write one file of the site; return whether it was (re)written."""
        if self.fresh:
            write_new(self.root / relative, data)
            return True
        return write_if_changed(self.root / relative, data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_new(path: Path, data: bytes) -> None:
    """Create `path` holding `data` (a staged file: it cannot exist yet); raise OutputError if it cannot."""
    try:
        fd = os.open(path, _NEW_FLAGS, 0o644)  # 0644 less the umask: for a web server to read
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); the site was not published") from None


def _holds(path: Path, data: bytes) -> bool:
    """Return whether `path` is a regular file (not a symlink) holding exactly `data`."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return False
    except OSError as exc:
        if exc.errno == getattr(os, "ELOOP", -1) or os.path.islink(path):
            return False  # a symlink where a page goes: replaced by the page, never followed
        raise OutputError(f"cannot read {path} to compare it ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        return os.read(fd, len(data) + 1) == data
    except OSError as exc:
        raise OutputError(f"cannot read {path} to compare it ({exc.strerror})") from None
    finally:
        os.close(fd)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` (temp file, rename) unless it holds exactly that; return whether it did."""
    if _holds(path, data):
        return False
    # One temp name per process and target: no clash, and no random name or chmod to pay for on
    # thousands of files; a killed run's temps are swept by the next (prepare_outdir).
    tmp = str(path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}.tmp"))
    try:
        fd = os.open(tmp, _TEMP_FLAGS, 0o644)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        tmp = ""
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); nothing else was changed by it") from None
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return True


def check_outdir(outdir: Path, places_dir: str) -> None:
    """Raise OutputError unless a site can be written at `outdir` (nothing is made); sweep old temps."""
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"site folder {outdir} is not a folder; give a folder to write the site into")
    pages = outdir / places_dir
    if pages.is_symlink() or (pages.exists() and not pages.is_dir()):
        raise OutputError(f"{pages} is not a plain folder; remove it or give another site folder")
    folder = outdir if outdir.exists() else _existing_parent(outdir)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {folder}; fix its permissions or give another site folder")
    for swept in (outdir, pages):  # temps left by a build that was killed
        sweep_matching(swept, _TEMPS)
    for swept in (outdir, outdir.parent):
        _sweep_stagings(swept, places_dir)


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{parent} is not a folder; give a folder to write the site into")
    return parent


def _is_empty_site(outdir: Path, places_dir: str) -> bool:
    """Return whether a real folder `outdir` holds nothing, or only an empty places folder.

    Temps and staging folders of killed builds do not count (they are swept once old).
    """
    with os.scandir(outdir) as entries:
        names = [e for e in entries if not (_TEMPS.fullmatch(e.name) or _STAGINGS.fullmatch(e.name))]
    if not names:
        return True
    if len(names) > 1 or names[0].name != places_dir or not names[0].is_dir(follow_symlinks=False):
        return False
    with os.scandir(names[0].path) as inside:
        return next(inside, None) is None


def open_site(outdir: Path, places_dir: str) -> SiteFolder:
    """Return where this build writes: a staging folder for a new site, else the site folder itself."""
    check_outdir(outdir, places_dir)
    try:
        if not os.path.lexists(outdir):
            outdir.parent.mkdir(parents=True, exist_ok=True)
            short = outdir.name[:MAX_NAME_IN_STAGING]  # the staging folder's name stays a legal one
            root = outdir.parent / f"{TEMP_PREFIX}site-{short}.{os.getpid()}{STAGING_SUFFIX}"
        elif not outdir.is_symlink() and _is_empty_site(outdir, places_dir):
            root = outdir / f"{TEMP_PREFIX}site-.{os.getpid()}{STAGING_SUFFIX}"
        else:
            (outdir / places_dir).mkdir(exist_ok=True)
            return SiteFolder(outdir, outdir, False, places_dir)
        if os.path.lexists(root):  # a killed run with this process id left it
            shutil.rmtree(root)
        root.mkdir()  # 0777 less the umask, as the folder itself would be made
        (root / places_dir).mkdir()
    except OSError as exc:
        raise OutputError(f"cannot create the site folder {outdir} ({exc.strerror})") from None
    return SiteFolder(outdir, root, True, places_dir)


def publish(site: SiteFolder, last: tuple[str, ...]) -> None:
    """Make a staged site the site folder: one rename (`last` files follow the pages), one folder sync.

    A stopped or failed build publishes nothing. No file is synced by itself (nor was it before
    staging): 13,800 fsyncs take many seconds, and a syncfs before the rename (0.3-0.5 s here) would
    also wait for every other program's writes. The folder holding the rename is synced once, so
    the publication survives a crash; the files' contents reach the disk by the kernel's writeback
    within seconds, as any file written without fsync does (run `sync` if the power may fail then).
    """
    if not site.fresh:
        return
    try:
        if site.root.parent != site.outdir:
            os.rename(site.root, site.outdir)  # fails if the folder appeared meanwhile: nothing is lost
        else:
            with contextlib.suppress(FileNotFoundError):
                (site.outdir / site.places_dir).rmdir()  # empty (checked); fails if filled meanwhile
            os.rename(site.root / site.places_dir, site.outdir / site.places_dir)
            for name in last:
                os.rename(site.root / name, site.outdir / name)
            site.root.rmdir()
        _sync_folder(site.outdir.parent if site.root.parent != site.outdir else site.outdir)
    except OSError as exc:
        discard(site)
        raise OutputError(
            f"cannot publish the site in {site.outdir} ({exc.strerror}); was it written to meanwhile? "
            "Run again to update it"
        ) from None


def discard(site: SiteFolder) -> None:
    """Remove a staging folder after a failed or interrupted build (a site folder is never removed)."""
    if site.fresh and site.root != site.outdir:
        shutil.rmtree(site.root, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder; the rename is made
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sweep_stagings(folder: Path, places_dir: str) -> None:
    """Remove staging folders a killed build left (older than STALE_TEMP_S, holding only site files)."""
    cutoff = time.time() - STALE_TEMP_S
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not _STAGINGS.fullmatch(entry.name) or not entry.is_dir(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    _remove_staging(Path(entry.path), places_dir)


def _remove_staging(root: Path, places_dir: str) -> None:
    for folder in (root / places_dir, root):
        if folder.is_symlink():
            return
        with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
        with contextlib.suppress(FileNotFoundError):
            folder.rmdir()  # fails, and keeps it, if it holds anything but files
