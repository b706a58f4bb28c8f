"""``resolve``: every name the sheets give, the firm it resolved to and how, and the pairs that may
be one firm but were not merged (the user decides those).

The rule (:mod:`chaingraph.names`, applied by the sheets' reader on every path): a relation cell
that is a firm row's id is that firm; else a name of the firms sheets (exactly, then by key); else a
label of the graph (exactly, then by key); else a new firm, one for every spelling of the same key.
Two names share a key when they differ only by width, script variant, case, punctuation, a stock
code, a trade name in brackets or a legal form of the same family, and name no different place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import InputError
from ..names import Candidate
from ..projection.source import Source, network_source
from ..projection.tables import name_candidates

__all__ = ["NameRecord", "ResolveReport", "resolve"]


@dataclass(frozen=True)
class NameRecord:
    """One distinct name as written, the entity (IRI) it resolved to, and how (see
    :data:`chaingraph.sheets.RESOLUTIONS`)."""

    name: str
    entity: str
    how: str


@dataclass
class ResolveReport:
    """What :func:`resolve` found: ``names`` and ``candidates`` (best first)."""

    names: list[NameRecord] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"names": [asdict(r) for r in self.names], "candidates": [asdict(c) for c in self.candidates]}


def resolve(source: Source, *, graph_names: bool = False) -> ResolveReport:
    """How the names of the sheets joined to ``source``'s store resolved.

    With ``graph_names`` the graph's organizations' own names are listed too (``how`` ``graph``).

    >>> from pathlib import Path
    >>> from chaingraph.projection.source import NetworkSource
    >>> from chaingraph.projection.tables import Tables
    >>> from chaingraph.store import open_store
    >>> sheet = Path(getfixture("tmp_path")) / "press.csv"
    >>> _ = sheet.write_text("supplier,client\\nAcme Cells,CATL (300750.SZ)\\n", encoding="utf-8")
    >>> report = resolve(NetworkSource(open_store(), Tables(relations=[sheet])))
    >>> [(r.name, r.entity.rsplit("/", 1)[1], r.how) for r in report.names]
    [('Acme Cells', 'Acme%20Cells', 'new'), ('CATL (300750.SZ)', 'catl', 'normalised')]
    """
    source = network_source(source)
    tables = source.tables
    if not tables.relations and not tables.firms:
        raise InputError("resolve reads sheets: give --relations (and --firms)")
    source.projection()  # the join resolves the names
    naming = tables.naming
    assert naming is not None  # set by the join
    found: dict[tuple[str, str], str] = {}
    for name, entity in naming.sheet_names.names:
        found.setdefault((name, entity), "sheet")
    for name, (entity, how) in naming.resolved.items():
        found[(name, entity)] = how
    if graph_names:
        for name, entity in naming.context.organization_names:
            found.setdefault((name, entity), "graph")
    records = [NameRecord(name, entity, how) for (name, entity), how in found.items()]
    records.sort(key=lambda r: (r.name.casefold(), r.name, r.entity))
    return ResolveReport(records, name_candidates(naming))
