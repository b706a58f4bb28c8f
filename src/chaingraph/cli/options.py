"""The options commands share, each a decorator (what a command reads, the sheets beside it, its
selection, dates, shock, engine, output), and their parsing into what the library takes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..engines import ENGINE_ALIASES, ENGINES
from ..errors import InputError
from ..settings import LEVELS
from .app import OUTPUT_FORMATS, stderr
from .render import printable

if TYPE_CHECKING:
    from ..projection.tables import Tables

__all__ = [
    "ROW_COUNT",
    "LocalPath",
    "Seconds",
    "choose_columns",
    "columns_option",
    "compute_request",
    "data_options",
    "dating_options",
    "drawing_request",
    "engine_options",
    "evidence_option",
    "format_option",
    "graph_options",
    "group_by_option",
    "header_row_option",
    "import_sheets_request",
    "map_option",
    "output_options",
    "same_as_option",
    "scope_request",
    "selection_options",
    "sheet_option",
    "shock_options",
    "shock_request",
    "stages_option",
    "synthetic_request",
    "table_options",
]


class Seconds(click.ParamType):
    """A duration in seconds: a finite number between ``low`` and ``high`` (``nan`` and ``inf``
    pass click's FloatRange, and a time limit of ``1e308`` overflows the clock)."""

    name = "seconds"

    def __init__(self, low: float, high: float = 7 * 24 * 3600) -> None:
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not self.low <= number <= self.high:  # also false for nan
            self.fail(f"{value} is not between {self.low:g} and {self.high:g} seconds", param, ctx)
        return number


#: Numbers SPARQL's LIMIT and OFFSET take on every server (a 64-bit count).
ROW_COUNT = click.IntRange(min=0, max=2**63 - 1)


def data_options(function: Callable) -> Callable:
    """--data and --no-bundled: what goes into the embedded store."""
    function = click.option("--no-bundled", is_flag=True, help="Leave the bundled Fujian graph out.")(function)
    return click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Add RDF: a file (.ttl .trig .nt .nq .jsonld .rdf) or a folder of them. Repeatable.",
    )(function)


def graph_options(function: Callable | None = None, *, tables: bool = False) -> Callable:
    """--data, --no-bundled, --endpoint, --store, --timeout and --allow-service: where a command
    reads the graph from, passed as ``store``; with ``tables``, also --relations, --firms, --map and
    --header-row: sheets the analysis joins to the graph (commands that analyse the network), the
    command then given ``source``, a :class:`~chaingraph.projection.source.NetworkSource`."""
    if function is None:
        return functools.partial(graph_options, tables=tables)

    @data_options
    @click.option("--endpoint", metavar="URL", help="Read from a SPARQL 1.1 Protocol endpoint instead.")
    @click.option(
        "--store",
        "disk_store",
        metavar="DIR",
        type=click.Path(path_type=Path),
        help="Read an on-disk store made by chaingraph load (nothing is parsed again).",
    )
    @click.option(
        "--timeout",
        type=Seconds(0.1),
        default=30.0,
        show_default=True,
        help="Seconds a query may take: an endpoint's answer, or an embedded query in chaingraph query.",
    )
    @click.option(
        "--allow-service",
        is_flag=True,
        help="Let SPARQL SERVICE clauses reach other hosts (refused by default on local stores).",
    )
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from .._runtime.memory import keep_for_the_process
        from ..store import EmbeddedStore, open_store

        sheets = _table_files(kwargs) if tables else None
        store = open_store(
            kwargs.pop("data"),
            bundled=not kwargs.pop("no_bundled"),
            endpoint=kwargs.pop("endpoint"),
            timeout=kwargs.pop("timeout"),
            disk_store=kwargs.pop("disk_store"),
            allow_service=kwargs.pop("allow_service"),
        )
        if isinstance(store, EmbeddedStore) and store.in_memory:  # the system takes it back at exit
            keep_for_the_process(store)
        if not tables:
            return function(*args, store=store, **kwargs)
        from ..projection.source import NetworkSource

        # What an analysis reads: the store, and the sheets joined to it (never hung on the store).
        result = function(*args, source=NetworkSource(store, sheets), **kwargs)
        for note in sheets.notes if sheets is not None else ():
            stderr.print(f"note: {printable(note)}", highlight=False, markup=False)
        return result

    return table_options(wrapper) if tables else wrapper


def map_option(dest: str, help: str) -> Callable:
    """``--map FIELD=COLUMN``: the sheet's column holding a field (import and tables alike)."""
    return click.option("--map", dest, multiple=True, metavar="FIELD=COLUMN", help=help)


