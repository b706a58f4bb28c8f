"""Quantities on a supply relation: what a sheet's ``value``, ``currency``, ``volume``, ``unit``,
``client_share`` and ``supplier_share`` cells may say, and the one form every path keeps them in.

Ground floor: the import writes these as QUDT quantity values on the ``cg:SupplyRelation``
(``cg:tradeValue``, ``cg:tradeVolume``, ``cg:clientShare``, ``cg:supplierShare``), the tables
reader puts them on the projection's edges as they are, and the SPARQL reader reads the import
back into the same form, so a sheet and its import give the same shares.

The form (:data:`QUANTITY_KEYS`, an edge's details): ``value`` (a number in base units) with
``currency`` (an ISO 4217 code, the local name of a QUDT currency); ``volume`` with
``volume_unit`` (the local name of a QUDT unit: ``TONNE``, ``KiloW-HR``, ``NUM`` ...); and the
shares ``client_share`` and ``supplier_share`` as fractions in [0, 1]; ``hedges`` maps each of
those that the source hedged to its comparator's local name (``MoreThan``, ``AtLeast``,
``Approximately``, ``JustUnder``, ``AtMost``). A hedged figure is used as stated: "over half" is a
share of 0.5.

Cells:

- a number, with thousands separators or not (``6,265,000,000``, ``6265000000``, ``8.1e9``),
  optionally after a hedge: ``>`` or ``over`` (more than), ``>=``, ``≥`` or ``at least``, ``~``,
  ``≈`` or ``about`` (approximately), ``<=``, ``≤`` or ``at most``;
- a share with a ``%`` sign (``44.46%``) or as a fraction (``0.4446``); a bare number above 1 is
  refused rather than guessed to be a percentage;
- ``currency``: an ISO 4217 code (``CNY``, ``USD``), or ``RMB``, ``yuan``, ``元`` for CNY;
- ``unit``: ``t``, ``kt``, ``Mt`` (kept in tonnes), ``kg``, ``kWh``, ``MWh``, ``GWh`` (kept in
  kWh), ``units``/``pcs``/``sets``, or a QUDT unit's local name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from ..vocab import CG, UNIT, local_name
from .cells import column_name

__all__ = [
    "COMPARATORS",
    "HEDGE_MARKS",
    "NUMBER_KEYS",
    "QUANTITY_DETAILS",
    "QUANTITY_FIELDS",
    "QUANTITY_GROUPS",
    "QUANTITY_KEYS",
    "QUANTITY_PROPERTIES",
    "SHARE_KEYS",
    "EdgeQuantities",
    "add_statement",
    "edge_quantities",
    "pair_edges",
    "pair_quantities",
    "parse_amount",
    "parse_share",
    "percent_of_share",
    "quantity_cells",
    "row_quantities",
    "share_of_percent",
    "statements_of",
    "volume_unit",
    "with_quantities",
    "without_quantities",
]

#: The sheet's quantity columns, in the order the layout lists them.
QUANTITY_FIELDS = ("value", "currency", "volume", "unit", "client_share", "supplier_share")
#: The keys of an edge's quantities in its details (see the module's text).
QUANTITY_KEYS = ("value", "currency", "volume", "volume_unit", "client_share", "supplier_share")
SHARE_KEYS = ("client_share", "supplier_share")
#: The comparators a hedge may name (the local names of ``cg:Comparator`` members).
COMPARATORS = ("MoreThan", "AtLeast", "Approximately", "JustUnder", "AtMost")

_HEDGES = (
    (">=", "AtLeast"),
    ("≥", "AtLeast"),
    ("at least", "AtLeast"),
    ("<=", "AtMost"),
    ("≤", "AtMost"),
    ("at most", "AtMost"),
    (">", "MoreThan"),
    ("over", "MoreThan"),
    ("more than", "MoreThan"),
    ("~", "Approximately"),
    ("≈", "Approximately"),
    ("about", "Approximately"),
    ("approximately", "Approximately"),
    ("nearly", "JustUnder"),
)
_NUMBER = re.compile(r"^[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$")
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$")
_CURRENCY_WORDS = {"rmb": "CNY", "yuan": "CNY", "元": "CNY", "人民币": "CNY", "cny": "CNY"}
#: unit cell (lower case) -> (QUDT local name, factor to that unit)
_UNITS: dict[str, tuple[str, float]] = {
    "t": ("TONNE", 1.0),
    "tonne": ("TONNE", 1.0),
    "tonnes": ("TONNE", 1.0),
    "ton": ("TONNE", 1.0),
    "tons": ("TONNE", 1.0),
    "吨": ("TONNE", 1.0),
    "kt": ("TONNE", 1e3),
    "万吨": ("TONNE", 1e4),
    "mt": ("TONNE", 1e6),
    "kg": ("KiloGM", 1.0),
    "kwh": ("KiloW-HR", 1.0),
    "mwh": ("KiloW-HR", 1e3),
    "gwh": ("KiloW-HR", 1e6),
    "units": ("NUM", 1.0),
    "unit": ("NUM", 1.0),
    "pcs": ("NUM", 1.0),
    "pieces": ("NUM", 1.0),
    "sets": ("NUM", 1.0),
}
_QUDT_LOCAL = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _where(where: str, field: str, cell: str, mapping: Mapping[str, str]) -> str:
    return f"{where}: {field} {cell!r} (column {column_name(mapping, field)!r})"


def parse_amount(
    where: str, field: str, cell: str, mapping: Mapping[str, str] = {}, *, shown: str | None = None
) -> tuple[float, str | None]:
    """A quantity cell as ``(number, comparator or None)``, or a one-line error naming the cell.

    >>> parse_amount("f.csv:2", "value", ">120,000,000,000")
    (120000000000.0, 'MoreThan')
    >>> parse_amount("f.csv:2", "volume", "about 157500")
    (157500.0, 'Approximately')
    """
    text = cell.strip()
    cell = cell if shown is None else shown  # the cell as written, for the message
    comparator = None
    lowered = text.lower()
    for mark, name in _HEDGES:
        if lowered.startswith(mark):
            comparator, text = name, text[len(mark) :].strip()
            break
    plain = text.replace(",", "") if _GROUPED.match(text) else text
    if not _NUMBER.match(plain):
        raise InputError(
            f"{_where(where, field, cell, mapping)}: not a number (write 6265000000, 6,265,000,000 or >120e9)"
        )
    number = float(plain)
    if not math.isfinite(number):
        raise InputError(f"{_where(where, field, cell, mapping)}: not a finite number")
    return number, comparator


def parse_share(where: str, field: str, cell: str, mapping: Mapping[str, str] = {}) -> tuple[float, str | None]:
    """A share cell as ``(fraction, comparator or None)``: ``44.46%`` or ``0.4446``; a bare number
    above 1 is an error (a percentage needs its sign), as is a share above 100%.

    >>> parse_share("f.csv:2", "supplier_share", "44.46%")
    (0.4446, None)
    >>> parse_share("f.csv:2", "supplier_share", ">0.5")
    (0.5, 'MoreThan')
    """
    text = cell.strip()
    percent = text.endswith("%") or text.endswith("％")
    number, comparator = parse_amount(
        where, field, text.rstrip("%％").strip() if percent else text, mapping, shown=cell
    )
    if percent:
        number = share_of_percent(number)
    elif number > 1:
        raise InputError(
            f"{_where(where, field, cell, mapping)}: a share is a fraction from 0 to 1 or a percentage with its sign "
            f"({number / 100:g} or {cell.strip()}%)"
        )
    if number > 1:
        raise InputError(f"{_where(where, field, cell, mapping)}: a share is at most 100%")
    return round(number, 12), comparator


def share_of_percent(percent: float) -> float:
    """A percentage as a share, to twelve decimals: every path keeps shares so, and the import,
    which writes shares in percent (:func:`percent_of_share`), reads them back the same."""
    return round(percent / 100, 12)


def percent_of_share(share: float) -> float:
    """A share (to twelve decimals) as a percentage, to ten: what the import and exports write."""
    return round(share * 100, 10)


def volume_unit(where: str, cell: str, mapping: Mapping[str, str] = {}) -> tuple[str, float]:
    """A ``unit`` cell as ``(QUDT unit local name, factor)``: ``kt`` is ``("TONNE", 1000.0)``."""
    text = cell.strip()
    found = _UNITS.get(text.lower())
    if found is not None:
        return found
    if _QUDT_LOCAL.match(text) and any(c.isupper() for c in text):
        return text, 1.0  # a QUDT unit's local name (TONNE, KiloW-HR)
    known = ", ".join(sorted({"t", "kt", "Mt", "kg", "kWh", "MWh", "GWh", "units"}))
    raise InputError(f"{_where(where, 'unit', cell, mapping)}: unknown unit (use {known}, or a QUDT unit's local name)")


def _currency(where: str, cell: str, mapping: Mapping[str, str]) -> str:
    text = cell.strip()
    code = _CURRENCY_WORDS.get(text.lower(), text.upper())
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InputError(f"{_where(where, 'currency', cell, mapping)}: use an ISO 4217 code (CNY, USD, EUR)")
    return code


def row_quantities(where: str, row: Mapping[str, str], mapping: Mapping[str, str] = {}) -> dict:
    """A relations row's quantities in the details form (see the module's text; empty: none).

    >>> row_quantities("f.csv:2", {"value": "8.1e9", "currency": "yuan", "supplier_share": ">50%"})
    {'value': 8100000000.0, 'currency': 'CNY', 'supplier_share': 0.5, 'hedges': {'supplier_share': 'MoreThan'}}
    """
    found: dict = {}
    hedges: dict[str, str] = {}
    value, currency = row.get("value", "").strip(), row.get("currency", "").strip()
    if value:
        if not currency:
            raise InputError(f"{_where(where, 'value', value, mapping)}: give its currency in the currency column")
        found["value"], hedge = parse_amount(where, "value", value, mapping)
        found["currency"] = _currency(where, currency, mapping)
        if hedge:
            hedges["value"] = hedge
    elif currency:
        raise InputError(f"{_where(where, 'currency', currency, mapping)}: a currency with no value")
    volume, unit = row.get("volume", "").strip(), row.get("unit", "").strip()
    if volume:
        if not unit:
            raise InputError(f"{_where(where, 'volume', volume, mapping)}: give its unit in the unit column")
        amount, hedge = parse_amount(where, "volume", volume, mapping)
        found["volume_unit"], factor = volume_unit(where, unit, mapping)
        found["volume"] = amount * factor
        if hedge:
            hedges["volume"] = hedge
    elif unit:
        raise InputError(f"{_where(where, 'unit', unit, mapping)}: a unit with no volume")
    for key in SHARE_KEYS:
        cell = row.get(key, "").strip()
        if cell:
            found[key], hedge = parse_share(where, key, cell, mapping)
            if hedge:
                hedges[key] = hedge
    if hedges:
        found["hedges"] = hedges
    return found


#: Each quantity with the key that goes with it (its currency or unit).
QUANTITY_GROUPS = (("value", "currency"), ("volume", "volume_unit"), ("client_share", None), ("supplier_share", None))


def pair_quantities(stated: list[tuple[str, dict]]) -> dict:
    """One supplier-client pair's quantities from its relations' (``(period start, quantities)``
    each, ``""`` for an undated start): each quantity from the relation that starts last (the
    latest statement), ties to the larger amount; ``quantity_starts`` keeps each one's start, so a
    pair's quantities can be merged with more statements later (:func:`statements_of`).

    >>> pair_quantities([("2021", {"supplier_share": 0.1}), ("2023", {"supplier_share": 0.5})])
    {'supplier_share': 0.5, 'quantity_starts': {'supplier_share': '2023'}}
    """
    found: dict = {}
    hedges: dict[str, str] = {}
    starts: dict[str, str] = {}
    for key, companion in QUANTITY_GROUPS:
        having = [(start, q[key], q) for start, q in stated if key in q]
        if not having:
            continue
        starts[key], amount, chosen = max(having, key=lambda item: (item[0], item[1]))
        found[key] = amount
        if companion is not None:
            found[companion] = chosen[companion]
        if key in chosen.get("hedges", {}):
            hedges[key] = chosen["hedges"][key]
    if hedges:
        found["hedges"] = hedges
    if starts:
        found["quantity_starts"] = starts
    return found


def with_quantities(details: dict, quantities: dict) -> dict:
    """A pair's ``details`` with its quantities (from :func:`pair_quantities`) joined in; their
    starts are kept only where the pair's periods (``intervals``) do not say them already (one
    start for the whole pair: the common case, and a saved projection a third smaller)."""
    merged = {**details, **quantities}
    starts = set(merged.get("quantity_starts", {}).values())
    if len(starts) == 1 and {bounds[0] for bounds in merged.get("intervals", ())} == starts:
        del merged["quantity_starts"]
    return merged


def statements_of(details: Mapping) -> list[tuple[str, dict]]:
    """The statements :func:`pair_quantities` chose for a pair (its ``details``), one per quantity."""
    if "quantity_starts" in details:
        starts = details["quantity_starts"]
    else:  # dropped by with_quantities: the pair's one start
        common = {bounds[0] for bounds in details.get("intervals", ())}
        starts = dict.fromkeys(("value", "volume", "client_share", "supplier_share"), common.pop() if common else "")
    statements = []
    for key, companion in QUANTITY_GROUPS:
        if key in details:
            quantity = {key: details[key]}
            if companion is not None:
                quantity[companion] = details[companion]
            if key in details.get("hedges", {}):
                quantity["hedges"] = {key: details["hedges"][key]}
            statements.append((starts.get(key, ""), quantity))
    return statements


#: A quantity property's IRI -> the key of its number in the details form.
QUANTITY_PROPERTIES = {
    str(CG.tradeValue): "value",
    str(CG.tradeVolume): "volume",
    str(CG.clientShare): "client_share",
    str(CG.supplierShare): "supplier_share",
}
_PERCENT = str(UNIT.PERCENT)
_FRACTIONS = (str(UNIT.FRAC), str(UNIT.UNITLESS))


def add_statement(quantities: dict, prop: str, amount: str, unit: str | None, comparator: str | None) -> None:
    """Add one quantity value read from RDF (its property's IRI, lexical number, unit and
    comparator IRIs) to ``quantities`` in the details form. A share in any unit but percent or a
    fraction, outside [0, 1], or a number that does not parse is left out: ``validate`` names it."""
    key = QUANTITY_PROPERTIES[prop]
    try:
        number = float(amount)
    except ValueError:
        return
    if key in SHARE_KEYS:
        if unit == _PERCENT:
            number = share_of_percent(number)
        elif unit not in _FRACTIONS:
            return
        if not 0 <= number <= 1:
            return
    quantities[key] = number
    if key == "value":
        quantities["currency"] = local_name(unit or "")
    elif key == "volume":
        quantities["volume_unit"] = local_name(unit or "")
    if comparator:
        quantities.setdefault("hedges", {})[key] = local_name(comparator)


#: How a hedge is written before a number in a cell (read back by :func:`parse_amount`) and a view.
HEDGE_MARKS = {"MoreThan": ">", "AtLeast": ">=", "Approximately": "~", "JustUnder": "nearly ", "AtMost": "<="}


def quantity_cells(quantities: Mapping) -> dict[str, str]:
    """Quantities in the details form as a sheet's cells (:data:`QUANTITY_FIELDS`), which
    :func:`row_quantities` reads back to the same quantities.

    >>> cells = quantity_cells({"value": 8.1e9, "currency": "CNY", "supplier_share": 0.5,
    ...                         "hedges": {"supplier_share": "MoreThan"}})
    >>> cells["value"], cells["currency"], cells["supplier_share"], cells["volume"]
    ('8100000000', 'CNY', '>50%', '')
    """
    hedges = quantities.get("hedges", {})

    def cell(key: str, number: float, suffix: str = "") -> str:
        return f"{HEDGE_MARKS.get(hedges.get(key, ''), '')}{np.format_float_positional(number, trim='-')}{suffix}"

    cells = dict.fromkeys(QUANTITY_FIELDS, "")
    if "value" in quantities:
        cells["value"], cells["currency"] = cell("value", quantities["value"]), quantities["currency"]
    if "volume" in quantities:
        cells["volume"], cells["unit"] = cell("volume", quantities["volume"]), quantities["volume_unit"]
    for key in SHARE_KEYS:
        if key in quantities:
            cells[key] = cell(key, percent_of_share(quantities[key]), "%")
    return cells


#: The numbers of the details form, each a column of :class:`EdgeQuantities` (and a hedge's slot).
NUMBER_KEYS = tuple(key for key, _ in QUANTITY_GROUPS)
#: The keys of the details form that :class:`EdgeQuantities` holds as columns (and the starts
#: :func:`pair_quantities` keeps for merging statements, which the columns do not need).
QUANTITY_DETAILS = frozenset({*NUMBER_KEYS, "currency", "volume_unit", "hedges", "quantity_starts"})
_COMPANION = dict(QUANTITY_GROUPS)
_COMPARATOR_CODE = {hedge: code for code, hedge in enumerate(COMPARATORS)}


@dataclass
class EdgeQuantities:
    """The quantities of a network's edges as columns, one entry per edge: ``nan`` where an edge
    states none. ``value_unit`` and ``volume_unit`` are codes into ``units`` (currencies and units
    alike; ``-1``: none); ``hedges[e, k]`` the comparator of edge ``e``'s ``NUMBER_KEYS[k]`` as a
    code into :data:`COMPARATORS` (``-1``: stated as it is).

    The projection holds them beside its edges (:class:`chaingraph.projection.model.Projection`),
    built once from the details form (:func:`edge_quantities`) and saved as arrays: a network of
    millions of relations keeps six numbers an edge, not a dict.
    """

    value: np.ndarray
    value_unit: np.ndarray
    volume: np.ndarray
    volume_unit: np.ndarray
    client_share: np.ndarray
    supplier_share: np.ndarray
    hedges: np.ndarray
    units: list[str]

    @classmethod
    def none(cls, edges: int) -> EdgeQuantities:
        """``edges`` edges stating nothing, as read-only columns of one value each: no memory an
        edge (a network of 35 million relations and no quantities held 1.5 GB of ``nan``); columns
        to write into are :meth:`blank`'s."""
        missing, code = np.broadcast_to(np.float64(np.nan), (edges,)), np.broadcast_to(np.int32(-1), (edges,))
        hedges = np.broadcast_to(np.int8(-1), (edges, len(NUMBER_KEYS)))
        return cls(missing, code, missing, code, missing, missing, hedges, [])

    @property
    def _is_none(self) -> bool:
        """Whether these are :meth:`none`'s columns (each one value, no memory an edge)."""
        return self.value.ndim == 1 and len(self.value) > 1 and self.value.strides == (0,)

    @classmethod
    def blank(cls, edges: int) -> EdgeQuantities:
        """``edges`` edges stating nothing, each column its own array to write quantities into."""
        missing, code = np.full(edges, np.nan), np.full(edges, -1, dtype=np.int32)
        return cls(
            missing, code, missing.copy(), code.copy(), missing.copy(), missing.copy(),
            np.full((edges, len(NUMBER_KEYS)), -1, dtype=np.int8), [],
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.value)

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns by name (what a saved projection writes)."""
        return {
            "value": self.value, "value_unit": self.value_unit, "volume": self.volume,
            "volume_unit": self.volume_unit, "client_share": self.client_share,
            "supplier_share": self.supplier_share, "hedges": self.hedges,
        }  # fmt: skip

    def take(self, keep: np.ndarray) -> EdgeQuantities:
        """The quantities of the edges ``keep`` selects (a mask or indices), in its order."""
        if self._is_none:
            return EdgeQuantities.none(int(np.count_nonzero(keep)) if keep.dtype == bool else len(keep))
        return EdgeQuantities(**{name: column[keep] for name, column in self.arrays().items()}, units=self.units)

    @property
    def any(self) -> bool:
        """Whether some edge states a quantity."""
        return bool(len(self.stating()))

    def stating(self) -> np.ndarray:
        """The edges that state a quantity, as indices."""
        stated = ~np.isnan(self.value) | ~np.isnan(self.volume)
        stated |= ~np.isnan(self.client_share) | ~np.isnan(self.supplier_share)
        return np.flatnonzero(stated)

    def details(self, edge: int) -> dict:
        """Edge ``edge``'s quantities in the details form (empty: none)."""
        found: dict = {}
        hedges: dict[str, str] = {}
        for k, key in enumerate(NUMBER_KEYS):
            number = float(getattr(self, key)[edge])
            if math.isnan(number):
                continue
            found[key] = number
            companion = _COMPANION[key]
            if companion is not None:
                found[companion] = self.units[int(getattr(self, f"{key}_unit")[edge])]
            hedge = int(self.hedges[edge, k])
            if hedge >= 0:
                hedges[key] = COMPARATORS[hedge]
        if hedges:
            found["hedges"] = hedges
        return found


