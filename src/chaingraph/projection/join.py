"""The join of sheets to the graph's facts, row by row by :mod:`chaingraph.sheets`' rules: each firm,
place, chain and stage a row names, each relation's ends resolved (``--same-as`` decisions applied),
its periods, evidence, quantities and sources, as the facts the projection is assembled from.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._runtime.arrays import first_rows, shared_values, sorted_positions, sorted_unique
from ..errors import InputError
from ..settings import EVIDENCE_LEVELS
from ..sheets import (
    FIRM_FIELDS,
    Naming,
    NewPlace,
    SheetColumns,
    column_name,
    created_place_names,
    file_source,
    inference_reason,
    kind_cell,
    mint_iri,
)
from ..sheets.quantities import (
    quantity_cells,
)
from ..vocab import PLACE_LEVELS, local_name
from ._relation_cells import row_levels, row_periods, row_quantities_of
from .details import EdgeDetails, RelationRows
from .model import NetworkFacts

__all__ = ["SheetJoin", "shortest_name"]


#: Where a firm row's id is among its cells (:data:`FIRM_FIELDS`' order).
_ID_AT = FIRM_FIELDS.index("id")
#: The firm fields whose cells differ from row to row; the others (kind, place, chain, stage)
#: repeat a few values, read as one Python string each (:func:`shared_values`).
_DISTINCT_FIRM_FIELDS = frozenset({"id", "name_en", "name_zh", "identifier", "address"})


class SheetJoin:
    """The facts being extended: new nodes appended, then everything put in the reader's order."""

    def __init__(self, facts: NetworkFacts, naming: Naming) -> None:
        self.base = facts
        self.naming = naming
        self.nodes = list(facts.nodes)
        self.kinds = list(facts.kinds)
        self.english = list(facts.english)
        self.chinese = list(facts.chinese)
        self.located = [list(found) if found else None for found in facts.located]
        self.chains = list(facts.chains)
        self.stages = list(facts.stages)
        self.typed = _NodeMarks(facts.typed)
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.places = {place: dict(entry) for place, entry in facts.places.items()}
        self.chain_meta = {
            chain: dict(entry, stages={stage: dict(info) for stage, info in entry["stages"].items()})
            for chain, entry in facts.chain_meta.items()
        }
        self.ids: dict[str, int] = {}  # a sheet's id -> node
        self._kind_of_cell: dict[str, str] = {}
        #: The names the rows give, by kind of thing: what name resolution finds besides the RDF's.
        self.names: dict[str, dict[str, list[str]]] = {"firm": {}, "place": {}, "chain": {}, "stage": {}}
        self.pairs: list[np.ndarray] = []
        #: What the rows say of each edge (products, periods, sources, evidence levels,
        #: quantities), as columns (:mod:`chaingraph.projection.details`).
        self.relations = RelationRows()
        #: The ``--stages`` sheets' (product, stage) pairs.
        self.vocabulary: list[tuple[str, str]] = []
        #: ``(input stage, stage)`` pairs a stages sheet states, beside the graph's (cg:essentialFor).
        self.essential: list[tuple[str, str]] = []
        #: With :func:`relation_records`: each relation row, (supplier, client, supplies, start,
        #: end, source, evidence), by node ids.
        self.records: list[tuple] | None = None

    # --- nodes -------------------------------------------------------------------------------

    def node(self, iri: str) -> int:
        """The node of an IRI, a new one if the graph has none."""
        found = self.index.get(iri)
        if found is not None:
            return found
        self.index[iri] = i = len(self.nodes)
        self.nodes.append(iri)
        self.kinds.append("organization")
        self.english.append(None)
        self.chinese.append(None)
        self.located.append(None)
        self.chains.append(frozenset())
        self.stages.append("")
        return i

    def firm(self, identifier: str, row: dict[str, str], iri: str, where: str = "") -> int:
        """State a firm row as the import does (a new firm gets a type, its kind's or a firm's, and
        its id as a name); ``where`` is the row's file and line, for a message."""
        i = self.node(iri)
        self.ids[identifier] = i
        known = self.naming.known(iri)
        cell = row.get("kind", "")
        kind = self._kind_of_cell.get(cell)
        if kind is None:  # each distinct cell read once (100k rows name a few kinds)
            kind = self._kind_of_cell[cell] = kind_cell(where, cell, self.naming.mapping)
        if not known:
            self.typed.add(i)
            if self.kinds[i] == "organization":
                self.kinds[i] = kind
        names = self.names["firm"].setdefault(iri, [])
        if row.get("name_en") or not known:
            names.append(row.get("name_en") or identifier)
            self.english[i] = shortest_name(self.english[i], names[-1])
        if row.get("name_zh"):
            names.append(row["name_zh"])
            self.chinese[i] = shortest_name(self.chinese[i], row["name_zh"])
        place = self._place_of_row(row.get("located_in", ""), row.get("address", ""))
        if place is not None:
            already = self.located[i]
            self.located[i] = [*already, place] if already else [place]
        chain, stage = self._chain_and_stage_of_row(row.get("chain", ""), row.get("stage", ""))
        if stage:
            self.stages[i] = stage
        if chain is not None:
            self.chains[i] = self.chains[i] | {chain}
        return i

    def _place_of_row(self, located_in: str, address: str) -> str | None:
        """A firm row's place: its ``located_in`` cell's, else its address's, else none."""
        place = self.place(located_in) if located_in else None
        if place is None and address:
            place = self.address(address)
        return place

    def _chain_and_stage_of_row(self, chain_cell: str, stage_cell: str) -> tuple[str | None, str]:
        """A firm row's chain (its cell's; the default chain when it gives a stage alone) and stage."""
        chain = self.chain(chain_cell) if chain_cell else None
        if not stage_cell:
            return chain, ""
        chain = chain or self.chain(self.naming.chain_name)
        return chain, self.stage(chain, stage_cell)

    def place(self, name: str) -> str:
        iri, created = self.naming.place(name)
        self._state_places(created, iri, name)
        return iri

    def address(self, text: str) -> str | None:
        iri, created = self.naming.address(text)
        if iri is not None:
            self._state_places(created, iri, text)
        return iri

    def _state_places(self, created: Sequence[NewPlace], iri: str, cell: str) -> None:
        for place in created:
            self.places[place.iri] = {
                "parents": [place.parent] if place.parent else [],
                "level": PLACE_LEVELS.get(place.place_class),
                "label": place.label,
                "label_zh": place.label_zh,
            }
        self.names["place"].update(created_place_names(created, iri, cell))

    def chain(self, name: str) -> str:
        iri, created = self.naming.chain(name)
        if created:
            self.chain_meta[iri] = {"region": None, "stages": {}, "id": local_name(iri), "label": name, "label_zh": ""}
            self.names["chain"][iri] = [name]
        return iri

    def stage(self, chain: str, name: str) -> str:
        iri, created = self.naming.stage(chain, name)
        if created:
            self.chain_meta[chain]["stages"][iri] = {"label": name, "label_zh": "", "order": 0}
            self.names["stage"][iri] = [name]
        return iri

    # --- rows --------------------------------------------------------------------------------

    def firm_rows(self, sheet: SheetColumns, seen: dict[str, str], *, last: bool = False) -> None:
        """Join a firms sheet's rows, in order; ``seen`` holds the ids of the sheets before it
        (id -> its line), for the message naming a repeated id (the ``last`` sheet's ids, checked
        at once, are not added: no sheet after it asks, and at millions of firms they are a GB)."""
        ids = sheet.column("id").to_pylist()
        # Ids all given and all new: no row needs checking one by one (then ``seen`` at once).
        ids_checked = all(ids) and len(set(ids)) == len(ids) and seen.keys().isdisjoint(ids)
        self.naming.learn_firm_ids(ids)
        cells = [
            ids if name == "id" else sheet.column(name).to_pylist() if name in _DISTINCT_FIRM_FIELDS
            else shared_values(sheet.column(name))
            for name in FIRM_FIELDS
        ]  # fmt: skip
        if not (ids_checked and self._new_firm_columns(sheet, dict(zip(FIRM_FIELDS, cells, strict=True)))):
            self._firm_rows_one_by_one(sheet, cells, seen if not ids_checked else None)
        if ids_checked and not last:
            seen.update(zip(ids, _line_labels(sheet), strict=True))

    def _firm_rows_one_by_one(self, sheet: SheetColumns, cells: list[list[str]], seen: dict[str, str] | None) -> None:
        """:meth:`firm_rows` a row at a time (``cells``: each of :data:`FIRM_FIELDS`' columns), each
        id checked against ``seen`` and added to it (``None``: the ids were checked at once)."""
        labels = _line_labels(sheet) if seen is not None else []
        firm_row, firm, register_firm = self.naming.firm_row, self.firm, self.naming.register_firm
        for row, values in enumerate(zip(*cells, strict=True)):
            identifier = values[_ID_AT]
            where = sheet.where(row)
            if seen is not None:
                if not identifier:
                    raise InputError(f"{where}: empty id")
                if identifier in seen:
                    raise InputError(f"{where}: duplicate id {identifier!r} (first on {seen[identifier]})")
                seen[identifier] = labels[row]
            cells_of_row = dict(zip(FIRM_FIELDS, values, strict=True))
            iri = firm_row(identifier, cells_of_row, where)
            firm(identifier, cells_of_row, iri, where)
            register_firm(identifier, cells_of_row, iri)

    def _new_firm_columns(self, sheet: SheetColumns, cells: dict[str, list[str]]) -> bool:
        """A firms sheet whose every row is a new firm (:meth:`Naming.new_firm_rows`), none named by
        a sheet before it, stated as :meth:`firm` states each row, a column at a time (each kind,
        chain and stage cell read once; places row by row, only where a row gives one); ``False``,
        with nothing done, for any other sheet."""
        ids = cells["id"]
        iris = self.naming.new_firm_rows(ids, cells["identifier"])
        if iris is None or len(set(iris)) != len(iris) or not self.index.keys().isdisjoint(iris):
            return False
        if not self.names["firm"].keys().isdisjoint(iris):
            return False
        kind_of = self._kind_of_cell
        for cell in dict.fromkeys(cells["kind"]):  # in order of first appearance: the first bad row named
            if cell not in kind_of:
                kind_of[cell] = kind_cell(sheet.where(cells["kind"].index(cell)), cell, self.naming.mapping)
        positions = range(len(self.nodes), len(self.nodes) + len(ids))
        english = [name or identifier for name, identifier in zip(cells["name_en"], ids, strict=True)]
        self.nodes.extend(iris)
        self.index.update(zip(iris, positions, strict=True))
        self.ids.update(zip(ids, positions, strict=True))
        self.typed.update(positions)
        self.kinds.extend(map(kind_of.__getitem__, cells["kind"]))
        self.english.extend(english)
        self.chinese.extend(name or None for name in cells["name_zh"])
        self.names["firm"].update(
            (iri, [name, chinese] if chinese else [name])
            for iri, name, chinese in zip(iris, english, cells["name_zh"], strict=True)
        )
        self.located.extend(self._places_of_rows(cells["located_in"], cells["address"]))
        chains, stages = self._chains_of_rows(cells["chain"], cells["stage"])
        self.chains.extend(chains)
        self.stages.extend(stages)
        self.naming.register_firms(ids, cells["name_en"], cells["name_zh"], iris)
        return True

    def _places_of_rows(self, located_in: list[str], addresses: list[str]) -> list[list[str] | None]:
        """Each row's place as :meth:`firm` finds it (its ``located_in``, else its address)."""
        if not any(located_in) and not any(addresses):
            return [None] * len(located_in)
        places = map(self._place_of_row, located_in, addresses)
        # one list a place, shared by its firms' rows (the lists are replaced, never changed)
        lists: dict[str, list[str]] = {}
        return [None if place is None else lists.setdefault(place, [place]) for place in places]

    def _chains_of_rows(self, chain_cells: list[str], stage_cells: list[str]) -> tuple[list[frozenset], list[str]]:
        """Each row's chains and stage as :meth:`firm` finds them, each (chain, stage) pair of
        cells read once (a chain or stage is created at its first row, as row by row)."""
        of_pair: dict[tuple[str, str], tuple[frozenset, str]] = {}
        for pair in dict.fromkeys(zip(chain_cells, stage_cells, strict=True)):
            chain, stage = self._chain_and_stage_of_row(*pair)
            of_pair[pair] = (frozenset({chain}) if chain else frozenset(), stage)
        found = [of_pair[pair] for pair in zip(chain_cells, stage_cells, strict=True)]
        return [chains for chains, _ in found], [stage for _, stage in found]

    def resolve_ends(self, sheets: list[tuple[Path, SheetColumns]]) -> None:
        """Resolve every relation end of every sheet at once (:meth:`Naming.resolve_ends`): a name
        of a firm row, or of a new firm spelled several ways, becomes that firm's node."""
        import pyarrow.compute as pc

        names: set[str] = set()
        first: dict[str, str] = {}
        for path, sheet in sheets:
            for column in ("supplier", "client"):
                for name in pc.unique(sheet.column(column)).to_pylist():
                    if name and name not in self.ids:
                        names.add(name)
                        first.setdefault(name, str(path))
        for name, (stating, iri, _) in self.naming.resolve_ends(names).items():
            node = self.index.get(iri)
            if node is None:
                node = self.ids[stating] if stating in self.ids else self.endpoint(stating, first[stating])
            self.ids[name] = node
            self.names["firm"].setdefault(iri, []).append(name)

    def relation_rows(self, sheet: SheetColumns, batch: str, mapping: Mapping[str, str]) -> int:
        """Join one relations sheet's rows; the number of self-loops among them.

        Cells are checked by column, and of the rows that break a rule the first one is reported
        with the message the import gives it (so the import and this reader fail alike).
        """
        rows = len(sheet)
        failures: list[tuple[int, int, str]] = []  # (row, which check of the row, message)
        ends = self._ends(sheet, mapping, failures)
        periods = row_periods(sheet, mapping, failures)
        levels = row_levels(sheet, mapping, failures)
        quantities = row_quantities_of(sheet, mapping, failures)
        if failures:
            raise InputError(min(failures)[2])
        # A row whose evidence is unspecified is a plain edge, as the import writes it: no details.
        kept = np.flatnonzero(levels != EVIDENCE_LEVELS.index("unspecified"))
        position = np.full(rows, -1, dtype=np.int64)
        position[kept] = np.arange(len(kept))
        chosen = pa.array(kept)
        period_index = np.full(len(kept), -1, dtype=np.int64)
        period_values: dict[tuple[str, str, str], int] = {}
        at = position.tolist()
        for row, written, (start, end) in periods:
            if at[row] >= 0:
                period_index[at[row]] = period_values.setdefault((written, start, end), len(period_values))
        products = pc.dictionary_encode(sheet.column("supplies").take(chosen))
        # a statement's period is its row's start (empty: undated)
        starts = {row: start for row, _written, (start, _end) in periods} if quantities else {}
        source_values, source_index = self._sources(sheet, kept)
        row_source = f"{file_source(self.naming.base, batch, sheet.path.name)}#row="
        self.relations.add_sheet(
            (ends[:rows][kept], ends[rows:][kept]),
            sheet.lines[kept],
            levels[kept],
            {
                "products": (products.dictionary.to_pylist(), products.indices.to_numpy(zero_copy_only=False)),
                "periods": (list(period_values), period_index),
                "sources": (source_values, source_index),
            },
            {
                int(position[row]): (starts.get(row, ""), found)
                for row, found in quantities.items()
                if position[row] >= 0
            },
            (row_source, inference_reason(sheet.path.name)),
        )
        if self.records is not None:
            self._keep_records(sheet, ends, periods, levels, quantities, row_source)
        self.pairs.append(np.stack([ends[:rows], ends[rows:]], axis=1).ravel())
        return int(np.count_nonzero(ends[:rows] == ends[rows:]))

    def _ends(self, sheet: SheetColumns, mapping: Mapping[str, str], failures: list) -> np.ndarray:
        """The node of each row's supplier, then of each row's client: ids resolved once each, in
        the order of the rows they first appear in (the order the import meets them)."""
        rows = len(sheet)
        columns = [sheet.column("supplier"), sheet.column("client")]
        for check, (name, cells) in enumerate(zip(("supplier", "client"), columns, strict=True)):
            empty = np.flatnonzero(pc.equal(cells, "").to_numpy(zero_copy_only=False))
            if len(empty):
                row = int(empty[0])
                failures.append(
                    (row, check, f"{sheet.where(row)}: empty {name} (column {column_name(mapping, name)!r})")
                )
        # The distinct ids (in order of first appearance) and each cell's code, without copying
        # both columns into one (at ten million firms that copy was 3.5 GB of IRIs).
        distinct = pc.unique(pa.chunked_array(columns))
        ids = distinct.to_pylist()
        codes = np.concatenate(
            [pc.index_in(cells, value_set=distinct).to_numpy(zero_copy_only=False) for cells in columns]
        ).astype(np.int64)
        first_row = first_rows(codes, len(ids), np.tile(np.arange(rows, dtype=np.int64), 2), rows)
        node_of = np.full(len(ids), -1, dtype=np.int64)
        in_order = np.argsort(first_row, kind="stable").tolist()
        fresh = [ids[code] for code in in_order if ids[code] and ids[code] not in self.ids]
        if fresh and self.index.keys().isdisjoint(fresh) and self.naming.all_new_firm_iris(fresh):
            # Every end no row names is a new firm's IRI (an export, a registry's ids): all at once.
            self.naming.new_firm_iris(fresh)
            self._new_firms_of_relations(fresh)
        for code in in_order:
            identifier = ids[code]
            if not identifier:
                continue
            found = self.ids.get(identifier)
            if found is None and identifier not in self.index and self.naming.all_new_firm_iris([identifier]):
                self.naming.new_firm_iris([identifier])
                found = self._new_firm_of_relation(identifier)
            if found is None:
                row = int(first_row[code])
                try:
                    found = self.endpoint(identifier, sheet.where(row))
                except InputError as exc:
                    failures.append((row, 2, str(exc)))
                    break
            node_of[code] = found
        return node_of[codes]

    def _sources(self, sheet: SheetColumns, rows: np.ndarray) -> tuple[list[str | None], np.ndarray]:
        """The source of each of ``rows``: its ``source`` cell (an IRI, or a citation minted as
        one), or ``None`` (the row is its own source), as distinct values and each row's index."""
        encoded = pc.dictionary_encode(sheet.column("source").take(pa.array(rows)))
        base = self.naming.base
        # mint_iri keeps a cell that is an IRI as it is
        iris = [mint_iri(base, "source", cell) if cell else None for cell in encoded.dictionary.to_pylist()]
        return iris, encoded.indices.to_numpy(zero_copy_only=False)

    def _keep_records(
        self,
        sheet: SheetColumns,
        ends: np.ndarray,
        periods: list,
        levels: np.ndarray,
        quantities: dict,
        row_source: str,
    ) -> None:
        """Each row with details as the import states it (:func:`relation_records`)."""
        rows = len(sheet)
        bounds = dict.fromkeys(range(rows), ("", ""))
        bounds.update({row: dated for row, _written, dated in periods})
        supplies = sheet.column("supplies").to_pylist()
        cells = sheet.column("source").to_pylist()
        lines = sheet.lines.tolist()
        for row in range(rows):
            level = EVIDENCE_LEVELS[levels[row]]
            if level == "unspecified":
                continue
            source = mint_iri(self.naming.base, "source", cells[row]) if cells[row] else f"{row_source}{lines[row]}"
            key = (int(ends[row]), int(ends[rows + row]))
            cells_of_quantities = quantity_cells(quantities.get(row, {}))
            self.records.append((*key, supplies[row], *bounds[row], source, level, cells_of_quantities))  # type: ignore[union-attr]

    def _new_firm_of_relation(self, identifier: str) -> int:
        """:meth:`firm` of a relation end that is a new firm's IRI, with no cells: a typed firm,
        its id its name."""
        self._new_firms_of_relations([identifier])
        return self.ids[identifier]

    def _new_firms_of_relations(self, identifiers: list[str]) -> None:
        """:meth:`_new_firm_of_relation` of each of ``identifiers``, in order, by whole columns."""
        first, count = len(self.nodes), len(identifiers)
        numbers = range(first, first + count)
        self.nodes.extend(identifiers)
        self.index.update(zip(identifiers, numbers, strict=True))
        self.ids.update(zip(identifiers, numbers, strict=True))
        self.typed.update(numbers)
        self.kinds.extend(itertools.repeat("firm", count))
        self.english.extend(identifiers)
        self.chinese.extend(itertools.repeat(None, count))
        self.located.extend(itertools.repeat(None, count))
        self.chains.extend(itertools.repeat(frozenset(), count))
        self.stages.extend(itertools.repeat("", count))
        self.names["firm"].update((identifier, [identifier]) for identifier in identifiers)

    def endpoint(self, identifier: str, where: str) -> int:
        iri, existing = self.naming.endpoint(identifier, where)
        if existing:
            self.ids[identifier] = i = self.index[iri]
            return i
        return self.firm(identifier, {}, iri)

    # --- the result --------------------------------------------------------------------------

    def facts(self) -> NetworkFacts:
        """The joined facts, nodes in the reader's order: typed nodes by IRI, then untyped ends.
        Once: the join's columns (but its nodes and ids) move into the facts as they are reordered."""
        count = len(self.nodes)
        by_iri = sorted_positions(self.nodes)
        is_typed = self.typed.mask(count)
        order = np.concatenate([by_iri[is_typed[by_iri]], by_iri[~is_typed[by_iri]]])
        typed_count = int(np.count_nonzero(is_typed))
        position = np.empty(count, dtype=np.int64)
        position[order] = np.arange(count)
        ends = np.concatenate([np.stack([self.base.suppliers, self.base.clients], axis=1).ravel(), *self.pairs])
        self.pairs.clear()  # the facts are made once, at the end: each step frees what it read
        keys = position[ends[0::2]]
        keys *= count
        keys += position[ends[1::2]]
        del ends
        pairs = sorted_unique(keys) if count else keys[:0]
        del keys

        def reordered(column: list) -> list:
            # through an array of references: no Python int a node for the order (10M at 10M firms)
            return np.fromiter(column, dtype=object, count=len(column))[order].tolist()

        def in_order(name: str) -> list:
            column = getattr(self, name)
            setattr(self, name, None)  # freed as its reordered copy is made
            return reordered(column)

        nodes = reordered(self.nodes)
        return NetworkFacts(
            nodes=nodes,
            kinds=in_order("kinds"),
            english=in_order("english"),
            chinese=in_order("chinese"),
            located=in_order("located"),
            chains=in_order("chains"),
            stages=in_order("stages"),
            suppliers=pairs // max(count, 1),
            clients=pairs % max(count, 1),
            details=self.details(position, nodes),
            places=self.places,
            chain_meta=self.chain_meta,
            controls=self.base.controls,
            typed=typed_count,
            control_periods=self.base.control_periods,
            essential_inputs=sorted({*self.base.essential_inputs, *self.essential}),
            # The stages the sheets create are named too, as the import's RDF names them.
            stage_vocabulary=sorted(
                {
                    *self.base.stage_vocabulary,
                    *((name, iri) for iri, names in self.names["stage"].items() for name in names),
                    *self.vocabulary,
                }
            ),
        )

    def details(self, position: np.ndarray, nodes: list[str]) -> EdgeDetails:
        """The graph's edge details with the rows' joined in (:class:`EdgeDetails`), node numbers
        as the facts have them (``position`` of each of the reader's)."""
        rows = self.relations
        if len(rows):
            rows = dataclasses.replace(
                rows,
                suppliers=[position[ends] for ends in rows.suppliers],
                clients=[position[ends] for ends in rows.clients],
            )
        return EdgeDetails(nodes, self.base.details, rows)


