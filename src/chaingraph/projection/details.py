"""The qualified relations' details as columns: one row per relation a sheet states, grouped by
supply edge, read as the details form (products, periods, sources, evidence, quantities) only for
the edges a command asks about.

A sheet of 357,000 relations used to become one dict of six sets per edge while it was joined and
one dict of sorted lists per edge after (about 0.9 GB at 100k firms, issue 47), though ``stats``
reads none of them: here each relation is a handful of integers into small shared tables, the
evidence level of each edge and its quantities are computed from the columns, and a dict is built
for an edge when something reads it (``gaps``' products, ``diff``'s periods, an export).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..settings import EVIDENCE_LEVELS
from ..sheets.quantities import (
    NUMBER_KEYS,
    QUANTITY_DETAILS,
    pair_quantities,
    statements_of,
    with_quantities,
    without_quantities,
)
from ..vocab import CG, INFERENCE_KINDS
from .model import evidence_codes

__all__ = [
    "EdgeDetails",
    "RelationRows",
    "details_evidence",
    "details_without_quantities",
    "products_supplied",
    "quantity_details",
]

_INFERRED = EVIDENCE_LEVELS.index("inferred")
_IN_SOURCE = INFERENCE_KINDS[str(CG.InferredInSource)]


class _Table:
    """Distinct values and their codes, in the order first met."""

    def __init__(self) -> None:
        self.values: list = []
        self._code: dict = {}

    def codes(self, values: Sequence) -> np.ndarray:
        """The code of each of ``values`` (new ones appended)."""
        code_of = self._code
        found = np.empty(len(values), dtype=np.int64)
        for i, value in enumerate(values):
            code = code_of.get(value)
            if code is None:
                code = code_of[value] = len(self.values)
                self.values.append(value)
            found[i] = code
        return found


@dataclass
class RelationRows:
    """The relation rows of some sheets as columns, in the order they were read: each row's ends
    (node numbers of the reader's), product, period, source, evidence level and quantities as codes
    into the shared tables (``-1``: the cell is empty; a row with no source cell is its own source,
    ``sheets[sheet].row_source`` and its line).

    The sheets' plain edges (evidence ``unspecified``) are not rows here: they carry no details.
    """

    suppliers: list[np.ndarray] = field(default_factory=list)
    clients: list[np.ndarray] = field(default_factory=list)
    products: list[np.ndarray] = field(default_factory=list)
    periods: list[np.ndarray] = field(default_factory=list)
    sources: list[np.ndarray] = field(default_factory=list)
    lines: list[np.ndarray] = field(default_factory=list)
    sheet: list[np.ndarray] = field(default_factory=list)
    levels: list[np.ndarray] = field(default_factory=list)
    statements: list[np.ndarray] = field(default_factory=list)
    product_table: _Table = field(default_factory=_Table)
    #: (text, start, end) of each period.
    period_table: _Table = field(default_factory=_Table)
    source_table: _Table = field(default_factory=_Table)
    #: Each sheet's (row source prefix, inference reason).
    sheets: list[tuple[str, str]] = field(default_factory=list)
    #: Each row's quantities that states any: (its period's start, the quantities).
    statement_table: list[tuple[str, dict]] = field(default_factory=list)

    def add_sheet(
        self,
        ends: tuple[np.ndarray, np.ndarray],
        lines: np.ndarray,
        levels: np.ndarray,
        encoded: Mapping[str, tuple[Sequence, np.ndarray]],
        quantities: Mapping[int, tuple[str, dict]],
        sheet: tuple[str, str],
    ) -> None:
        """One sheet's relations (its rows with details, in order): ``encoded`` holds each row's
        ``products``, ``periods`` ((text, start, end)) and ``sources`` as distinct values and each
        row's index into them (``-1``, or an empty value, where the row has none); ``quantities``
        the rows that state any, by row number among these rows."""
        count = len(lines)
        self.sheets.append(sheet)
        self.suppliers.append(np.asarray(ends[0], dtype=np.int64))
        self.clients.append(np.asarray(ends[1], dtype=np.int64))
        for name, table, empty in (("products", self.product_table, ""), ("periods", self.period_table, None),
                                   ("sources", self.source_table, None)):  # fmt: skip
            values, indices = encoded[name]
            codes = np.array([-1 if value == empty or value is None else code
                              for value, code in zip(values, table.codes(values).tolist(), strict=True)] + [-1],
                             dtype=np.int32)  # fmt: skip
            getattr(self, name).append(codes[np.asarray(indices, dtype=np.int64)])  # index -1: the -1 appended
        self.lines.append(np.asarray(lines, dtype=np.int32))
        self.sheet.append(np.full(count, len(self.sheets) - 1, dtype=np.int32))
        self.levels.append(np.asarray(levels, dtype=np.int8))
        statement = np.full(count, -1, dtype=np.int32)
        for row, stated in sorted(quantities.items()):
            statement[row] = len(self.statement_table)
            self.statement_table.append(stated)
        self.statements.append(statement)

    def __len__(self) -> int:
        return sum(len(column) for column in self.lines)

    def tables_only(self) -> RelationRows:
        """These rows' shared tables (products, periods, sources, sheets, statements) without the
        rows themselves: what an edge's details read once the rows are sorted by edge."""
        return replace(
            self, suppliers=[], clients=[], products=[], periods=[], sources=[], lines=[], sheet=[], levels=[],
            statements=[],
        )  # fmt: skip


#: The per-row columns of :class:`RelationRows` an edge's details are read from, in edge order.
_ROW_COLUMNS = ("products", "periods", "sources", "lines", "sheet", "levels", "statements")


def _in_order(pieces: list[np.ndarray], order: np.ndarray) -> np.ndarray:
    """A per-row column (read in ``pieces``) in the rows' ``order``; a column of one value
    throughout (one sheet, no products, no periods, every row its own source) is a read-only view
    of that value, which costs nothing a row (six of seven columns of a plain relations sheet)."""
    filled = [piece for piece in pieces if len(piece)]
    if not filled:
        return np.empty(0, np.int32)
    value = filled[0][0]
    if all(bool((piece == value).all()) for piece in filled):
        return np.broadcast_to(value, (len(order),))
    return np.concatenate(filled)[order]


class EdgeDetails(Mapping[tuple[str, str], dict]):
    """The details of every qualified supply edge by (supplier, client) IRI: the graph's
    (``base``, the details form) with the relation rows' joined in, each edge's dict built when it
    is read. An edge's evidence is the strongest of its relations' and the graph's; its products,
    periods, sources and intervals the union of theirs; its quantities :func:`pair_quantities` of
    all its statements, as the SPARQL reader finds them in the import.

    ``nodes`` names the rows' node numbers; ``quantities=False`` leaves the quantities out of
    every dict (the projection keeps them as columns: :meth:`edge_quantities`).
    """

    def __init__(
        self, nodes: Sequence[str], base: Mapping[tuple[str, str], dict], rows: RelationRows, *, quantities: bool = True
    ) -> None:
        self.nodes = nodes
        self.base = base
        self.rows = rows
        self.quantities = quantities
        n = max(len(nodes), 1)
        keys = np.empty(0, np.int64)
        if len(rows):  # in place: each step's temporary is 8 bytes a row (35 million rows at 10M firms)
            keys = np.concatenate(rows.suppliers)
            keys *= n
            keys += np.concatenate(rows.clients)
        #: The rows in edge order (stable: an edge's rows in the order they were read).
        self.order = np.argsort(keys, kind="stable")
        sorted_keys = keys[self.order]
        del keys
        # each edge's first row: where the sorted keys change
        starts = (
            np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
            if len(sorted_keys)
            else sorted_keys
        )
        self.pair_codes = sorted_keys[starts]
        self.starts = np.append(starts, len(sorted_keys))
        self._column = {name: _in_order(getattr(rows, name), self.order) for name in _ROW_COLUMNS}
        # Only the shared tables are read from now on: the rows' columns in the order they were
        # read are not kept beside the sorted ones (0.4 GB of 2M firms' relations, issue 47).
        self.rows = rows.tables_only()
        self._index: dict[str, int] | None = None
        self._new: np.ndarray | None = None

    def without_quantities(self) -> EdgeDetails:
        """The same details, each edge's dict without its quantities."""
        found = EdgeDetails.__new__(EdgeDetails)
        found.__dict__.update(self.__dict__, quantities=False)
        found.base = details_without_quantities(self.base)
        return found

    # --- the mapping: the graph's edges first, in its order, then the others by their first row --

    def _group(self, pair: tuple[str, str]) -> int | None:
        if self._index is None:
            self._index = {node: i for i, node in enumerate(self.nodes)}
        supplier, client = self._index.get(pair[0]), self._index.get(pair[1])
        if supplier is None or client is None or not len(self.pair_codes):
            return None
        key = supplier * max(len(self.nodes), 1) + client
        at = int(np.searchsorted(self.pair_codes, key))
        return at if at < len(self.pair_codes) and self.pair_codes[at] == key else None

    def __getitem__(self, pair: tuple[str, str]) -> dict:
        group = self._group(pair)
        if group is None:
            return self.base[pair]
        return self._details(group, self.base.get(pair))

    def __contains__(self, pair: object) -> bool:
        return isinstance(pair, tuple) and (pair in self.base or self._group(pair) is not None)

    def _pair(self, group: int) -> tuple[str, str]:
        supplier, client = divmod(int(self.pair_codes[group]), max(len(self.nodes), 1))
        return self.nodes[supplier], self.nodes[client]

    @property
    def new_groups(self) -> np.ndarray:
        """The row groups of edges the graph has no details of, in the order of their first rows."""
        if self._new is None:
            in_base = np.zeros(len(self.pair_codes), dtype=bool)
            for pair in self.base:
                group = self._group(pair)
                if group is not None:
                    in_base[group] = True
            first_rows = self.order[self.starts[:-1]]
            by_first_row = np.argsort(first_rows, kind="stable")
            self._new = by_first_row[~in_base[by_first_row]]
        return self._new

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield from self.base
        for group in self.new_groups.tolist():
            yield self._pair(group)

    def __len__(self) -> int:
        return len(self.base) + len(self.new_groups)

    def items_where(self, groups: np.ndarray) -> Iterator[tuple[tuple[str, str], dict]]:
        """(pair, details) of every edge the graph has details of, then of the other row groups
        ``groups`` marks (a mask over the row groups), in the mapping's order: the others' dicts
        are never built."""
        for pair in self.base:
            yield pair, self[pair]
        for group in self.new_groups[groups[self.new_groups]].tolist():
            yield self._pair(group), self._details(group, None)

    def column(self, name: str) -> np.ndarray:
        """One of the rows' columns (``products``, ``periods``, ``sources``, ``lines``, ``sheet``,
        ``levels``, ``statements``), rows in edge order (group ``g``'s from ``starts[g]``)."""
        return self._column[name]

    def supplies(self, group: int) -> list[str]:
        """The products row group ``group``'s relations name, sorted."""
        products = self.rows.product_table.values
        codes = self._column["products"][int(self.starts[group]) : int(self.starts[group + 1])]
        return sorted({products[c] for c in codes.tolist() if c >= 0})

    def _details(self, group: int, before: dict | None) -> dict:
        """Edge ``group``'s dict: its rows' details, the graph's ``before`` joined in."""
        rows = slice(int(self.starts[group]), int(self.starts[group + 1]))
        column, tables = self._column, self.rows
        periods = tables.period_table.values
        sources = tables.source_table.values
        supplies = set(self.supplies(group))
        texts, bounds = set(), set()
        for c in column["periods"][rows].tolist():
            if c >= 0:
                text, start, end = periods[c]
                texts.add(text)
                bounds.add((start, end))
            else:  # an undated relation: a period with no bounds
                bounds.add(("", ""))
        found_sources = {
            sources[c] if c >= 0 else f"{tables.sheets[sheet][0]}{line}"
            for c, sheet, line in zip(
                column["sources"][rows].tolist(),
                column["sheet"][rows].tolist(),
                column["lines"][rows].tolist(),
                strict=True,
            )
        }
        level_codes = column["levels"][rows].tolist()
        levels = {EVIDENCE_LEVELS[c] for c in level_codes}
        reasons = {tables.sheets[sheet][1] for c, sheet in zip(level_codes, column["sheet"][rows].tolist(),
                                                                strict=True) if c == _INFERRED}  # fmt: skip
        stated = [tables.statement_table[c] for c in column["statements"][rows].tolist() if c >= 0]
        kinds = {_IN_SOURCE} if reasons else set()
        if before is not None:
            levels |= {before["evidence"]}
            kinds |= set(before.get("inference", ()))
            reasons |= set(before.get("reasons", ()))
            supplies |= set(before.get("supplies", ()))
            texts |= set(before.get("periods", ()))
            found_sources |= set(before.get("sources", ()))
            bounds |= {tuple(interval) for interval in before.get("intervals", ())}
        level = next(lv for lv in EVIDENCE_LEVELS if lv in levels)
        details: dict = {
            "supplies": sorted(supplies),
            "periods": sorted(texts),
            "sources": sorted(found_sources),
            "evidence": level,
            "inferred": level == "inferred",
            "intervals": [list(interval) for interval in sorted(bounds)],
        }
        if level == "inferred":
            details.update(inference=sorted(kinds), reasons=sorted(reasons))
        if self.quantities and (stated or before is not None):
            quantities = pair_quantities([*statements_of(before or {}), *stated])
            if quantities:
                details = with_quantities(details, quantities)
        return details

    # --- columns for the projection ---------------------------------------------------------

    def evidence_codes(self, suppliers: np.ndarray, clients: np.ndarray) -> np.ndarray:
        """Each edge's evidence code (:data:`~chaingraph.settings.EVIDENCE_LEVELS`), edges given by
        node numbers of ``nodes``: the strongest of its rows' and the graph's, in one pass of the
        columns."""
        codes = evidence_codes(self.nodes, suppliers, clients, self.base)
        if not len(self.pair_codes) or not len(suppliers):
            return codes
        strongest = np.minimum.reduceat(self._column["levels"], self.starts[:-1])
        edges = self._edges_of_groups(suppliers, clients)
        codes[edges] = np.minimum(codes[edges], strongest)
        return codes

    def _edges_of_groups(self, suppliers: np.ndarray, clients: np.ndarray) -> np.ndarray:
        """The edge each row group is (each is one: the rows' pairs are among the edges)."""
        n = max(len(self.nodes), 1)
        edge_keys = suppliers.astype(np.int64) * n + clients
        order = np.argsort(edge_keys, kind="stable")
        at = order[np.searchsorted(edge_keys[order], self.pair_codes)]
        if not np.array_equal(edge_keys[at], self.pair_codes):
            raise ValueError("a relation row's pair is not an edge")
        return at

    def quantity_details(self) -> dict[tuple[str, str], dict]:
        """The details (with quantities) of only the edges that state a quantity, in the mapping's
        order."""
        stating = np.zeros(len(self.pair_codes), dtype=bool)
        if len(self.pair_codes):
            rows = np.flatnonzero(self._column["statements"] >= 0)
            stating[np.searchsorted(self.starts, rows, side="right") - 1] = True
        return {pair: data for pair, data in self.items_where(stating) if any(key in data for key in NUMBER_KEYS)}


def products_supplied(details: Mapping[tuple[str, str], Mapping], suppliers: set[str]) -> dict[str, list[str]]:
    """Every product each of ``suppliers`` supplies on some edge of ``details`` (the details form):
    supplier -> products, each edge's sorted, edges in the order ``details`` gives them."""
    supplied: dict[str, list[str]] = {}
    if isinstance(details, EdgeDetails):
        for pair in details.base:
            if pair[0] in suppliers:
                supplied.setdefault(pair[0], []).extend(details[pair].get("supplies", ()))
        # Of the other edges, only those of an asking supplier that name a product are read.
        n = max(len(details.nodes), 1)
        wanted = np.zeros(n, dtype=bool)
        wanted[[i for i, node in enumerate(details.nodes) if node in suppliers]] = True
        asking = wanted[details.pair_codes // n]
        if len(asking):
            asking &= np.maximum.reduceat(details.column("products"), details.starts[:-1]) >= 0
        for group in details.new_groups[asking[details.new_groups]].tolist():
            supplier = details.nodes[int(details.pair_codes[group]) // n]
            supplied.setdefault(supplier, []).extend(details.supplies(group))
        return supplied
    for (supplier, _client), data in details.items():
        if supplier in suppliers:
            supplied.setdefault(supplier, []).extend(data.get("supplies", ()))
    return supplied


def quantity_details(details: Mapping[tuple[str, str], Mapping]) -> Mapping[tuple[str, str], Mapping]:
    """The details of the edges of ``details`` that state a quantity (any mapping of the details
    form; of :class:`EdgeDetails`, only those edges' dicts are built)."""
    if isinstance(details, EdgeDetails):
        return details.quantity_details()
    return {pair: data for pair, data in details.items() if any(key in data for key in NUMBER_KEYS)}


def details_without_quantities(details: Mapping[tuple[str, str], dict]) -> Mapping[tuple[str, str], dict]:
    """``details`` with the quantities left out of every edge's dict (the projection keeps them as
    columns)."""
    if isinstance(details, EdgeDetails):
        return details.without_quantities()
    return {pair: without_quantities(data) if data.keys() & QUANTITY_DETAILS else data
            for pair, data in details.items()}  # fmt: skip


def details_evidence(
    nodes: Sequence[str], suppliers: np.ndarray, clients: np.ndarray, details: Mapping[tuple[str, str], Mapping]
) -> np.ndarray:
    """Each edge's evidence code from ``details`` (see :func:`chaingraph.projection.model.evidence_codes`)."""
    if isinstance(details, EdgeDetails) and details.nodes is nodes:
        return details.evidence_codes(suppliers, clients)
    return evidence_codes(nodes, suppliers, clients, details)