def pair_edges(
    nodes: Sequence[str], suppliers: np.ndarray, clients: np.ndarray, pairs: Sequence[tuple[str, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """The edge each (supplier, client) IRI pair is, and whether the network has it at all (a pair
    with an end outside it, or that it leaves out, has no edge): one sort of the edges and a binary
    search per pair, not a dict of every edge. The network has at least one edge."""
    n = max(len(nodes), 1)
    index = {node: i for i, node in enumerate(nodes)}
    ends = np.fromiter((index.get(end, -1) for pair in pairs for end in pair), dtype=np.int64, count=2 * len(pairs))
    known = (ends[0::2] >= 0) & (ends[1::2] >= 0)
    wanted = np.where(known, ends[0::2] * n + ends[1::2], -1)
    keys = suppliers.astype(np.int64) * n + clients
    order = np.argsort(keys, kind="stable")
    at = order[np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)]
    return at, keys[at] == wanted


def edge_quantities(
    nodes: Sequence[str], suppliers: np.ndarray, clients: np.ndarray, details: Mapping
) -> EdgeQuantities:
    """The edges' quantities from the details form by (supplier, client) IRI (a pair with no edge
    is left out), read a column at a time: a pass over the stating pairs per quantity, not a
    Python step per cell."""
    m = len(suppliers)
    stating = [(pair, data) for pair, data in details.items() if any(key in data for key in NUMBER_KEYS)]
    if not stating or not m:
        return EdgeQuantities.none(m)
    found = EdgeQuantities.blank(m)
    count = len(stating)
    at, present = pair_edges(nodes, suppliers, clients, [pair for pair, _ in stating])
    edges = at[present]
    datas = [data for _, data in stating]
    for k, name in enumerate(NUMBER_KEYS):
        column = np.fromiter((data.get(name, np.nan) for data in datas), dtype=np.float64, count=count)
        getattr(found, name)[edges] = column[present]
        hedged = np.fromiter(
            (_COMPARATOR_CODE[data["hedges"][name]] if name in data.get("hedges", ()) else -1 for data in datas),
            dtype=np.int8,
            count=count,
        )
        found.hedges[edges, k] = hedged[present]
    codes: dict[str, int] = {}
    for name, unit in (("value", "currency"), ("volume", "volume_unit")):
        column = np.fromiter(
            (codes.setdefault(data[unit], len(codes)) if name in data else -1 for data in datas),
            dtype=np.int32,
            count=count,
        )
        getattr(found, f"{name}_unit")[edges] = column[present]
    found.units = list(codes)
    return found


def without_quantities(details: Mapping) -> dict:
    """A pair's ``details`` with its quantities left out (the projection keeps them as columns)."""
    return {key: value for key, value in details.items() if key not in QUANTITY_DETAILS}
