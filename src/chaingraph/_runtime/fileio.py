"""Writing files so that nothing the user had is lost or half-written.

Every output goes to a temporary file beside its target and is renamed over it only when
complete; an interrupted write leaves the previous file and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from .shutdown import cleanup_on_exit

__all__ = [
    "TEMPORARY_NAME_EXTRA",
    "atomic_open",
    "atomic_write",
    "check_name_length",
    "check_target",
    "make_folder",
    "open_input",
    "read_input",
    "safe_stem",
]


def safe_stem(text: str, default: str = "view") -> str:
    """``text`` as a file name with no folder in it: runs of anything but letters (any script),
    digits, ``_`` and ``-`` become one ``-``, with no leading dot; ``default`` when nothing is left.

    >>> safe_stem("../../etc/passwd"), safe_stem("宁德 · 莆田"), safe_stem("..")
    ('etc-passwd', '宁德-莆田', 'view')
    """
    import re

    return re.sub(r"[^\w\-]+", "-", text, flags=re.UNICODE).strip("-.") or default


def read_input(path: Path) -> bytes:
    """The bytes of an input file, or an :class:`InputError` that names it and says what is wrong."""
    with open_input(path) as handle:
        try:
            return handle.read()
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def open_input(path: Path) -> Iterator[IO[bytes]]:
    """An input file opened for reading bytes as a stream, with the errors of :func:`read_input`."""
    try:
        handle = path.open("rb")
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    with handle:
        try:
            yield handle
        except IsADirectoryError:  # open() of a folder succeeds on some systems; reading it fails
            raise InputError(f"{path}: is a folder") from None


def check_target(path: Path, *, force: bool, ours: Callable[[Path], bool] | None = None) -> bool:
    """Refuse to write ``path`` when its folder is missing, when it is not a regular file, or when
    it holds a file we did not make; return whether an existing file may be replaced.

    ``ours`` tells whether an existing file was written by chaingraph (then it may be replaced);
    ``force`` replaces any regular file. A symbolic link is written through: its target is the file.
    Pass the answer to :func:`atomic_open` or :func:`atomic_write`, which check it again at the
    rename, so a file that appears meanwhile is never overwritten.
    """
    check_name_length(path)
    real = _real(path)
    parent = real.parent if str(real.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{path}: folder {parent} does not exist")
    if real.is_dir():
        raise InputError(f"{path}: is a folder")
    if real.exists() and not real.is_file():
        raise InputError(f"{path}: not a regular file (a device, pipe or socket); chaingraph writes only files")
    if not real.exists():
        return False
    if not force and not (ours and ours(real)):
        # Only a check that can tell chaingraph's own files (views) may say whose the file is.
        whose = " and was not written by chaingraph" if ours else ""
        raise InputError(f"{path}: exists{whose}; use --force to replace it")
    return True


#: What the temporary file beside a target adds to its name (".NAME.XXXXXXXX.tmp").
TEMPORARY_NAME_EXTRA = 14


def make_folder(path: Path) -> None:
    """Create the folder a command writes its tables into (and its parents), or an
    :class:`InputError` naming it: a file of that name, a place nothing can be created."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{path}: exists and is not a folder (tables are written into a folder)")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot create the folder: {exc.strerror or exc}") from None


def check_name_length(path: Path) -> None:
    """Refuse a file name longer than the file system takes (with room for the temporary file
    written beside it): an :class:`InputError` naming it, before anything is computed."""
    parent = path.parent if str(path.parent) else Path(".")
    try:
        limit = os.pathconf(parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    size = len(os.fsencode(path.name))
    if size + TEMPORARY_NAME_EXTRA > limit:
        raise InputError(
            f"{str(path)[:80]}...: the file name is {size} bytes; at most {limit - TEMPORARY_NAME_EXTRA} fit here"
        )


@contextlib.contextmanager
def atomic_open(
    path: Path, mode: str = "w", encoding: str | None = "utf-8", *, may_replace: bool = False
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it becomes ``path``, on any error or
    interrupt (Ctrl-C, SIGTERM) it is removed and ``path`` is left as it was.

    Without ``may_replace`` the file is created exclusively: if ``path`` appeared while we wrote
    (another command writing the same file), ours is dropped with an :class:`InputError`.
    """
    real = _real(path)
    parent = real.parent if str(real.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        # mkstemp makes the file private; give it the mode a plain open() would (or the old file's).
        os.chmod(temp_name, _target_mode(real))
        with (
            cleanup_on_exit(functools.partial(_remove, temp_name)),
            os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle,
        ):
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if may_replace:
            os.replace(temp_name, real)
        else:
            _create_exclusively(temp_name, real, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):  # a full disk, a quota: the user's problem to fix, not a bug
            raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise


def atomic_write(path: Path, data: str | bytes, *, may_replace: bool) -> None:
    """Write ``data`` to ``path`` atomically; ``may_replace`` is what :func:`check_target` said."""
    mode = "wb" if isinstance(data, bytes) else "w"
    with atomic_open(path, mode, may_replace=may_replace) as handle:
        handle.write(data)


def _create_exclusively(temp_name: str, real: Path, path: Path) -> None:
    try:
        os.link(temp_name, real)  # fails if the name exists: the exclusive create a rename lacks
    except FileExistsError:
        raise InputError(
            f"{path}: appeared while chaingraph was writing it; left as it is (--force replaces it)"
        ) from None
    except OSError:
        # A file system without hard links: the best left is a last look before the rename.
        if real.exists():
            raise InputError(f"{path}: appeared while chaingraph was writing it; left as it is") from None
        os.replace(temp_name, real)
        return
    os.unlink(temp_name)


def _remove(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)


def _real(path: Path) -> Path:
    """The file a path names, through symbolic links (so a link stays a link to the new file)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _target_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