def stages_option(dest: str) -> Callable:
    """``--stages FILE``: a product vocabulary (``product, stage``) beside the graph's, from which a
    firm with no stage takes the one its supplied products name (import and tables alike)."""
    return click.option(
        "--stages",
        dest,
        multiple=True,
        type=click.Path(path_type=Path),
        help="A sheet of products and the stage each is bought and sold at (product, stage: a stage's name "
        "or IRI), beside the bundled vocabulary: a firm with no stage takes the one its products name. "
        "Repeatable.",
    )


def same_as_option(dest: str) -> Callable:
    """``--same-as FILE``: the user's decisions on names (the review sheet of ``resolve``, filled)."""
    return click.option(
        "--same-as",
        dest,
        multiple=True,
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="Decisions on names: resolve's review sheet with its decision column filled (same or different), "
        "or rows name_a,name_b meaning same. Repeatable.",
    )


def header_row_option(dest: str, help: str) -> Callable:
    """``--header-row N``: the line a sheet's header is on (import and tables alike); unset, a CSV
    header is on line 1 and a workbook's is found under its title rows."""
    return click.option(
        "--header-row",
        dest,
        type=click.IntRange(min=1),
        default=None,
        help=f"{help} [default: 1 in CSV; in a workbook the first row holding the required columns]",
    )


def sheet_option(dest: str) -> Callable:
    """``--sheet NAME|N``: the sheet of a workbook to read (import and tables alike)."""
    return click.option(
        "--sheet",
        dest,
        metavar="NAME|N",
        help="The sheet of a workbook (.xlsx .xlsm .xlsb .xls .ods) to read, by name or number from 1 "
        "[default: a sheet named relations or firms, else the first visible one].",
    )


def table_options(function: Callable) -> Callable:
    """--relations, --firms, --map and --header-row: sheets of the import layout, read as tables."""
    for option in reversed(
        (
            click.option(
                "--relations",
                "table_relations",
                multiple=True,
                type=click.Path(path_type=Path),
                help="Add supply relations from a sheet (CSV, a workbook or Parquet, the import layout), read "
                "as a table and joined to the graph. Repeatable.",
            ),
            click.option(
                "--firms",
                "table_firms",
                multiple=True,
                type=click.Path(path_type=Path),
                help="Add firms from a sheet (CSV, a workbook or Parquet: id, name_en, name_zh, located_in, "
                "chain, stage). Repeatable.",
            ),
            stages_option("table_stages"),
            map_option("table_maps", "With --relations/--firms: the sheet's column holding a field. Repeatable."),
            same_as_option("table_same_as"),
            header_row_option("table_header_row", "With --relations/--firms: the line the header is on."),
            sheet_option("table_sheet"),
        )
    ):
        function = option(function)
    return function


def _table_files(kwargs: dict) -> Tables | None:
    """The sheets of the table options (taken out of ``kwargs``), or None when no sheet is given."""
    relations, firms = kwargs.pop("table_relations"), kwargs.pop("table_firms")
    maps, header_row = kwargs.pop("table_maps"), kwargs.pop("table_header_row")
    same_as, sheet = kwargs.pop("table_same_as"), kwargs.pop("table_sheet")
    stages = kwargs.pop("table_stages")
    if not relations and not firms:
        given = [
            name
            for name, value in (
                ("--map", maps),
                ("--same-as", same_as),
                ("--stages", stages),
                ("--header-row", header_row),
                ("--sheet", sheet),
            )
            if value
        ]
        if given:
            raise InputError(f"{given[0]} applies to --relations and --firms sheets: give one")
        return None
    reading = {"maps": maps, "header_row": header_row, "sheet": sheet, "same_as": same_as, "stages": stages}
    return _sheets(relations, firms, reading)


def _sheets(relations: Sequence[Path], firms: Sequence[Path], reading: dict) -> Tables:
    """The :class:`~chaingraph.projection.tables.Tables` of the sheets a command names, read as
    ``reading``'s options say (``maps``: the --map options, parsed here; the rest its fields), for
    the analysis commands and ``import`` alike."""
    # Imported only when sheets are given: the sheets' readers load Arrow's compute functions.
    from ..projection.tables import Tables
    from ..sheets import parse_mapping

    return Tables(relations=tuple(relations), firms=tuple(firms), mapping=parse_mapping(reading.pop("maps")), **reading)


