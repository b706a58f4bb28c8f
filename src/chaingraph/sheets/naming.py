"""How a sheet's ids and names become the graph's IRIs: the graph's places, chains, stages and
organizations by name (:class:`ImportContext`) and the one rule every reader follows
(:class:`Naming`), so the import, the tables reader and Spark give the same nodes. Ground floor:
the graph's names come in as rows (:func:`chaingraph.queries.context.import_context` asks a store
for them), never by a query from here.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from ..errors import InputError
from ..names import Decision, Decisions, NameIndex, exact_form, identifier_key, name_key
from ..vocab import CG, ORGANIZATION_CLASSES, expand_curie, shorten_iri
from .cells import is_iri, mint_iri, quoted
from .layout import STAGE_VOCABULARY_FIELDS, sheet_rows
from .places import NewPlace, Place, lineage, place_named

__all__ = [
    "RESOLUTIONS",
    "ImportContext",
    "Naming",
    "unplaced_note",
    "vocabulary_entries",
]

#: How a relation end's name was resolved (``chaingraph resolve``): a label of the graph, a name of
#: the user's firms sheets, the same key as one of those (:mod:`chaingraph.names`), an identifier
#: (a firms sheet's row whose identifier is a known firm's), a decision of the user's, or a new firm.
RESOLUTIONS = ("graph", "sheet", "normalised", "identifier", "same-as", "new")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_ORGANIZATION_CLASSES = {str(c) for c in ORGANIZATION_CLASSES}


def unplaced_note(naming: Naming) -> str:
    """One line on the cells that placed nowhere known ("" when there are none), never guessed: a
    ``located_in`` cell is kept as a place of its own, an ``address`` leaves its firm's place unknown."""
    said = []
    for cells, what, kept in (
        (naming.unplaced, "located_in", "kept as places of their own, in no region"),
        (naming.unplaced_addresses, "address", "their firms' place unknown"),
    ):
        if cells:
            shown = ", ".join(repr(cell) for cell in sorted(cells)[:5]) + (", ..." if len(cells) > 5 else "")
            which = "cell names" if len(cells) == 1 else "cells name"
            said.append(f"{len(cells):,} {what} {which} no place known ({kept}): {shown}")
    if not said:
        return ""
    return "; ".join(said) + " (places known: the graph's, China's divisions, countries and their subdivisions)"


