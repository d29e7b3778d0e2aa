"""Files that are either wholly written or absent (write beside, fsync, rename), with checksums to notice damage."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from core.errors import IndexBusyError, IndexWriteError

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> str:
    """Write `path` through `write` into a temporary file beside it, fsync, then rename it into place; returns
    the sha256 of what was written. A crash leaves either the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w+b") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        checksum = sha256_file(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_directory(path.parent)
    return checksum


def atomic_write_text(path: Path, text: str) -> str:
    return atomic_write(path, lambda handle: handle.write(text.encode("utf-8")))


def fsync_directory(path: Path) -> None:
    """Make a rename in `path` survive a power cut (a no-op where directories cannot be opened, as on Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def write_error(exc: OSError, root: Path) -> IndexWriteError:
    """The sentence for a failed write to the index at `root`; the index in use is unchanged by then."""
    if exc.errno in DISK_FULL:
        return IndexWriteError(
            f"The disk is full: free some space on the disk holding {root} and run `policyqa ingest` again; "
            "the index in use is unchanged."
        )
    reason = exc.strerror or str(exc)
    return IndexWriteError(
        f"The index at {root} could not be written ({reason}): check that folder can be written and run "
        "`policyqa ingest` again; the index in use is unchanged."
    )


@contextlib.contextmanager
def exclusive_lock(path: Path, holder: str) -> Iterator[None]:
    """Hold an exclusive lock on `path` (released by the OS if the process dies), or raise IndexBusyError."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; a second writer is the user's to avoid
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(
                f"{holder} is already writing the index at {path.parent}: wait for it to finish, then try again."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