def columns_option(default: str) -> Callable:
    return click.option(
        "--columns",
        metavar="A,B,...",
        help=f"Columns to show, by key or header (default: {default}).",
    )


def choose_columns(text: str | None, available: list[str]) -> list[str] | None:
    """The keys ``--columns`` names (keys or their table headers), in the order given."""
    if text is None:
        return None
    by_name = {key: key for key in available}
    from ..reports import COLUMN_HEADERS

    by_name.update({header: key for key, header in COLUMN_HEADERS.items() if key in available})
    chosen = []
    for name in (part.strip() for part in text.split(",")):
        if name not in by_name:
            raise InputError(f"--columns: unknown column {name!r} (columns: {', '.join(available)})")
        chosen.append(by_name[name])
    if not chosen:
        raise InputError("--columns: name at least one column")
    return chosen


def format_option(
    choices: list[str] = OUTPUT_FORMATS, help: str = "table for people; csv, json or markdown for programs."
) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(choices), default="table", show_default=True, help=help)


class LocalPath(click.Path):
    """A path on this machine's disk: a URL (``hdfs://``, ``s3://``) is refused by name, where
    ``Path`` would quietly make ``./hdfs:/nn/...`` of it."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
            raise InputError(
                f"-o {value}: chaingraph writes to this machine's disk; write a local folder and copy it "
                "with the storage's own tool (hdfs dfs -put, aws s3 cp ...)"
            )
        return super().convert(value, param, ctx)


def output_options(what: str, *, required: bool = False, force: str = "Replace an existing file.") -> Callable:
    """-o/--output FILE and --force: where a command writes, and whether it may replace a file."""

    def decorate(function: Callable) -> Callable:
        function = click.option("--force", is_flag=True, help=force)(function)
        return click.option("-o", "--output", type=LocalPath(path_type=Path), required=required, help=what)(function)

    return decorate


def selection_options(function: Callable) -> Callable:
    function = click.option(
        "--level",
        type=click.Choice(LEVELS),
        default="firm",
        show_default=True,
        help="firm: one node per firm or segment; stage: one node per chain stage.",
    )(function)
    function = click.option("--region", metavar="PLACE", help="Only nodes located in PLACE, directly or transitively.")(
        function
    )
    function = click.option(
        "--chain",
        metavar="C",
        help="Only members of chain C: a chain id or name, or a region (ningde, jinjiang, "
        "putian, fujian) for all its chains.",
    )(function)
    return function


def dating_options(function: Callable) -> Callable:
    """``--as-of DATE`` and ``--undated``: only the supply edges in force on a date; passed to the
    command as one ``dating`` mapping, for the library verb's ``as_of`` and ``undated``."""

    @click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        help="Only the supply edges in force on DATE: a year, a month or a day (2022, 2022-06, 2022-06-30).",
    )
    @click.option(
        "--undated",
        type=click.Choice(["include", "exclude"]),
        default="include",
        show_default=True,
        help="With --as-of: keep or leave out the edges no period dates.",
    )
    @functools.wraps(function)
    def wrapper(*args, as_of, undated, **kwargs):
        return function(*args, dating={"as_of": as_of, "undated": undated}, **kwargs)

    return wrapper


def shock_options(applies: str) -> Callable[[Callable], Callable]:
    """``--threshold T`` and ``--direction``: the cascade's rule (``applies`` names the options
    they go with), as :func:`chaingraph.reports.scenarios.scenario` reads them. The choices repeat
    :data:`chaingraph.measures.cascade.DIRECTIONS` so that ``--help`` imports no NumPy."""

    def add(function: Callable) -> Callable:
        function = click.option(
            "--direction",
            type=click.Choice(["downstream", "upstream", "both"]),
            default="downstream",
            show_default=True,
            help=f"With {applies}: downstream, the removed stop supplying (a supply shock); upstream, they stop "
            "buying (a demand shock); both.",
        )(function)
        return click.option(
            "--threshold",
            type=float,
            default=1.0,
            show_default=True,
            metavar="T",
            help=f"With {applies}: a firm is disrupted when it loses at least share T (0 < T <= 1) of a stage's "
            "supply, of all its supply, or (upstream) of its sales; 1: every supplier lost.",
        )(function)

    return add


def evidence_option(function: Callable) -> Callable:
    """``--evidence``: which supply edges to use, by how their sources support them."""
    from ..settings import EVIDENCE_LEVELS

    return click.option(
        "--evidence",
        type=click.Choice([*EVIDENCE_LEVELS, "all"]),
        multiple=True,
        default=["all"],
        show_default=True,
        help="Use only edges a source states, edges inferred (from a chain's stages, say), or edges "
        "whose evidence the data does not give; repeat to combine.",
    )(function)