class ImportContext:
    """Places, chains and stages already in the graph, by lower-cased name, and its organizations
    by every label.

    ``rows`` are ``(name, thing, kind class, scheme)`` for every labelled thing of the graph
    (``scheme`` the chain of a stage, else ``None``). What grows with the data is asked for only
    when needed: ``kinds_of(iris)`` gives the classes of each IRI that has any, ``not_firms()`` every thing of
    the graph that is no organization (for a copy sent to Spark's workers, which cannot ask).
    """

    def __init__(
        self,
        rows: Iterable[tuple[str, str, str, str | None]] = (),
        *,
        kinds_of: Callable[[Sequence[str]], Mapping[str, list[str]]] | None = None,
        not_firms: Callable[[], Iterable[tuple[str, str]]] | None = None,
        identifiers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.places: dict[str, str] = {}
        self.chains: dict[str, str] = {}
        self.stages: dict[tuple[str, str], str] = {}
        self.firms: dict[str, set[str]] = {}
        self.organizations: set[str] = set()
        #: IRIs of the graph's places, chains and stages, with what each is: never a firm's id.
        self.not_firms: dict[str, str] = {}
        self._kinds_of = kinds_of
        self._all_not_firms = not_firms
        #: (name, organization) for every label of the graph's organizations; indexed by key on
        #: the first lookup that needs it (:attr:`graph_names`).
        self._organization_names: list[tuple[str, str]] = []
        self._graph_names: NameIndex | None = None
        #: The graph's organizations by identifier (``schema:identifier``), each as one key
        #: (:func:`chaingraph.names.identifier_key`), and the keys of each organization.
        self.identified: dict[str, str] = {}
        self.identifiers_of: dict[str, set[str]] = {}
        for thing, code in identifiers:
            try:
                key = identifier_key(code)
            except InputError:  # the graph's own code fails its check: compared as written
                key = code.strip().upper()
            if key:
                self.identified.setdefault(key, thing)
                self.identifiers_of.setdefault(thing, set()).add(key)
        for label, thing, kind, scheme in rows:
            name = label.strip().lower()
            if kind not in _ORGANIZATION_CLASSES:
                self.not_firms.setdefault(thing, shorten_iri(kind))
            if kind == str(CG.IndustrialChain):
                self.chains.setdefault(name, thing)
                self.chains.setdefault(thing.rsplit("/", 1)[-1].lower(), thing)
            elif kind == str(CG.ChainStage):
                if scheme is not None:
                    self.stages.setdefault((scheme, name), thing)
            elif kind in _ORGANIZATION_CLASSES:
                self.firms.setdefault(name, set()).add(thing)
                self.organizations.add(thing)
                self._organization_names.append((label, thing))
            else:
                self.places.setdefault(name, thing)

    def __getstate__(self) -> dict:
        # Sent to Spark's workers inside the naming rule: the store stays here (it cannot travel),
        # so what the workers must refuse travels instead: every thing of the graph that is no
        # organization, but for the kinds that grow with the data (asked of the store here only).
        if self._all_not_firms is not None:
            for thing, kind in self._all_not_firms():
                self.not_firms.setdefault(thing, shorten_iri(kind))
        return {**self.__dict__, "_kinds_of": None, "_all_not_firms": None}

    def other_kind(self, iri: str) -> str | None:
        """What the graph says ``iri`` is when it is something other than an organization (a
        place, a person, a product, a class), else ``None``; asked once per IRI."""
        if iri in self.organizations:
            return None
        if iri not in self.not_firms:
            self.learn_kinds([iri])
        return self.not_firms.get(iri) or None

    def learn_kinds(self, iris: Iterable[str]) -> None:
        """Ask the graph at once what each of ``iris`` not yet known is (a sheet's ids that are
        IRIs, before they are resolved one by one: a query per chunk, not one per id)."""
        if self._kinds_of is None:
            return
        # each IRI checked, not a set difference: that walks the kinds learned so far (a firms
        # sheet asking row by row took 60 s at 100k rows)
        known, organizations = self.not_firms, self.organizations
        unknown = [iri for iri in dict.fromkeys(iris) if iri not in known and iri not in organizations]
        if not unknown:
            return
        found = self._kinds_of(unknown)
        for iri, kinds in found.items():
            if any(kind in _ORGANIZATION_CLASSES for kind in kinds):
                self.organizations.add(iri)
            else:
                self.not_firms[iri] = shorten_iri(min(kinds)) if kinds else ""
        # the IRIs the graph has no class of: nothing (a million of them at once, issue 47)
        self.not_firms.update(dict.fromkeys(set(unknown).difference(found), ""))

    def existing_firm(self, name: str) -> str | None:
        """The one organization of the graph with this name, if exactly one has it."""
        found = self.firms.get(name.strip().lower(), set())
        return next(iter(found)) if len(found) == 1 else None

    @property
    def organization_names(self) -> list[tuple[str, str]]:
        """(name, organization) for every label of the graph's organizations."""
        return self._organization_names

    @property
    def graph_names(self) -> NameIndex:
        """The graph's organizations by every label they have, in every language."""
        if self._graph_names is None:
            self._graph_names = NameIndex()
            for name, thing in self._organization_names:
                self._graph_names.add(name, thing)
        return self._graph_names


class Naming:
    """How a sheet's ids and names become IRIs, beside a graph (:class:`ImportContext`): the one
    rule both the import and the tables reader follow, so the two give the same nodes.

    Each method returns the IRI and whether this call created it (the caller then states what a new
    place, chain or stage is); ``created`` and ``matched`` count what was created and matched.
    """

    def __init__(
        self,
        context: ImportContext,
        base: str,
        chain_name: str,
        mapping: Mapping[str, str] | None = None,
        decisions: Sequence[Decision] = (),
    ) -> None:
        self.context = context
        #: The user's decisions on names (``--same-as``), applied to every IRI this rule gives.
        self.decisions = list(decisions)
        self._decided: Decisions | None = None
        #: The sheet's ``--map``, for messages that name a cell's column.
        self.mapping: Mapping[str, str] = mapping or {}
        self.base = base
        #: The chain a firm's stage belongs to when its row names none (import: the relations file's stem).
        self.chain_name = chain_name
        self.places: dict[str, str] = {}
        #: ``located_in`` cells that name no place of the graph or the gazetteer (each once).
        self.unplaced: list[str] = []
        #: ``address`` cells that name no place known (each once): their firms' place is unknown.
        self.unplaced_addresses: list[str] = []
        #: IRIs minted for places of the gazetteer, by its key (``CN-350902``).
        self._listed: dict[str, str] = {}
        self.chains: dict[str, str] = {}
        self.stages: dict[tuple[str, str], str] = {}
        self.created: Counter = Counter()
        self.matched: Counter = Counter()
        #: How each relation end's name was resolved: name -> (IRI, how), ``how`` one of
        #: :data:`RESOLUTIONS`.
        self.resolved: dict[str, tuple[str, str]] = {}
        #: The firms sheets' own firms by id and names: looked up before the graph.
        self.sheet_names = NameIndex()
        #: New firms this rule has stated (a firm decided the same as one of them is not new).
        self._stated: set[str] = set()
        #: The firms sheets' firms by identifier key, and each firm's keys (the graph's are in
        #: the context): equal identifiers are one firm, different ones are never merged.
        self.identified: dict[str, str] = {}
        self.identifiers_of: dict[str, set[str]] = {}
        #: The candidate pairs of the names resolved, once worked out (``chaingraph resolve``).
        self.candidates: list | None = None

    def learn_firm_ids(self, identifiers: Iterable[str]) -> None:
        """Ask the graph at once what the IRIs a firms sheet's ``identifiers`` make are (what
        :meth:`firm` checks of each): one query per chunk, not one per row."""
        self.context.learn_kinds(filter(is_iri, identifiers))  # an IRI id is the firm's IRI (mint_iri)

    def firm(self, identifier: str, where: str) -> str:
        """The IRI of a firm's id; an id that is a place's or chain's IRI is refused (it would make
        that place or chain a firm). ``where`` is the file and line, for the message."""
        iri = mint_iri(self.base, "firm", identifier)
        kind = self.context.other_kind(iri) if is_iri(identifier) else self.context.not_firms.get(iri)
        if kind:
            raise InputError(f"{where}: {identifier} is the graph's {kind}, not a firm; give the firm an id of its own")
        return self.merged(iri)

    def firm_row(self, identifier: str, row: Mapping[str, str], where: str) -> str:
        """The IRI of a firms sheet's row: its id's (:meth:`firm`), unless its ``identifier`` cell
        (a unified social credit code, an LEI, an exchange code ...) is that of a firm already
        known, a row before it or an organization of the graph: then that firm's. An identifier
        that fails its check, or a firm decided the same (``--same-as``) as one with another
        identifier, is an :class:`InputError` naming ``where``."""
        iri = self.firm(identifier, where)
        code = row.get("identifier", "")
        if not code:
            return iri
        key = identifier_key(code, f"{where}: ")
        known = self.identified.get(key) or self.context.identified.get(key)
        if known is not None and known != iri:
            known = self.merged(known)
            if known in self.context.organizations:  # the graph's (a row before it is no new match)
                self.matched["firm"] += 1
            self.resolved[identifier] = (known, "identifier")
            return known
        others = (self.identifiers_of.get(iri, set()) | self.context.identifiers_of.get(iri, set())) - {key}
        if others:
            raise InputError(
                f"{where}: identifier {code} is not {identifier}'s, which is {sorted(others)[0]}; "
                "a firm has one identifier (check the --same-as decisions that merge them)"
            )
        self.identified[key] = iri
        self.identifiers_of.setdefault(iri, set()).add(key)
        return iri

    def identifiers(self, iri: str) -> set[str]:
        """The identifier keys of a firm, the sheets' and the graph's."""
        return self.identifiers_of.get(iri, set()) | self.context.identifiers_of.get(iri, set())

    def merged(self, iri: str) -> str:
        """The firm ``iri`` is, by the user's decisions: the graph's organization of a group decided
        the same (else the group's first IRI), or ``iri`` itself."""
        if not self.decisions:
            return iri
        return self.decided.target(iri)

    @property
    def decided(self) -> Decisions:
        """The decisions, each side read as an IRI, a name of the graph (exactly or by key), a name
        of the firms sheets registered so far, or a firm's id."""
        if self._decided is None:

            def entity(side: str) -> str:
                if is_iri(side):
                    return side
                for found in (
                    {self.context.existing_firm(side)} - {None},
                    self.context.graph_names.by_key(side),
                    self.sheet_names.exact(side),
                ):
                    if len(found) == 1:
                        return str(next(iter(found)))
                return mint_iri(self.base, "firm", side)

            def preferred(iri: str) -> tuple:
                return (iri not in self.context.organizations, iri)

            pairs = [(entity(d.a), entity(d.b), d.same, d.where) for d in self.decisions]
            self._decided = Decisions(pairs, preferred)
        return self._decided

    def known(self, iri: str) -> bool:
        """Whether the graph already has this organization (with a name): a row then adds only
        what it states, never a new firm's defaults (its id as a name, an unknown location)."""
        return iri in self.context.organizations

    def register_firm(self, identifier: str, row: Mapping[str, str], iri: str) -> None:
        """A firms sheet's row: its id and names find it when a relation cell spells one of them."""
        self._stated.add(iri)
        names = (identifier, row.get("name_en", ""), row.get("name_zh", ""))
        self.sheet_names.add_all([(name, iri) for name in names])

    def register_firms(
        self, ids: Sequence[str], english: Sequence[str], chinese: Sequence[str], iris: Sequence[str]
    ) -> None:
        """:meth:`register_firm` of each row of these columns, in order. The names are read from
        the columns when a lookup first needs them: no tuple a row is held meanwhile (a GB at ten
        million firms)."""
        self._stated.update(iris)
        rows = zip(ids, english, chinese, iris, strict=True)
        self.sheet_names.add_all((name, row[3]) for row in rows for name in row[:3])

    def new_firm_rows(self, identifiers: list[str], codes: list[str]) -> list[str] | None:
        """The IRIs of a firms sheet's rows (their ids and identifier cells), as :meth:`firm_row`
        gives them, when each is a firm the graph has nothing of, and no identifier cell or
        ``--same-as`` decision touches one: found at once; else ``None``."""
        if self.decisions or any(codes):
            return None
        iris = [mint_iri(self.base, "firm", identifier) for identifier in identifiers]
        if not self.context.organizations.isdisjoint(iris) or any(map(self.context.not_firms.get, iris)):
            return None
        return iris

    def endpoint(self, identifier: str, where: str) -> tuple[str, bool]:
        """A relation's end not among the sheet's firms' ids: the graph's organization by that IRI,
        an exact name or a name of the same key (:mod:`chaingraph.names`), with ``True``; or a new
        firm, ``False``. Depends on the graph alone, so each part of a sheet read apart (Spark)
        gets the same answer; :meth:`resolve_ends` adds what needs every row."""
        how = "graph"
        if is_iri(identifier):
            existing = identifier if identifier in self.context.organizations else None
        else:
            existing = self.context.existing_firm(identifier)
            if existing is None:
                by_key = self.context.graph_names.by_key(identifier)
                existing, how = (next(iter(by_key)), "normalised") if len(by_key) == 1 else (None, how)
        if existing is not None:
            if self.decisions and self.merged(existing) != existing:
                existing, how = self.merged(existing), "same-as"
            self.matched["firm"] += 1
            self.resolved[identifier] = (existing, how)
            return existing, True
        iri = self.firm(identifier, where)
        if iri != mint_iri(self.base, "firm", identifier):  # decided the same as another firm
            self.matched["firm"] += 1
            self.resolved[identifier] = (iri, "same-as")
            return iri, iri in self.context.organizations or iri in self._stated
        self.created["firm"] += 1
        self._stated.add(iri)
        self.resolved[identifier] = (iri, "new")
        return iri, False

    def all_new_firm_iris(self, identifiers: list[str]) -> bool:
        """Whether every one of ``identifiers`` (relation ends no firm row names) is an IRI the
        graph has nothing of and no ``--same-as`` decision touches: :meth:`endpoint` would make each
        a new firm by that very IRI, which :meth:`new_firm_iris` records at once (a sheet of a
        million such ends, issue 47); checked in C loops."""
        not_firms = self.context.not_firms
        return (
            not self.decisions
            and self.context.organizations.isdisjoint(identifiers)
            # each asked of the graph (learn_kinds), and nothing there: an empty kind
            and not any(map(not_firms.get, identifiers, itertools.repeat("?")))
            and all(map(is_iri, identifiers))
        )

    def new_firm_iris(self, identifiers: list[str]) -> None:
        """Record each of ``identifiers`` as :meth:`endpoint` records a new firm, in order."""
        self.created["firm"] += len(identifiers)
        self._stated.update(identifiers)
        self.resolved.update(zip(identifiers, zip(identifiers, itertools.repeat("new")), strict=False))

    def resolve_ends(self, names: Iterable[str]) -> dict[str, tuple[str, str, str]]:
        """Every relation end that is no firm row's id, resolved with all the rows in view, in
        an order of their own (so the answer never depends on the rows' order): name -> (the name
        that states the firm, its IRI, how). In turn: a name of the firms sheets, exactly or by
        key; the graph's, as :meth:`endpoint` finds it; else a new firm, one for all the names of
        compatible keys, stated by the first of them in sorted order."""
        found: dict[str, tuple[str, str, str]] = {}
        new = NameIndex()
        stating: dict[str, str] = {}
        names = set(names)
        # An IRI is what it says (what the graph says each is, asked at once: a query per 500, not
        # one per IRI, 17 s for a sheet of 100,000); the others in an order of their own.
        iris = {name for name in names if is_iri(name)}
        self.context.learn_kinds(iris)
        written = names - iris
        graph_names = self.context.graph_names
        for name in sorted(written, key=lambda text: (exact_form(text), text)):
            key = name_key(name)
            in_sheet = self.sheet_names.exact(name)
            how = "sheet"
            if len(in_sheet) != 1:
                in_sheet, how = self.sheet_names.by_key(name, key), "normalised"
            if len(in_sheet) == 1:
                found[name] = (name, next(iter(in_sheet)), how)
                continue
            if self.context.existing_firm(name) is not None or len(graph_names.by_key(name, key)) == 1:
                continue  # endpoint() finds it in the graph
            earlier = new.by_key(name, key)
            if len(earlier) == 1:
                iri = next(iter(earlier))
                found[name] = (stating[iri], iri, "normalised")
                continue
            iri = mint_iri(self.base, "firm", name)
            new.add(name, iri)
            stating[iri] = name
            if self.merged(iri) != iri:
                found[name] = (name, iri, "same-as")
        if self.decisions:  # every firm as the user decided it
            found = {
                name: (said, self.merged(iri), "same-as" if self.merged(iri) != iri else how)
                for name, (said, iri, how) in found.items()
            }
        self.resolved.update({name: (iri, how) for name, (_, iri, how) in found.items()})
        return found

    def place(self, name: str) -> tuple[str, list[NewPlace]]:
        """The IRI of the place a ``located_in`` cell names, and the places this call created
        (the country first), each for the caller to state: a place of the graph by name; else the
        most specific place the cell names as an address (:func:`chaingraph.sheets.places.place_named`),
        with the places it lies in, the graph's where it has them; else a new place of that name."""
        key = name.lower()
        if key in self.context.places:
            self.matched["place"] += 1
            return self.context.places[key], []
        listed = self._listed_cell(name)
        if listed is not None:
            return listed
        self.unplaced.append(name)
        self.places[key] = iri = mint_iri(self.base, "place", name)
        self.created["place"] += 1
        return iri, [NewPlace(iri, name, name if self.chinese(name) else "", None, None, None)]

    def address(self, text: str) -> tuple[str | None, list[NewPlace]]:
        """The place an ``address`` cell names (as :meth:`place` reads a cell that is no place of
        the graph) and the places this call created; ``None`` when it names none (counted in
        :attr:`unplaced_addresses`: an address is never a place of its own)."""
        listed = self._listed_cell(text)
        if listed is not None:
            return listed
        if text not in self.unplaced_addresses:
            self.unplaced_addresses.append(text)
        return None, []

    def _listed_cell(self, text: str) -> tuple[str, list[NewPlace]] | None:
        """A cell's place as read before, or as the gazetteer reads it (see :meth:`place`)."""
        key = text.lower()
        if key in self.places:
            return self.places[key], []
        found = place_named(text)
        if found is None:
            return None
        self.places[key], created = self._listed_place(found)
        return self.places[key], created

    def _listed_place(self, found: Place) -> tuple[str, list[NewPlace]]:
        """The IRI of a place of the gazetteer, and those of its lineage this call created."""
        created: list[NewPlace] = []
        parent: str | None = None
        iri = ""
        for place in lineage(found):
            iri = self._graph_place(place) or self._listed.get(place.key, "")
            if not iri:
                iri = self._listed[place.key] = mint_iri(self.base, "place", place.key)
                created.append(
                    NewPlace(iri, place.name_en, place.name_zh, place.kind, parent, place.code, place.aliases)
                )
            parent = iri
        self.matched["place"] += len(created) == 0
        self.created["place"] += len(created)
        return iri, created

    def _graph_place(self, place: Place) -> str | None:
        """The graph's IRI of a listed place, by its Chinese name or, above the counties, its English one."""
        names = [place.name_zh] if place.name_zh else []
        if place.kind != "county" or not place.name_zh:
            names.append(place.name_en)
        for name in names:
            found = self.context.places.get(name.lower())
            if found is not None:
                return found
        return None

    def chain(self, name: str) -> tuple[str, bool]:
        key = name.lower()
        if key in self.context.chains:
            return self.context.chains[key], False
        if key in self.chains:
            return self.chains[key], False
        self.chains[key] = iri = mint_iri(self.base, "chain", name)
        self.created["chain"] += 1
        return iri, True

    def stage(self, chain: str, name: str) -> tuple[str, bool]:
        key = (chain, name.lower())
        if key in self.context.stages:
            return self.context.stages[key], False
        if key in self.stages:
            return self.stages[key], False
        self.stages[key] = iri = f"{chain}/stage/{quoted(name)}"
        self.created["stage"] += 1
        return iri, True

    def vocabulary_stage(self, cell: str, where: str) -> str:
        """The stage a product vocabulary's ``stage`` cell names: its IRI (or a CURIE of the
        predeclared prefixes), or a stage's name, English or Chinese, when one chain has a stage so
        named (the graph's, or one the sheets created); ``where`` is the row's file and line."""
        known = {**self.context.stages, **self.stages}
        iri = cell[1:-1] if cell.startswith("<") and cell.endswith(">") else cell
        iri = expand_curie(iri) or iri
        if iri in known.values():
            return iri
        found = sorted({stage for (_chain, name), stage in known.items() if name == cell.lower()})
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(shorten_iri(stage) for stage in found)
            raise InputError(f"{where}: stage {cell!r} names {len(found)} stages ({listed}): give one's IRI")
        raise InputError(
            f"{where}: no stage is named {cell!r}: give a stage's name or IRI (chaingraph query chain-stages)"
        )

    @staticmethod
    def chinese(name: str) -> bool:
        """Whether a created place's name is Chinese (it is then its Chinese label too)."""
        return _CJK.search(name) is not None


def vocabulary_entries(
    path: Path,
    naming: Naming,
    mapping: Mapping[str, str],
    header_row: int | None = None,
    sheet: str | None = None,
) -> list[tuple[int, str, str, tuple[str, ...]]]:
    """A stages sheet (``--stages``: ``product, stage, essential_for``) as ``(line, product, stage
    IRI, the stage IRIs it is essential for)`` rows (``product`` empty on a row that only says what
    the stage is essential for), each stage named as :meth:`Naming.vocabulary_stage` reads it; the
    tables reader and the import read it alike. Raises :class:`InputError` naming the file and line."""
    rows = sheet_rows(path, STAGE_VOCABULARY_FIELDS, "stages", mapping, header_row, sheet)
    entries = []
    for line, row in rows:
        where = f"{rows.shown}:{line}"
        product, named = row.get("product", ""), row.get("stage", "")
        if not named:
            raise InputError(f"{where}: empty stage")
        targets = [name.strip() for name in row.get("essential_for", "").split(";") if name.strip()]
        if not product and not targets:
            raise InputError(f"{where}: empty product (give a product sold at the stage, or essential_for)")
        stage = naming.vocabulary_stage(named, where)
        essential_for = tuple(naming.vocabulary_stage(name, where) for name in targets)
        if stage in essential_for:
            raise InputError(f"{where}: stage {named!r} cannot be an essential input of itself")
        entries.append((line, product, stage, essential_for))
    return entries