class _NodeMarks:
    """A set of node numbers (the typed nodes) as a byte a node: a set of ints held about 70
    bytes a node through the join (0.7 GB at ten million firms)."""

    def __init__(self, first: int) -> None:
        self._marks = bytearray(b"\x01") * first  # the graph's typed nodes come first

    def add(self, node: int) -> None:
        self.update(range(node, node + 1))

    def update(self, nodes: range) -> None:
        """Mark a run of node numbers (the join appends new nodes a run at a time)."""
        if nodes.stop > len(self._marks):
            self._marks.extend(bytes(nodes.stop - len(self._marks)))
        self._marks[nodes.start : nodes.stop] = b"\x01" * len(nodes)

    def mask(self, count: int) -> np.ndarray:
        """The marks of nodes ``0 .. count - 1`` as booleans."""
        marks = np.zeros(count, dtype=bool)
        found = np.frombuffer(bytes(self._marks[:count]), dtype=np.uint8).view(bool)
        marks[: len(found)] = found
        return marks


def _line_labels(sheet: SheetColumns) -> list[str]:
    """Each row's place in its file as a message names it (``line 7``; ``row 7`` in Parquet)."""
    at = "row" if sheet.parquet else "line"
    return [f"{at} {line}" for line in sheet.lines.tolist()]


def shortest_name(current: str | None, text: str) -> str:
    """The name kept of two in one language: the shorter (then the first in order), as the SPARQL
    reader keeps the shortest label (longer ones are full legal names)."""
    if current is None or (len(text), text) < (len(current), current):
        return text
    return current