def group_by_option(function: Callable) -> Callable:
    """``--group-by owner``: analyse corporate groups instead of single firms."""
    return click.option(
        "--group-by",
        type=click.Choice(["owner"]),
        help="owner: merge each firm into the organization that controls it (cg:controls), so a group "
        "and its subsidiaries count as one node.",
    )(function)


def engine_options(function: Callable) -> Callable:
    """``--engine`` and ``--spark-master``: compute on this machine or on Apache Spark."""
    function = click.option(
        "--spark-master",
        metavar="URL",
        help="With --engine spark: the master (default local[*]; spark://..., yarn, ...); "
        "SPARK_REMOTE for Spark Connect.",
    )(function)
    return click.option(
        "--engine",
        type=click.Choice([*ENGINES, *ENGINE_ALIASES]),
        default=ENGINES[0],
        show_default=True,
        help="Where to compute: this machine (local; compiled, its older name, still works), or Apache "
        "Spark reading --relations/--firms where they lie.",
    )(function)


def _folding(into: str, fields: tuple[str, ...], build: Callable[[dict], object]) -> Callable[[Callable], Callable]:
    """A decorator that folds the options ``fields`` a command declares (those it has of them) into
    the one keyword ``into``, ``build`` of them: the request the library's verb takes, built in one
    place for every command. Each command declares the options where their help fits it."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            given = {name: kwargs.pop(name) for name in fields if name in kwargs}
            return function(*args, **{into: build(given)}, **kwargs)

        return wrapper

    return decorate


def _scope(given: dict):
    from ..projection.selection import Scope

    return Scope(**{name: value for name, value in given.items() if name != "dating"}, **given.get("dating", {}))


def scope_request(*fields: str) -> Callable[[Callable], Callable]:
    """Folds a command's selection options (``fields`` of --chain, --region, --level, --evidence,
    --group-by, and ``dating``: --as-of and --undated; default every one it has) into one ``scope``,
    the :class:`~chaingraph.projection.selection.Scope` the analysis verbs take."""
    return _folding("scope", fields or ("chain", "region", "level", "evidence", "group_by", "dating"), _scope)


def _compute(given: dict):
    from ..engines import Compute

    return Compute(output=given.pop("spark_output", None), **given)


#: Folds --engine, --spark-master, --exact and (with --engine spark) --output into one ``compute``,
#: the :class:`~chaingraph.engines.Compute` request of where and how a verb computes.
compute_request = _folding("compute", ("engine", "spark_master", "exact", "spark_output"), _compute)


def _shock(given: dict):
    from ..measures.cascade import Shock

    return Shock(**given)


#: Folds --threshold, --direction and --partial into one ``shock``, the
#: :class:`~chaingraph.measures.cascade.Shock` a scenario travels by.
shock_request = _folding("shock", ("threshold", "direction", "partial"), _shock)


def _drawing(given: dict):
    from ..reports import Drawing

    return Drawing(**given)


#: Folds view's --size-by, --lang, --layout, --places, --focus and --hops into one ``drawing``,
#: the :class:`~chaingraph.reports.Drawing` a view is drawn by.
drawing_request = _folding("drawing", ("size_by", "lang", "layout", "places", "focus", "hops"), _drawing)


def _synthetic(given: dict):
    from ..interchange.synth import SyntheticNetwork

    return SyntheticNetwork(**given)


#: Folds synth's --firms, --seed, --dated and --quantities into one ``network``, the
#: :class:`~chaingraph.interchange.synth.SyntheticNetwork` asked for.
synthetic_request = _folding("network", ("firms", "seed", "dated", "quantities"), _synthetic)


def _import_sheets(given: dict) -> Tables:
    firms = given.pop("firms")
    return _sheets([given.pop("relations")], [firms] if firms is not None else [], given)


#: Folds import's --relations, --firms, --map, --header-row, --sheet, --same-as, --stages and
#: --base into one ``sheets``, the :class:`~chaingraph.projection.tables.Tables` that
#: :func:`~chaingraph.interchange.csv_import.import_csv` reads (the analysis reads its sheets so too).
import_sheets_request = _folding(
    "sheets", ("relations", "firms", "maps", "header_row", "sheet", "same_as", "stages", "base"), _import_sheets
)
