"""Writing files so that nothing the user had is lost or half-written.

Every output goes to a temporary file beside its target and is renamed over it only when
complete; an interrupted write leaves the previous file and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from .errors import InputError


def read_input(path: Path) -> bytes:
    """The bytes of an input file, or an :class:`InputError` that names it and says what is wrong."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def check_target(path: Path, *, force: bool, ours: Callable[[Path], bool] | None = None) -> None:
    """Refuse to write ``path`` when its folder is missing, or when it holds a file we did not make.

    ``ours`` tells whether an existing file was written by chaingraph (then it may be replaced);
    ``force`` replaces anything.
    """
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{path}: folder {parent} does not exist")
    if path.is_dir():
        raise InputError(f"{path}: is a folder")
    if path.exists() and not force and not (ours and ours(path)):
        raise InputError(f"{path}: exists and was not written by chaingraph; use --force to replace it")


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path``, on any error or
    interrupt (Ctrl-C included) it is removed and ``path`` is left as it was."""
    parent = path.parent if str(path.parent) else Path(".")
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        # mkstemp makes the file private; give it the mode a plain open() would (or the old file's).
        os.chmod(temp_name, _target_mode(path))
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def atomic_write(
    path: Path, data: str | bytes, *, force: bool = False, ours: Callable[[Path], bool] | None = None
) -> None:
    """Write ``data`` to ``path`` atomically, after :func:`check_target`."""
    check_target(path, force=force, ours=ours)
    mode = "wb" if isinstance(data, bytes) else "w"
    with atomic_open(path, mode) as handle:
        handle.write(data)


def _target_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
