"""Where the bundled ontology, Fujian graph, SHACL shapes and named queries live.

The wheel carries ``ontology.ttl`` and ``graph/`` as package data under ``chaingraph/data``; an
editable checkout reads the same files from the repository root, so git holds one copy of each.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["bundled_graph_files", "data_dir", "ontology_path", "queries_dir", "shapes_path"]

_PACKAGE = resources.files("chaingraph")


@cache
def data_dir() -> Path:
    """The folder that holds ``ontology.ttl`` and ``graph/``."""
    packaged = Path(str(_PACKAGE.joinpath("data")))
    if (packaged / "ontology.ttl").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "ontology.ttl").is_file():
        return checkout
    raise FileNotFoundError("the bundled ontology and graph are missing from this installation")


def ontology_path() -> Path:
    return data_dir() / "ontology.ttl"


def bundled_graph_files() -> list[Path]:
    """The Turtle files of the bundled Fujian graph, in a stable order."""
    return sorted((data_dir() / "graph").glob("*.ttl"))


def shapes_path() -> Path:
    return Path(str(_PACKAGE.joinpath("validation", "shapes.ttl")))


def queries_dir() -> Path:
    return Path(str(_PACKAGE.joinpath("queries")))
