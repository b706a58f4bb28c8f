"""The second reader: supply relations and firms given as tables (CSV or Parquet in the import
layout) straight into the projection's facts, joined with the RDF graph for what tables do not
carry (places and their hierarchy, chains and stages, names, ownership).

The rule is the import's, row for row (:mod:`chaingraph.sheets`): the same ids become
the same IRIs, the same names match the same places, chains and stages, the same cells are refused
with the same one-line errors. So a network given as tables and the same tables imported to RDF
(``chaingraph import``) and read back give one projection, and every measure, selection, report and
view gives the same output; only the round trip through RDF text is skipped. A relation keeps its
``source`` cell (or else its row, ``<file>#row=N``) as its source, and its evidence is ``stated``: the
row is the statement, unless
its ``evidence`` cell says ``inferred`` or ``unspecified``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .._runtime.memory import bulk_building, release_arrow_memory
from ..names import Candidate, candidate_pairs, read_decisions
from ..queries.context import import_context
from ..sheets import (
    FIRM_FIELDS,
    RELATION_FIELDS,
    Naming,
    read_sheet,
    self_loop_note,
    sheet_digest,
    unplaced_note,
    vocabulary_entries,
)
from ..store.base import Store
from ..vocab import IMPORT
from .join import SheetJoin
from .model import NetworkFacts, Projection
from .read import assemble, read_facts, stage_inference_note

__all__ = [
    "Tables",
    "add_tables",
    "default_chain",
    "name_candidates",
    "relation_records",
    "resolution_note",
]


@dataclass
class Tables:
    """Sheets of supply relations and firms (CSV, workbooks or Parquet, in the import layout) that the analysis
    reads beside a store's RDF: ``NetworkSource(store, Tables(relations=["rel.csv"]))``
    (:mod:`chaingraph.projection.source`). SPARQL never sees them (an RDF export of such a
    source is refused).

    ``mapping``, ``header_row`` and ``sheet`` are the import's (``--map``, ``--header-row``, a
    workbook's ``--sheet``; ``None``: a CSV header on line 1, a workbook's found); ``base`` is where
    ids become IRIs. ``notes`` receives what reading them found worth saying, one line each.

    >>> from chaingraph.store import open_store
    >>> sheet = Path(getfixture("tmp_path")) / "suppliers.csv"
    >>> _ = sheet.write_text("supplier,client\\nAcme Cells,CATL\\n", encoding="utf-8")
    >>> network = Tables(relations=[sheet]).projection(open_store())
    >>> "https://w3id.org/chaingraph/import/firm/Acme%20Cells" in network.nodes
    True
    """

    relations: Sequence[str | os.PathLike[str]] = ()
    firms: Sequence[str | os.PathLike[str]] = ()
    mapping: Mapping[str, str] = field(default_factory=dict)
    header_row: int | None = None
    sheet: str | None = None
    base: str = str(IMPORT)
    #: Sheets of the user's decisions on names (``--same-as``): same or different.
    same_as: Sequence[str | os.PathLike[str]] = ()
    #: Product vocabularies (``--stages``: ``product, stage``), beside the graph's, from which
    #: firms with no stage take one (:func:`chaingraph.names.stages_from_products`).
    stages: Sequence[str | os.PathLike[str]] = ()
    notes: list[str] = field(default_factory=list)
    _read: tuple[Projection, dict[str, dict[str, list[str]]]] | None = field(default=None, repr=False)
    #: The store ``_read`` was joined with: another store asking gets its own join.
    _read_for: object = field(default=None, repr=False, compare=False)
    #: After the join: how its names were resolved (``chaingraph resolve``).
    naming: Naming | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        # Sent to Spark's workers with the sheets' options: the joined network and its store stay.
        return {**self.__dict__, "_read": None, "_read_for": None, "naming": None}

    def __post_init__(self) -> None:
        # One path given as a string or a Path is one sheet, not a sequence of characters.
        for name in ("relations", "firms", "same_as", "stages"):
            value = getattr(self, name)
            if isinstance(value, (str, os.PathLike)):
                setattr(self, name, (value,))
            elif not all(isinstance(item, (str, os.PathLike)) for item in value):
                raise TypeError(f"Tables({name}=...): a path or a sequence of paths")

    def projection(self, store: Store) -> Projection:
        """The network of ``store`` with the sheets joined in (read once, then kept)."""
        return self._joined(store)[0]

    def names(self, store: Store, kind: str) -> Mapping[str, Sequence[str]]:
        """The things of ``kind`` (firm, place, chain, stage) the sheets state, with their names."""
        return self._joined(store)[1].get(kind, {})

    def _joined(self, store: Store) -> tuple[Projection, dict[str, dict[str, list[str]]]]:
        if self._read is None or self._read_for is not store:
            with bulk_building():
                facts, names = add_tables(read_facts(store), self, store)
                self._read, self._read_for = (assemble(facts), names), store
            release_arrow_memory()
            note = stage_inference_note(self._read[0])
            if note and note not in self.notes:
                self.notes.append(note)
        return self._read


def add_tables(
    facts: NetworkFacts, tables: Tables, store: Store
) -> tuple[NetworkFacts, dict[str, dict[str, list[str]]]]:
    """``facts`` (read from ``store``) with the firms and relations of ``tables`` joined in, as the
    import would state them, nodes and edges in the order the SPARQL reader gives the same graph;
    and the names the sheets give, by kind of thing.

    Raises :class:`~chaingraph.errors.InputError` naming file, line and column for a bad row;
    ``tables.notes`` receives one line for what is kept but worth saying (self-loops).
    """
    joined = _join_all(facts, tables, store)
    tables.naming = joined.naming
    for note in (resolution_note(joined.naming), unplaced_note(joined.naming)):
        if note and note not in tables.notes:  # one line however often the sheets are joined
            tables.notes.append(note)
    return joined.facts(), joined.names


#: Past this many names (the graph's and the sheets'), the one line leaves the candidates to
#: ``chaingraph resolve`` (scoring them costs about a second per 10,000 names) and says so.
CANDIDATE_NAMES_LIMIT = 50_000


def name_candidates(naming: Naming) -> list[Candidate]:
    """Pairs that may be one firm among what the sheets name (firms and relation ends) and the
    graph's organizations, each pair with a side from the sheets; none the rule merged. Worked out
    once for a join (the stderr line and ``resolve`` share them)."""
    if naming.candidates is None:
        naming.candidates = _name_candidates(naming)
    return naming.candidates


def _name_candidates(naming: Naming) -> list[Candidate]:
    from_sheets = {iri for iri, how in naming.resolved.values() if how in ("new", "normalised", "sheet")}
    from_sheets |= {iri for _, iri in naming.sheet_names.names}
    entities = [(iri, name) for name, (iri, _) in naming.resolved.items()]
    entities += [(iri, name) for name, iri in naming.sheet_names.names]
    entities += [(iri, name) for name, iri in naming.context.organization_names]
    decided = naming.decided.decided if naming.decisions else set()

    def different_identifiers(a: str, b: str) -> bool:  # two firms with identifiers, none shared
        ours, theirs = naming.identifiers(a), naming.identifiers(b)
        return bool(ours and theirs and not ours & theirs)

    return [
        c
        for c in candidate_pairs(entities, same=decided)
        if (c.a in from_sheets or c.b in from_sheets)
        and naming.merged(c.a) != naming.merged(c.b)
        and not different_identifiers(c.a, c.b)
    ]


def resolution_note(naming: Naming) -> str | None:
    """One line on how the sheets' names were resolved, or ``None`` when they named nothing by name."""
    resolved = naming.resolved
    if not resolved:
        return None
    counts = Counter(how for _, how in resolved.values())
    firms = len({iri for iri, _ in resolved.values()})
    ways = [
        f"{counts[how]:,} {what}"
        for how, what in (("normalised", "by normalising"), ("sheet", "by a firms sheet's name"),
                          ("identifier", "by identifier"), ("graph", "by the graph's names"), ("new", "new"))
        if counts[how]
    ]  # fmt: skip
    line = f"resolved {len(resolved):,} names to {firms:,} firms ({', '.join(ways)})"
    if len(naming.context.organization_names) + len(resolved) > CANDIDATE_NAMES_LIMIT:
        return line + "; possible matches not merged: chaingraph resolve with the same options -o review.csv"
    candidates = len(name_candidates(naming))
    if candidates:
        line += (
            f"; {candidates:,} possible match{'es' if candidates != 1 else ''} not merged: "
            "chaingraph resolve with the same options -o review.csv"
        )
    return line


