"""Where data enters: the stores every command reads, behind one protocol (:class:`Store`).

- :mod:`.base`: the protocol, its results and term conversion (a leaf);
- :mod:`.embedded`: the bundled graph plus user files in memory (:class:`EmbeddedStore`);
- :mod:`.disk`: an on-disk store made once by ``chaingraph load`` (read-only afterwards);
- :mod:`.endpoint`: a SPARQL 1.1 Protocol server (:class:`EndpointStore`).

:func:`open_store` opens any of them. The submodules import only each other's leaves, never this
package's names, so the factory can import them all at the top.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .._runtime import resources
from ..errors import InputError
from .base import STORE_MANIFEST, LocalDataset, Row, SelectResult, Store, from_ox
from .disk import open_disk_store
from .embedded import (
    MAX_XML_DEPTH,
    RDF_FORMATS,
    XML_HEAD,
    EmbeddedStore,
    bundled_graph_name,
    check_xml_depth,
    check_xml_entities,
    rdf_files,
    rdf_format_of,
    syntax_error_message,
)
from .endpoint import EndpointStore

__all__ = [
    "MAX_XML_DEPTH",
    "RDF_FORMATS",
    "STORE_MANIFEST",
    "XML_HEAD",
    "EmbeddedStore",
    "EndpointStore",
    "LocalDataset",
    "Row",
    "SelectResult",
    "Store",
    "bundled_graph_name",
    "check_xml_depth",
    "check_xml_entities",
    "from_ox",
    "open_disk_store",
    "open_store",
    "rdf_files",
    "rdf_format_of",
    "syntax_error_message",
]


def open_store(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    endpoint: str | None = None,
    timeout: float = 30.0,
    disk_store: str | os.PathLike[str] | None = None,
    allow_service: bool = False,
) -> Store:
    """Open the graph every command reads.

    With ``endpoint``, a SPARQL 1.1 Protocol endpoint; with ``disk_store``, an on-disk store made
    by ``chaingraph load`` (read-only, nothing parsed). A local store refuses queries with a
    ``SERVICE`` clause unless ``allow_service`` is true. Otherwise an embedded store holding the
    ontology, the bundled Fujian graph unless ``bundled`` is false, and every RDF file in ``data``
    (a file or folder, or a sequence of them). Sheets of relations and firms are joined to it by the command that
    reads them (:class:`chaingraph.projection.source.NetworkSource`), never kept on the store.

    >>> store = open_store()
    >>> store.ask("ASK { fj:catl a cg:Company }")
    True
    """
    if isinstance(data, (str, os.PathLike)):  # one path, not the characters of one
        data = [data]
    if endpoint and disk_store:
        raise InputError("--store and --endpoint name two different graphs: use one")
    if endpoint or disk_store:
        if data:
            option, where = ("endpoint", "the server") if endpoint else ("store", "the store (chaingraph load)")
            raise InputError(f"--data cannot be combined with --{option}: load it into {where}")
        if not bundled:
            raise InputError(
                f"--no-bundled does not apply to --{'endpoint' if endpoint else 'store'}: "
                "what it holds was decided when it was loaded"
            )
    if endpoint:
        return EndpointStore(endpoint, timeout=timeout)
    if disk_store:
        on_disk = open_disk_store(disk_store)
        on_disk.allow_service = allow_service
        return on_disk
    store = EmbeddedStore(allow_service=allow_service)
    store.load_file(resources.ontology_path(), bundled_graph_name(Path("ontology")))
    if bundled:
        for path in resources.bundled_graph_files():
            store.load_file(path, bundled_graph_name(path))
    for item in data:
        for path in rdf_files(Path(item)):
            store.load_file(path)
    return store
