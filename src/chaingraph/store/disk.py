"""The on-disk store: RDF parsed once into a persistent Oxigraph database, read by every later command.

``load_store`` bulk-loads the ontology, the bundled graph (unless left out) and the user's files
into a new database folder beside the target, writes a manifest last, and only then moves the folder
into place. An interrupted load therefore leaves the target as it was (absent, or the previous
complete store) and a ``.partial`` folder that the next load removes; ``open_disk_store`` refuses a
folder without a manifest. Later commands open the database read-only: no parsing at all.

A load may also save what the database projects to (``save_projection``, given by the caller:
:func:`chaingraph.projection.load.load_store` passes the projection's), so reading commands skip the
projection's SPARQL. The store layer never reads those files itself: it checks they belong to this
very database, three ways (:func:`saved_projection_is_current`): the database's own id (RocksDB's
``IDENTITY``, made when the database is created) is written into the projection and the manifest,
so projection files copied from another store are not taken; a digest of the projection files is
kept in the manifest, so damaged or edited files are not taken; and :func:`database_fingerprint`
records the database's files, so a database written to since (by an Oxigraph server pointed at the
folder, say) is projected again. None of them reads the database itself (a 10M-firm store is 34 GB).

The database's tables are checked too (:func:`table_checks`, :func:`verify_tables`). RocksDB checks
each block as it reads it, but Oxigraph turns a failed read inside a SPARQL expression (``FILTER
isLiteral(?name)`` on a term whose text is in a damaged block) into an expression error, which
SPARQL treats as false: the row is left out, and the answer looks right. So the load records each
table file's CRC-32 (RocksDB never rewrites a table once made), and a store is opened only if every
recorded table still there has its size and, when it may have been written since (its inode or
change time is not the recorded one: edited, copied), its bytes still give the recorded CRC-32. A
table the database still uses and cannot find fails RocksDB's own opening; one it stopped using
may be gone. An unchanged store costs a ``stat`` per table; a copied one reads its tables once per
command.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import shutil
import time
import traceback
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .._runtime import resources
from .._runtime.shutdown import cleanup_on_exit
from ..errors import InputError, first_line
from .base import STORE_MANIFEST, SavedProjection
from .embedded import (
    XML_HEAD,
    EmbeddedStore,
    bundled_graph_name,
    check_xml_depth,
    check_xml_entities,
    rdf_files,
    rdf_format_of,
    syntax_error_message,
)

__all__ = [
    "MANIFEST",
    "LoadExtras",
    "LoadReport",
    "SaveProjection",
    "database_fingerprint",
    "database_id",
    "load_store",
    "open_disk_store",
    "projection_digest",
    "saved_projection_is_current",
    "table_checks",
    "verify_tables",
]

#: Saves the projection of a freshly loaded database into the store folder: called with the
#: database (as an :class:`EmbeddedStore`), the folder and the database's id; returns the format
#: id of what it wrote, recorded in the manifest.
SaveProjection = Callable[[EmbeddedStore, Path, str], int]


@dataclass(frozen=True)
class LoadExtras:
    """What a caller adds to a store it loads: ``save_projection`` saves what the database projects
    to beside it (see :data:`SaveProjection`; ``None``: reading commands project from the
    database), and ``recorded_as`` names what the store's manifest lists as its files instead of
    their paths (an import loads a file of its own making and names the sheets it came from)."""

    save_projection: SaveProjection | None = None
    recorded_as: Sequence[str] | None = None


@dataclass(frozen=True)
class _LoadJob:
    """One load, under its lock: the files (each with its named graph), whether the bundled graph
    is among them, the progress callback, when it started and what the caller adds."""

    files: list[tuple[Path, str | None]]
    bundled: bool
    progress: Callable[[str], None] | None
    started: float
    extras: LoadExtras


MANIFEST = STORE_MANIFEST
STORE_FORMAT = 1


@dataclass
class LoadReport:
    """What a load put into the store."""

    directory: Path
    files: list[str]
    quads: int
    seconds: float


def _input_files(data: Sequence[str | os.PathLike[str]], bundled: bool) -> list[tuple[Path, str | None]]:
    """The files a store is loaded from, each with its named graph (None: named after the file)."""
    files: list[tuple[Path, str | None]] = [(resources.ontology_path(), bundled_graph_name(Path("ontology")))]
    if bundled:
        files += [(path, bundled_graph_name(path)) for path in resources.bundled_graph_files()]
    for item in data:
        files += [(path, None) for path in rdf_files(Path(item))]
    return files


def _load_all(database: ox.Store, files: list[tuple[Path, str | None]], progress: Callable[[str], None] | None) -> None:
    for path, graph in files:
        if progress:
            progress(f"loading {path}")
        _bulk_load(database, path, graph)


def _write_manifest(folder: Path, files: list[str], bundled: bool, quads: int, projection_format: int | None) -> None:
    """What the store holds, and the database and files its saved projection (if any) belongs to."""
    manifest: dict[str, object] = {
        "format": STORE_FORMAT,
        "files": files,
        "bundled": bundled,
        "quads": quads,
        "database_id": database_id(folder / "db"),
        "tables": table_checks(folder / "db"),
    }
    if projection_format is not None:
        manifest |= {
            "projection": database_fingerprint(folder / "db"),
            "projection_format": projection_format,
            "projection_digest": projection_digest(folder),
        }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _swap_in(partial: Path, target: Path) -> None:
    """Put the finished store at ``target``, replacing an older one only once the new one is whole."""
    if target.exists():
        retired = target.parent / f".{target.name}.retired-{os.getpid()}"
        target.rename(retired)
        partial.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        partial.rename(target)


def load_store(
    data: Sequence[str | os.PathLike[str]],
    directory: str | os.PathLike[str],
    *,
    bundled: bool = True,
    replace: bool = False,
    progress: Callable[[str], None] | None = None,
    extras: LoadExtras = LoadExtras(),
) -> LoadReport:
    """Bulk-load RDF files (and folders of them) into a new on-disk store at ``directory``, with
    what the caller adds (:class:`LoadExtras`: :func:`chaingraph.projection.load.load_store` saves
    the projection beside the database, an import also names its sheets).

    Each file keeps its own named graph, as in the embedded store. The store appears at
    ``directory`` complete or not at all; an existing store is replaced only with ``replace``.
    """
    started = time.perf_counter()
    target = Path(directory)
    if target.exists() and not replace:
        raise InputError(f"{target}: already exists (use --force to replace it)")
    if target.exists() and not target.is_dir():
        raise InputError(f"--store {target}: a file, not a store folder; refusing to replace it")
    if target.exists() and not (target / MANIFEST).is_file() and any(target.iterdir()):
        raise InputError(f"{target}: exists and is not a chaingraph store; refusing to replace it")
    files = _input_files(data, bundled)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f"--store {target}: {target.parent} is a file, not a folder") from None
    except PermissionError:
        raise InputError(f"--store {target}: cannot create {target.parent} (permission denied)") from None
    with _load_lock(target):
        return _load_locked(target, _LoadJob(files, bundled, progress, started, extras))


@contextlib.contextmanager
def _load_lock(target: Path) -> Iterator[None]:
    """Hold the lock of loads into ``target`` (a lock file beside it) for the whole load: a second
    load into the same folder at the same time is refused, instead of removing the first one's
    working folder. The lock ends with the process, so a killed load leaves none."""
    lock = target.parent / f".{target.name}.lock"
    try:
        handle = open(lock, "a+b")  # noqa: SIM115 - held open for the whole load
    except PermissionError:
        raise InputError(f"--store {target}: cannot write in {target.parent} (permission denied)") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"--store {target}: a load into it is running; wait for it to end") from None
        yield
    finally:
        handle.close()


def _load_locked(target: Path, job: _LoadJob) -> LoadReport:
    files, progress = job.files, job.progress
    save_projection, recorded_as = job.extras.save_projection, job.extras.recorded_as
    # Under the lock, no other load runs: what a killed load left can go.
    for stale in target.parent.glob(f".{target.name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    partial = target.parent / f".{target.name}.partial-{os.getpid()}"
    # Removed by the finally below, or by the signal watcher if a bulk load cannot be interrupted.
    database = None
    with cleanup_on_exit(functools.partial(shutil.rmtree, partial, ignore_errors=True)):
        try:
            partial.mkdir()
            database = ox.Store(str(partial / "db"))
            _load_all(database, files, progress)
            quads = len(database)
            database.flush()
            database.optimize()
            projection_format = None
            if save_projection is not None:
                if progress:
                    progress("projecting the supply network")
                # Projected once here, so reading commands skip the projection's SPARQL, which costs
                # more from the on-disk database (one key lookup per term read) than from memory.
                projection_format = save_projection(EmbeddedStore(database), partial, database_id(partial / "db"))
            del database
            names = list(recorded_as) if recorded_as is not None else [str(path.resolve()) for path, _ in files]
            _write_manifest(partial, names, job.bundled, quads, projection_format)
            _swap_in(partial, target)
        except BaseException as exc:
            # The failing frames (the bulk loader's among them) hold the database: release them,
            # or RocksDB stays open and writes into the folder while it is being removed.
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            database = None  # noqa: F841 (the last reference: dropping it closes the database)
            if partial.exists():
                shutil.rmtree(partial, ignore_errors=True)
    return LoadReport(target, [str(path) for path, _ in files], quads, time.perf_counter() - job.started)


def _bulk_load(database: ox.Store, path: Path, graph: str | None) -> None:
    rdf_format = rdf_format_of(path)
    if rdf_format == ox.RdfFormat.RDF_XML:
        with open(path, "rb") as handle:
            check_xml_entities(path, handle.read(XML_HEAD))
            handle.seek(0)
            check_xml_depth(path, handle)
    target = None if rdf_format.supports_datasets else ox.NamedNode(graph or path.resolve().as_uri())
    try:
        database.bulk_load(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri(), to_graph=target)
    except SyntaxError as exc:
        raise InputError(syntax_error_message(path, exc)) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: {exc}") from None


def open_disk_store(directory: str | os.PathLike[str]) -> EmbeddedStore:
    """Open a store made by :func:`load_store`, read-only."""
    folder = Path(directory)
    manifest_path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"--store {folder}: no such store (make one with: chaingraph load DATA --store {folder})")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"--store {folder}: not a complete chaingraph store (no {MANIFEST}); load it again with chaingraph load"
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"--store {folder}: unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise InputError(f"--store {folder}: the manifest is damaged; load the store again with chaingraph load")
    if manifest.get("format") != STORE_FORMAT:
        raise InputError(f"--store {folder}: made by another chaingraph version; load it again with chaingraph load")
    try:
        database = ox.Store.read_only(str(folder / "db"))
    except (OSError, RuntimeError) as exc:  # RocksDB reports damage as RuntimeError("Corruption: ...")
        reason = first_line(exc, 160)
        raise InputError(f"--store {folder}: the database is damaged or unreadable ({reason}); load it again") from None
    verify_tables(folder, manifest)
    store = EmbeddedStore(database, description=f"store {folder}", read_only=True)
    # A projection that is not this database's (copied from another store, damaged, or older than
    # a write to the database) is not offered: the database is projected again.
    if saved_projection_is_current(folder, manifest):
        store.saved_projection = SavedProjection(folder, int(manifest["projection_format"]))
    return store


def database_id(database: Path) -> str:
    """The id RocksDB gave the database at ``database`` when it was created ("" when it has none)."""
    try:
        return (database / "IDENTITY").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def projection_digest(folder: Path) -> str:
    """SHA-256 of the saved projection's files in ``folder`` (``projection.*``), in name order."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("projection.*")):
        digest.update(path.name.encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def database_fingerprint(database: Path) -> list[list]:
    """Name and size of each file that changes when an Oxigraph (RocksDB) database is written to.

    Opening the database read-only changes none of them; any write adds a log or table file.
    """
    kept = []
    for entry in sorted(os.scandir(database), key=lambda e: e.name):
        if entry.name in ("LOCK", "LOG") or entry.name.startswith("LOG.old"):
            continue
        kept.append([entry.name, entry.stat().st_size])
    return kept


def saved_projection_is_current(folder: Path, manifest: dict) -> bool:
    """Whether the projection files in ``folder`` belong to its database as the manifest records
    it: the same database id, an unchanged database (its fingerprint), files with the recorded digest."""
    database = folder / "db"
    if not isinstance(manifest.get("projection_format"), int) or not manifest.get("database_id"):
        return False
    if manifest["database_id"] != database_id(database):
        return False
    if manifest.get("projection") != database_fingerprint(database):
        return False
    try:
        return manifest.get("projection_digest") == projection_digest(folder)
    except OSError:
        return False


def table_checks(database: Path) -> list[list]:
    """Each table file (``*.sst``) of the database at ``database``, in name order: its name, size,
    CRC-32, inode and change time (nanoseconds), as :func:`verify_tables` compares them."""
    checks = []
    for path in sorted(database.glob("*.sst")):
        status = path.stat()
        checks.append([path.name, status.st_size, _crc32(path), status.st_ino, status.st_ctime_ns])
    return checks


def verify_tables(folder: Path, manifest: dict) -> None:
    """Refuse the store in ``folder`` if a table its manifest records is of another size or, when it
    may have been written since the load, of other bytes (see the module's note). A manifest from
    before tables were recorded is not checked."""
    recorded = manifest.get("tables")
    if not isinstance(recorded, list):
        return
    for entry in recorded:
        if not (isinstance(entry, list) and len(entry) == 5 and isinstance(entry[0], str) and "/" not in entry[0]):
            raise InputError(f"--store {folder}: the manifest is damaged; load the store again with chaingraph load")
        name, size, crc, inode, changed = entry
        path = folder / "db" / name
        try:
            status = path.stat()
        except OSError:
            # RocksDB may remove a table it no longer uses when the database closes after the load;
            # a table it does use and cannot find fails the opening itself (tested).
            continue
        unchanged = status.st_ino == inode and status.st_ctime_ns == changed
        if status.st_size != size or not (unchanged or _crc32(path) == crc):
            raise InputError(
                f"--store {folder}: the database is damaged (table {name} is not as it was loaded); load it again"
            )


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            crc = zlib.crc32(block, crc)
    return crc