def relation_records(store: Store, tables: Tables) -> list[dict[str, str]]:
    """Every relation row of ``tables`` as the import states it, in the export's import layout:
    ``supplier`` and ``client`` IRIs, ``supplies``, ``start``, ``end``, ``source`` (the row's, or
    the row itself), ``evidence`` and the quantity cells; a row with no evidence level is a plain edge, not a relation,
    and is left out, as the import leaves it unqualified."""
    joined = _join_all(read_facts(store), tables, store, keep_records=True)
    nodes = joined.nodes
    fields = ("supplies", "start", "end", "source", "evidence")
    return [
        {"supplier": nodes[supplier], "client": nodes[client], **dict(zip(fields, rest, strict=True)), **cells}
        for supplier, client, *rest, cells in joined.records or ()
    ]


def _join_all(facts: NetworkFacts, tables: Tables, store: Store, *, keep_records: bool = False) -> SheetJoin:
    relations, firms = [Path(p) for p in tables.relations], [Path(p) for p in tables.firms]
    mapping = dict(tables.mapping)
    chain_name = default_chain(tables)
    decisions = read_decisions(tables.same_as)
    joined = SheetJoin(facts, Naming(import_context(store), tables.base, chain_name, mapping, decisions))
    if keep_records:
        joined.records = []
    seen: dict[str, str] = {}
    for number, path in enumerate(firms, 1):
        sheet = read_sheet(path, FIRM_FIELDS, "firms", mapping, tables.header_row, tables.sheet)
        joined.firm_rows(sheet, seen, last=number == len(firms))
        del sheet
    sheets = []
    for path in relations:
        sheets.append((path, read_sheet(path, RELATION_FIELDS, "relations", mapping, tables.header_row, tables.sheet)))
        release_arrow_memory()  # a sheet's parse and copies, freed: not held through the join (40 MB at 100k)
    joined.resolve_ends(sheets)
    for path, sheet in sheets:
        batch = sheet_digest(path, mapping, tables.header_row, tables.sheet)
        loops = joined.relation_rows(sheet, batch, mapping)
        if loops and not keep_records:
            tables.notes.append(self_loop_note(sheet.path, loops))
    sheets.clear()  # joined: the sheets' columns are not held while the facts are put in order
    release_arrow_memory()
    for vocabulary in tables.stages:
        entries = vocabulary_entries(Path(vocabulary), joined.naming, mapping, tables.header_row, tables.sheet)
        joined.vocabulary.extend((product, stage) for _line, product, stage, _for in entries if product)
        joined.essential.extend((stage, target) for _line, _product, stage, targets in entries for target in targets)
    return joined


def default_chain(tables: Tables) -> str:
    """The chain of a firm row's stage when the row names none, as the import takes it: the first
    relations sheet's stem (of a path or a URI: ``hdfs://x/rel.parquet`` -> ``rel``), else ``firms``."""
    if not tables.relations:
        return "firms"
    return PurePosixPath(str(tables.relations[0]).rstrip("/")).stem or "firms"
