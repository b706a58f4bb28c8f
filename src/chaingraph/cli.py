"""The ``chaingraph`` command line: parse arguments, call the library, render the results.

Results go to standard output, messages and progress to standard error, so
``chaingraph stats --format json | jq`` always works. Exit codes: 0 success, 1 findings
(validation violations), 2 usage or input errors.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from . import __version__
from .errors import ChainGraphError, InputError
from .output import printable
from .shutdown import Terminated
from .shutdown import install as install_signal_handlers
from .vocab import LEVELS


class _Console:
    """A rich console made for each invocation, when first used: it sees the streams and the
    terminal of that invocation (a test runner's, or a pseudo-terminal's), not those at import."""

    def __init__(self, make: Callable[[], Console]) -> None:
        self._make = make
        self._console: Console | None = None

    def reset(self) -> None:
        self._console = None

    @property
    def console(self) -> Console:
        """The console itself, for code that needs a real one (rich's progress bars, renderers)."""
        if self._console is None:
            self._console = self._make()
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.console, name)


# Piped tables keep a readable width instead of folding at 80 columns.
stdout = _Console(lambda: Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160))
stderr = _Console(lambda: Console(stderr=True))

OUTPUT_FORMATS = ["table", "csv", "json", "markdown"]


class ChainGraphGroup(click.Group):
    """Turns library errors into one line on stderr and the contract's exit code."""

    def invoke(self, ctx: click.Context):
        debug = bool(ctx.params.get("debug"))
        stdout.reset()
        stderr.reset()
        try:
            return super().invoke(ctx)
        except ChainGraphError as exc:
            if debug:
                raise
            click.echo(f"error: {printable(str(exc))}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: nothing was written", err=True)
            ctx.exit(130)
        except Terminated as exc:
            click.echo(f"stopped by {exc}: nothing was written", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            ctx.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
            if debug:
                raise
            message = printable(f"{type(exc).__name__}: {exc}")
            click.echo(f"internal error: {message} (rerun with --debug and report it)", err=True)
            ctx.exit(3)


@click.group(cls=ChainGraphGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="chaingraph")
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
def cli(debug: bool) -> None:
    """Supply-chain knowledge graph of Fujian's industrial chains.

    The bundled graph holds the firms, places, chains, stages and figures of the Ningde
    lithium-battery, Jinjiang integrated-circuit and food, and Putian footwear chains, each fact
    with its source. Add your own RDF with --data, or read a SPARQL server with --endpoint.

    \b
    Examples:
      chaingraph stats --chain ningde
      chaingraph impact CATL
      chaingraph query suppliers-of --param firm=CATL
      chaingraph validate
    """


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


def graph_options(function: Callable) -> Callable:
    """--data, --no-bundled, --endpoint and --timeout: where a command reads the graph from."""

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
        type=click.FloatRange(min=0.1),
        default=30.0,
        show_default=True,
        help="Seconds a query may take: an endpoint's answer, or an embedded query in chaingraph query.",
    )
    @functools.wraps(function)
    def wrapper(*args, data, no_bundled, endpoint, disk_store, timeout, **kwargs):
        from .store import open_store

        store = open_store(data, bundled=not no_bundled, endpoint=endpoint, timeout=timeout, disk_store=disk_store)
        return function(*args, store=store, **kwargs)

    return wrapper


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
    from .reports import COLUMN_HEADERS

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


def output_options(what: str, *, required: bool = False, force: str = "Replace an existing file.") -> Callable:
    """-o/--output FILE and --force: where a command writes, and whether it may replace a file."""

    def decorate(function: Callable) -> Callable:
        function = click.option("--force", is_flag=True, help=force)(function)
        return click.option("-o", "--output", type=click.Path(path_type=Path), required=required, help=what)(function)

    return decorate


def emit(text: str | None) -> None:
    if text is not None:
        click.echo(text, nl=False)


# --- validate -------------------------------------------------------------------------------------


@cli.command()
@graph_options
@format_option(
    ["table", "json", "csv", "markdown", "ttl", "jsonld"],
    help="table for people; csv, json or markdown for programs; ttl or jsonld: the standard SHACL "
    "validation report (sh:ValidationReport) for other SHACL tools.",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: each constraint as one SPARQL query in the store; pyshacl: the reference engine "
    "(the same results, slower on large graphs).",
)
@click.option(
    "--shapes",
    "shape_files",
    type=click.Path(path_type=Path, dir_okay=False),
    multiple=True,
    metavar="FILE",
    help="Your own SHACL shapes, checked with chaingraph's (repeatable). The fast engine names any "
    "feature it does not evaluate; --engine pyshacl evaluates all of SHACL.",
)
def validate(store, fmt: str, engine: str, shape_files: tuple[Path, ...]) -> None:
    """Check the graph against chaingraph's SHACL shapes.

    Every company needs an English label and a location; supply edges link organizations or
    segments; every supply relation needs a source and an evidence level (and an inferred one a
    reason); every figure a value, unit and source. Exit status 0 when the graph conforms, 1 when
    there are violations.

    \b
    Examples:
      chaingraph validate
      chaingraph validate --data my-firms.ttl --format json
      chaingraph validate --data my-firms.ttl --format ttl > report.ttl
      chaingraph validate --engine pyshacl
      chaingraph validate --data my-firms.ttl --shapes my-rules.ttl
    """
    from .validate import validate as run_validation

    report = run_validation(store, engine=engine, shapes=shape_files)
    columns = ["severity", "focus_label", "message", "focus", "path", "value"]
    rows = [vars(f) for f in report.findings]
    if fmt in ("ttl", "jsonld"):
        emit(report.graph.serialize(format={"ttl": "turtle", "jsonld": "json-ld"}[fmt]))
    elif fmt == "json":
        emit(render_json({"conforms": report.conforms, "triples": report.triples, "results": rows}))
    elif fmt == "table":
        if report.findings:
            from .output import render

            render(
                rows,
                columns,
                "table",
                headers=["severity", "resource", "problem", "IRI", "property", "value"],
                title=f"SHACL validation: {len(report.violations)} violations",
                console=stdout.console,
                wrap=["message"],
            )
        stderr.print(
            f"{'conforms' if report.conforms else 'does not conform'}: "
            f"{report.triples} triples, {len(report.violations)} violations, "
            f"{len(report.findings) - len(report.violations)} other results"
        )
    else:
        from .output import render

        emit(render(rows, columns, fmt))
    sys.exit(0 if not report.violations else 1)


def render_json(data: object) -> str:
    from .tabular import to_json

    return to_json(data) + "\n"


# --- stats ---------------------------------------------------------------------------------------


def _measure_help() -> str:
    from .analysis import MEASURES

    return "\n".join(f"  {key:<19} {info.help}" for key, info in MEASURES.items())


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


def evidence_option(function: Callable) -> Callable:
    """``--evidence``: which supply edges to use, by how their sources support them."""
    from .vocab import EVIDENCE_LEVELS

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


class _MeasuresEpilog(click.Command):
    """Lists the measures under ``stats --help``, importing the analysis module only then."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = "\b\nMeasures (edges point supplier -> client):\n" + _measure_help()
        super().format_epilog(ctx, formatter)


@cli.command(cls=_MeasuresEpilog)
@graph_options
@selection_options
@evidence_option
@group_by_option
@click.option("--top", type=click.IntRange(min=1), help="Show only the first N rows.")
@click.option("--sort", default="pagerank", show_default=True, metavar="MEASURE", help="Measure to rank by.")
@click.option("--exact", is_flag=True, help="Compute betweenness, closeness and harmonic exactly on large graphs.")
@columns_option(
    "name, 名称, stage, suppliers, clients, pagerank, dependence, cut point in a table; every column in csv and json"
)
@format_option()
def stats(store, chain, region, level, evidence, group_by, top, sort, exact, columns, fmt) -> None:
    """Centrality and supply-chain risk measures of every firm (or stage).

    Which firms hold the chain together (pagerank, betweenness, cut points), which suppliers
    many depend on (dependence, downstream reach), and how local each chain's supply is against
    what its sources claim.

    \b
    Examples:
      chaingraph stats
      chaingraph stats --chain ningde --top 5
      chaingraph stats --evidence stated
      chaingraph stats --chain ningde --group-by owner
      chaingraph stats --level stage --format markdown
      chaingraph stats --columns name,stage,betweenness,upstream,downstream
      chaingraph stats --format json | jq '.[0]'
    """
    from .reports import STATS_KEYS, STATS_TABLE_COLUMNS
    from .reports import stats as compute

    chosen = choose_columns(columns, STATS_KEYS)

    with _status("computing measures") as update:
        report = compute(
            store,
            chain=chain,
            region=region,
            level=level,
            evidence=evidence,
            group_by=group_by,
            sort=sort,
            top=top,
            exact=exact,
            progress=lambda step: update(f"computing {step}"),
        )
    if report.nodes == 0:
        stderr.print("no organizations or supply edges in this selection (add data with --data)")
    if fmt == "table":
        _print_stats_table(report, chosen or STATS_TABLE_COLUMNS)
        return
    from .output import render

    emit(render(report.rows, chosen or STATS_KEYS, fmt))
    for note in network_notes(report):
        stderr.print(f"[dim]{note}[/]")


def network_notes(report) -> list[str]:
    """Lines saying which edges the measures used, and which firms were merged into their owners."""
    used = ", ".join(f"{count} {level}" for level, count in report.evidence.items() if count)
    notes = [f"supply edges by evidence: {used or 'none'} (--evidence to choose)"]
    merged = sum(len(members) for members in report.grouped.values())
    if merged:
        owners = len(report.grouped)
        notes.append(f"grouped by owner: {merged} organizations merged into the {owners} that control them")
    return notes


def _print_stats_table(report, columns: list[str]) -> None:
    from .output import fit_table, left_out_note
    from .reports import COLUMN_HEADERS

    rows = [{**row, "rank": i} for i, row in enumerate(report.rows, 1)]
    title = f"{report.selection}: {report.nodes} nodes, {report.edges} supply edges"
    headers = ["#", *(COLUMN_HEADERS.get(c, c) for c in columns)]
    table, left_out = fit_table(rows, ["rank", *columns], headers, title, stdout.width)
    stdout.print(table)
    if left_out:
        stdout.print(left_out_note(left_out))
    for note in network_notes(report):
        stdout.print(f"[dim]{note}[/]")
    if report.sampled:
        sampled = ", ".join(sorted(report.sampled))
        k = next(iter(report.sampled.values()))
        stdout.print(f"[dim]estimated from {k} sampled sources (seed 42): {sampled}; --exact for exact[/]")
    if report.estimated:
        stdout.print(
            f"[dim]estimated from sketches (about 6% error): {', '.join(report.estimated)}; --exact for exact[/]"
        )
    for cluster in report.clusters:
        _print_cluster(cluster)
    if report.single_sourced:
        stdout.print(
            f"\nsingle-sourced: {len(report.single_sourced)} client-stage pairs with one supplier"
            " (query single-sourced)"
        )


def _print_cluster(cluster) -> None:
    from rich.markup import escape

    from .output import cite

    local, region = cluster.local_sourcing, escape(cluster.region_label)
    stdout.print(f"\n[bold]{escape(cluster.label)}[/], region {region}")
    if local["known"]:
        stdout.print(
            f"  local sourcing: {local['local']} of {local['known']} located supplier relations"
            f" ({local['share']:.0%}) from inside {region}"
        )
    else:
        stdout.print("  local sourcing: no supplier into the region has a stated location")
    if local["unknown"]:
        more = local["unknown"]
        stdout.print(f"  {more} more supplier relation{'s' if more != 1 else ''} from firms with no stated location")
    if cluster.claimed_share is not None:
        stdout.print(f"  claimed: {cluster.claimed_share:g}% local ({escape(cite(cluster.claim_source))})")
        stdout.print("  (the claim measures material volume; the line above counts relations)")
    covered = [s for s in cluster.stage_coverage if s["covered"]]
    missing = [escape(s["label"]) for s in cluster.stage_coverage if not s["covered"]]
    text = f"  stages with a local member: {len(covered)} of {len(cluster.stage_coverage)}"
    if missing:
        text += "; none at: " + ", ".join(missing)
    stdout.print(text)


class _status:
    """A spinner on stderr while something slow runs; silent when stderr is not a terminal."""

    def __init__(self, message: str) -> None:
        self.message = message
        self._status = None

    def __enter__(self) -> Callable[[str], None]:
        if stderr.is_terminal:
            self._status = stderr.status(self.message)
            self._status.__enter__()
        return self.update

    def update(self, message: str) -> None:
        if self._status is not None:
            self._status.update(message)

    def __exit__(self, *exc_info) -> None:
        if self._status is not None:
            self._status.__exit__(*exc_info)


# --- impact --------------------------------------------------------------------------------------


@cli.command()
@click.argument("firm", required=False)
@graph_options
@click.option("--chain", metavar="C", help="Analyse only chain C (a chain id or name, or a region).")
@click.option("--region", metavar="PLACE", help="Analyse only nodes located in PLACE.")
@evidence_option
@group_by_option
@click.option("--all", "all_firms", is_flag=True, help="Rank every firm with clients by the harm its loss does.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows with --all.")
@format_option()
@columns_option("every column; keys as in --format json")
def impact(store, firm, chain, region, evidence, group_by, all_firms, top, fmt, columns) -> None:
    """What breaks if FIRM drops out of the supply network.

    Reports the clients left without any supplier of FIRM's stage, the clients left with no
    supplier at all, the supplier-to-client paths cut (reach lost), and the change in weakly
    connected components. FIRM is a name (English or Chinese), a CURIE or an IRI.

    \b
    Examples:
      chaingraph impact CATL
      chaingraph impact 宁德时代 --format json
      chaingraph impact --all --top 5
      chaingraph impact CATL --evidence stated
    """
    from .reports import IMPACT_HEADERS, impact_record
    from .reports import impact as compute

    results = compute(
        store, firm, chain=chain, region=region, evidence=evidence, group_by=group_by, all_firms=all_firms, top=top
    )
    records = [impact_record(i) for i in results]
    keys = list(IMPACT_HEADERS)
    chosen = choose_columns(columns, keys) or keys
    if fmt == "json":
        emit(render_json(records))
        return
    from .output import render

    if fmt != "table":
        flat = [
            {
                **r,
                "stage_losses": [f"{x['client_label']}: {x['stage_label']}" for x in r["stage_losses"]],
                "stranded": r["stranded_labels"],
            }
            for r in records
        ]
        emit(render(flat, chosen, fmt))
        return
    for record in records if not all_firms else []:
        _print_impact(record)
    if all_firms:
        rows = [{**r, "stage_losses": len(r["stage_losses"]), "stranded": len(r["stranded"])} for r in records]
        shown = [key for key in chosen if key != "id"] if columns is None else chosen
        headers = [IMPACT_HEADERS[key] for key in shown]
        title = "Firms whose loss hurts most"
        render(rows, shown, "table", headers=headers, title=title, console=stdout.console, choosable=True)


def _print_impact(record: dict) -> None:
    from rich.markup import escape

    name = escape(record["label"]) + (f" ({escape(record['label_zh'])})" if record["label_zh"] else "")
    stdout.print(f"[bold]If {name} drops out[/]")
    stdout.print(f"  {record['direct_clients']} direct clients, {record['downstream_reach']} firms downstream")
    if record["stage_losses"]:
        stdout.print("  clients left with no supplier of its stage:")
        for loss in record["stage_losses"]:
            stranded = " (no supplier left at all)" if loss["client"] in record["stranded"] else ""
            stdout.print(f"    - {escape(loss['client_label'])}: {escape(loss['stage_label'] or 'unstaged')}{stranded}")
    else:
        stdout.print("  every client keeps another supplier of its stage")
    stdout.print(f"  supplier-to-client paths cut: {record['reach_lost']}")
    stdout.print(f"  weakly connected components: {record['components_before']} -> {record['components_after']}")


# --- query ---------------------------------------------------------------------------------------

QUERY_FORMATS = ["table", "csv", "tsv", "json", "markdown", "ttl", "nt", "jsonld"]


@cli.command(
    epilog="\b\nNamed queries (chaingraph query --list shows their parameters):\n"
    "  suppliers-of, clients-of, firms-in, chain-stages, figures, provenance,\n"
    "  single-sourced, chains"
)
@click.argument("query_text", metavar="QUERY", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path), help="Read the query from FILE.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a parameter as an RDF term (names resolve to IRIs in named queries). Repeatable.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(QUERY_FORMATS),
    default=None,
    help="table (default for SELECT), csv, tsv, json (SPARQL 1.1 results), markdown; "
    "ttl (default for CONSTRUCT), nt, jsonld.",
)
@click.option(
    "--update",
    "allow_update",
    is_flag=True,
    help="Allow a SPARQL Update; the embedded result is written to -o, an endpoint is updated.",
)
@output_options(
    "With --update: where to write the updated dataset (.trig or .nq).",
    force="With --update -o: replace an existing file.",
)
@graph_options
@columns_option("every variable of the query, in its order; tables, csv and markdown")
@click.option("--limit", type=click.IntRange(min=0), help="Only N rows, cut by the store (SELECT).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N rows; with --limit, a page.")
@click.option("--count", "count_only", is_flag=True, help="Print how many rows the SELECT has, and nothing else.")
def query(
    store,
    query_text,
    query_file,
    params,
    list_queries,
    fmt,
    allow_update,
    output,
    force,
    columns,
    limit,
    offset,
    count_only,
) -> None:
    """Run a SPARQL query: a named query, QUERY text, -f FILE, or - for standard input.

    The prefixes cg, fj, rdf, rdfs, owl, xsd, skos, prov, schema, org, dcterms, unit and cur are
    predeclared. Queries see the union of all named graphs. The graph is read-only: an update is
    refused unless --update is given.

    \b
    Examples:
      chaingraph query --list
      chaingraph query suppliers-of --param firm=CATL --param hops=2
      chaingraph query provenance -p supplier=Hifen -p client=CATL
      chaingraph query firms-in -p place=晋江市 --format json
      chaingraph query 'SELECT ?firm WHERE { ?firm cg:locatedIn+ fj:ningde }'
      chaingraph query -f my-query.rq --format csv > out.csv
      chaingraph query single-sourced --count
      chaingraph query firms-in -p place=Fujian --limit 20 --offset 40

    On a terminal a table shows the first 100 rows and says how many there are.
    """
    from . import queries as q

    if list_queries:
        _list_named_queries(fmt or "table")
        return
    from .sparql import query_form

    text = _query_text(query_text, query_file)
    bound = q.parse_params(params)
    form = query_form(q.prepare(store, text, bound)[0])  # a mistyped name gets its suggestions here
    if form == "UPDATE":
        _run_update(store, text, allow_update, output, force)
        return
    timeout = click.get_current_context().params.get("timeout")
    if count_only:
        emit(f"{q.count(store, text, bound, timeout=timeout)}\n")
        return
    if limit is None and fmt in (None, "table") and stdout.is_terminal and form == "SELECT":
        _print_first_page(store, text, bound, columns, offset, timeout)
        return
    _print_query_result(q.query(store, text, bound, limit=limit, offset=offset, timeout=timeout), fmt, columns)


#: How many rows a query table shows on a terminal unless --limit says otherwise.
TERMINAL_PAGE = 100


def _print_first_page(store, text: str, bound: dict, columns: str | None, offset: int, timeout: float) -> None:
    """A table of the first rows on a terminal, and how many there are when there are more."""
    from . import queries as q

    result = q.query(store, text, bound, limit=TERMINAL_PAGE, offset=offset, timeout=timeout)
    _print_query_result(result, "table", columns)
    if len(result.select.rows) == TERMINAL_PAGE:
        total = q.count(store, text, bound, timeout=timeout)
        stderr.print(
            f"rows {offset + 1} to {offset + TERMINAL_PAGE} of {total} shown: --offset {offset + TERMINAL_PAGE} "
            "for the next page, --format csv for all"
        )


def _query_text(query_text: str | None, query_file: Path | None) -> str:
    from .errors import InputError

    if query_file is not None and query_text is not None:
        raise InputError("give the query as QUERY or -f FILE, not both")
    if query_file is not None:
        from .fileio import read_input

        try:
            return read_input(query_file).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{query_file}: not UTF-8 text") from None
    if query_text == "-":
        try:
            return sys.stdin.buffer.read().decode("utf-8-sig")  # as -f does: a byte-order mark is no query
        except UnicodeDecodeError:
            raise InputError("standard input: not UTF-8 text") from None
    if not query_text:
        raise InputError("no query: give a named query, QUERY text, -f FILE or - (see chaingraph query --list)")
    return query_text


def _list_named_queries(fmt: str) -> None:
    from .output import render
    from .queries import named_queries

    rows = []
    for named in named_queries().values():
        params = ", ".join(
            f"{p.name}={p.type}" + ("" if p.required else "?") + (f" (default {p.default})" if p.default else "")
            for p in named.parameters
        )
        rows.append({"name": named.name, "parameters": params, "description": named.description})
    emit(
        render(
            rows,
            ["name", "parameters", "description"],
            fmt if fmt in OUTPUT_FORMATS else "table",
            title="Named queries (? = optional)",
            console=stdout.console,
        )
    )


def _run_update(store, text: str, allow_update: bool, output: Path | None, force: bool) -> None:
    from .errors import InputError, QueryError
    from .fileio import atomic_write

    if not allow_update:
        raise QueryError("SPARQL Update refused: the graph is read-only; add --update (and -o FILE) to run it")
    if not store.local:
        store.update(text)
        stderr.print(f"update sent to {store.description}")
        return
    if output is None:
        raise InputError("--update needs -o FILE (.trig or .nq) for the updated dataset; nothing was changed")
    import pyoxigraph as ox

    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    if output.suffix.lower() not in formats:
        raise InputError(f"-o {output}: use a .trig or .nq file so named graphs are kept")
    from .fileio import check_target

    may_replace = check_target(output, force=force)
    if not store.update(text):
        raise InputError(
            "the update changed nothing, so nothing was written: every file is loaded into its own named graph, "
            "so name one with GRAPH ?g { ... } or WITH <graph>"
        )
    atomic_write(output, store.dump(formats[output.suffix.lower()]), may_replace=may_replace)
    stderr.print(f"wrote {output} ({len(store)} quads)")


def _print_query_result(result, fmt: str | None, columns: str | None = None) -> None:
    from .errors import InputError
    from .output import render
    from .tabular import sparql_json

    if result.graph is not None:
        fmt = fmt or "ttl"
        rdf_formats = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
        if fmt not in rdf_formats:
            raise InputError(f"--format {fmt}: a CONSTRUCT or DESCRIBE result is a graph; use ttl, nt or jsonld")
        emit(result.graph.serialize(format=rdf_formats[fmt]))
        return
    select = result.select
    fmt = fmt or "table"
    if fmt in ("ttl", "nt", "jsonld"):
        raise InputError(f"--format {fmt}: only CONSTRUCT and DESCRIBE results are graphs")
    if fmt == "json":
        emit(sparql_json(select.variables, select.rows, select.boolean))
        return
    if select.boolean is not None:
        emit(render([{"answer": select.boolean}], ["answer"], fmt, console=stdout.console))
        return
    show = _show_term if fmt in ("table", "markdown") else str
    rows = [{name: show(term) for name, term in row.items()} for row in select.rows]
    shown = choose_columns(columns, select.variables) or select.variables
    emit(render(rows, shown, fmt, console=stdout.console, choosable=True))
    if fmt == "table":
        stderr.print(f"{len(rows)} rows")


def _show_term(term) -> str:
    from .names import shorten

    return shorten(term)


# --- serve ---------------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=7878, show_default=True, help="Port to listen on.")
@click.option("--writable", is_flag=True, help="Accept SPARQL Update (changes live in a temporary database).")
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=1),
    default=60,
    show_default=True,
    help="Seconds a query may run on the server.",
)
@data_options
def serve(host, port, writable, query_timeout, data, no_bundled) -> None:
    """Serve the graph as a SPARQL 1.1 endpoint (Oxigraph server), read-only unless --writable.

    Point YASGUI, SPARQLWrapper or chaingraph --endpoint at http://HOST:PORT/query. The page at
    http://HOST:PORT/ is a query editor. Stop with Ctrl-C.

    \b
    Examples:
      chaingraph serve
      chaingraph serve --port 8000 --data my-firms.ttl
      chaingraph stats --endpoint http://127.0.0.1:7878/query
    """
    from .server import serve as serving
    from .store import open_store

    store = open_store(data, bundled=not no_bundled)
    with serving(store, host=host, port=port, writable=writable, timeout=query_timeout) as server:
        stderr.print(
            f"serving {server.quads} quads {'read-write' if writable else 'read-only'} at {server.query_url}"
            f" (query page {server.url}/); Ctrl-C stops"
        )
        try:
            code = server.wait()
        except KeyboardInterrupt:
            code = 0
        except Terminated as exc:
            code = exc.exit_code
    sys.exit(code)


# --- view ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("target", metavar="C")
@graph_options
@output_options(
    "HTML file to write [default: C.html].", force="Replace an existing file that chaingraph did not write."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the view in the system browser.")
@click.option(
    "--size-by",
    default="pagerank",
    show_default=True,
    metavar="MEASURE",
    help="Measure that sizes the nodes (any stats measure).",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="firm",
    show_default=True,
    help="firm: one node per firm or segment; stage: one node per chain stage.",
)
@click.option("--region", metavar="PLACE", help="Only nodes located in PLACE.")
@evidence_option
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of node labels and legend.",
)
@click.option(
    "--layout",
    type=click.Choice(["auto", "physics", "hierarchical", "layered"]),
    default="auto",
    show_default=True,
    help="auto: physics for small views, a precomputed layered layout for large ones; "
    "hierarchical: upstream to downstream, left to right.",
)
def view(store, target, output, force, open_browser, size_by, level, region, evidence, lang, layout) -> None:
    """Write an interactive HTML view of chain C: one self-contained file that works offline.

    C is a chain id or name, or a region for all its chains: ningde, jinjiang, putian, or fujian
    for everything. Arrows point supplier -> client; dashed grey edges show where nodes are
    located; colour shows the chain stage, shape the kind of node, size the chosen measure.

    \b
    Examples:
      chaingraph view ningde
      chaingraph view jinjiang --lang zh -o jinjiang-zh.html
      chaingraph view fujian --level stage --layout hierarchical
    """
    from .fileio import atomic_write, check_target
    from .reports import view as build
    from .view import is_chaingraph_view

    target_path = output or Path(default_view_name(target))
    may_replace = check_target(target_path, force=force, ours=is_chaingraph_view)
    with _status("building view") as update:
        html = build(
            store,
            target,
            region=region,
            level=level,
            size_by=size_by,
            lang=lang,
            layout=layout,
            evidence=evidence,
            progress=lambda step: update(f"building view: {step}"),
        )
    atomic_write(target_path, html, may_replace=may_replace)
    stderr.print(f"wrote {target_path}")
    if open_browser:
        import webbrowser

        webbrowser.open(target_path.resolve().as_uri())


def default_view_name(target: str) -> str:
    """``C.html`` with C reduced to a safe file name: no folders, no leading dots."""
    import re

    stem = re.sub(r"[^\w\-]+", "-", target, flags=re.UNICODE).strip("-.")
    return f"{stem or 'view'}.html"


# --- import and export ----------------------------------------------------------------------------

RDF_OUTPUTS = {".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".trig": "trig", ".jsonld": "jsonld"}


@cli.command("import")
@click.option(
    "--relations",
    type=click.Path(path_type=Path),
    required=True,
    help="CSV of supply relations: supplier, client, supplies, start, end, source.",
)
@click.option(
    "--firms", type=click.Path(path_type=Path), help="CSV of firms: id, name_en, name_zh, located_in, chain, stage."
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="The column that holds FIELD, when the sheet names it otherwise. Repeatable.",
)
@click.option(
    "--header-row",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Line of the header (rows above it are ignored).",
)
@click.option(
    "--chain",
    "chain_name",
    metavar="NAME",
    help="Chain for stages given without a chain [default: the relations file's name].",
)
@click.option(
    "--base",
    default="https://w3id.org/chaingraph/import/",
    show_default=True,
    help="Namespace of the IRIs minted from ids.",
)
@output_options("RDF file to write (.ttl .nt .nq .trig .jsonld) [default: Turtle on standard output].")
@click.option(
    "--skip-validation", is_flag=True, help="Do not run the SHACL check (about a third of the time of a large import)."
)
def import_command(relations, firms, maps, header_row, chain_name, base, output, force, skip_validation) -> None:
    """Turn spreadsheets of suppliers and clients into a valid chaingraph RDF file.

    A relations file alone is enough; its endpoints become firms. Places, chains and stages are
    matched to the bundled graph's by English or Chinese name, or created. The result is checked
    with the SHACL shapes before it is written; nothing is written when anything is wrong.

    \b
    Examples:
      chaingraph import --relations suppliers.csv -o suppliers.ttl
      chaingraph import --relations sheet.csv --map supplier=Vendor --map client=Buyer -o vendors.ttl
      chaingraph import --relations r.csv --firms f.csv -o with-firms.ttl
      chaingraph stats --data mine.ttl
    """
    from .csvimport import import_csv, parse_mapping
    from .errors import InputError
    from .export import RDF_EXPORTS
    from .fileio import atomic_open, check_target
    from .store import open_store

    fmt = "ttl"
    if output is not None:
        fmt = RDF_OUTPUTS.get(output.suffix.lower(), "")
        if not fmt:
            raise InputError(f"-o {output}: use one of {', '.join(RDF_OUTPUTS)}")
        may_replace = check_target(output, force=force)
    with _ImportProgress() as progress:
        result = import_csv(
            relations,
            firms,
            mapping=parse_mapping(maps),
            context=open_store(),
            base=base,
            header_row=header_row,
            chain_name=chain_name,
            validate=not skip_validation,
            progress=progress,
        )
    if skip_validation:
        stderr.print("SHACL validation skipped (--skip-validation): run chaingraph validate --data on the result")
    stderr.print(
        f"imported {result.firms} firms and {result.relations} relations"
        + (f"; linked to the graph: {dict(result.matched)}" if result.matched else "")
        + (f"; skipped {result.skipped_rows} rows with no mapped value" if result.skipped_rows else "")
    )
    if output is None:
        stdout_bytes = click.get_binary_stream("stdout")
        result.dump(RDF_EXPORTS[fmt], stdout_bytes)
        stdout_bytes.flush()
    else:
        with atomic_open(output, "wb", may_replace=may_replace) as handle:
            result.dump(RDF_EXPORTS[fmt], handle)
        stderr.print(f"wrote {output}")


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "jsonld", "nt", "nq", "ttl", "trig", "csv"]),
    required=True,
    help="graphml/gexf for Gephi and Cytoscape, RDF formats, or csv.",
)
@output_options("File to write [default: standard output].")
@click.option(
    "--table",
    type=click.Choice(["edges", "firms"]),
    default="edges",
    show_default=True,
    help="With csv: supply edges or firms (both in the import layout).",
)
@graph_options
@selection_options
@evidence_option
def export_command(store, fmt, output, force, table, chain, region, level, evidence) -> None:
    """Export the graph, or a chain or region of it, for other tools.

    GraphML and GEXF carry the supply network with IRIs, English and Chinese labels, kind,
    place, stage and every stats measure as attributes. RDF formats keep provenance, and
    TriG, N-Quads and JSON-LD keep the named graphs. CSV uses the import layout, so an export
    can be imported again; cells that look like spreadsheet formulas are neutralised.

    \b
    Examples:
      chaingraph export --format graphml --chain ningde -o ningde.graphml
      chaingraph export --format trig -o fujian.trig
      chaingraph export --format csv --table firms --region Jinjiang -o jinjiang-firms.csv
    """
    from .errors import InputError
    from .export import RDF_EXPORTS
    from .export import export as build
    from .fileio import atomic_write, check_target
    from .reports import make_selection

    if fmt in RDF_EXPORTS and level != "firm":
        raise InputError("--level stage applies to graphml, gexf and csv exports; RDF exports keep the firms")
    if fmt in RDF_EXPORTS and "all" not in evidence:
        raise InputError("--evidence applies to graphml, gexf and csv exports; RDF exports keep every edge's evidence")
    may_replace = check_target(output, force=force) if output is not None else False
    selection = make_selection(store, chain=chain, region=region, level=level, evidence=evidence)
    with _status("exporting") as update:
        data = build(store, fmt, selection, table=table, progress=lambda step: update(f"exporting: {step}"))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(output, data, may_replace=may_replace)
        stderr.print(f"wrote {output}")


class _progress:
    """A progress bar on stderr for long row-by-row work; silent when stderr is not a terminal."""

    def __init__(self, description: str) -> None:
        self.description = description
        self._progress = None
        self._task = None

    def __enter__(self) -> Callable[[int, int], None]:
        if stderr.is_terminal:
            from rich.progress import Progress

            self._progress = Progress(console=stderr.console, transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=None)
        return self.advance

    def advance(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc_info)


class _ImportProgress(_progress):
    """An import's progress on stderr: a bar over the input's bytes with rows read and rows per
    second, then a spinner while it is validated; silent when stderr is not a terminal."""

    def __init__(self) -> None:
        super().__init__("importing")
        self._started = 0.0

    def __enter__(self) -> Callable:
        if stderr.is_terminal:
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[rows]:>10,} rows  {task.fields[speed]:>9,.0f} rows/s"),
                TimeElapsedColumn(),
                console=stderr.console,
                transient=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=None, rows=0, speed=0.0)
            self._started = time.perf_counter()
        return self.advance

    def advance(self, state) -> None:
        if self._progress is None:
            return
        elapsed = max(time.perf_counter() - self._started, 1e-9)
        if state.phase == "reading":
            self._progress.update(
                self._task, completed=state.done, total=state.total or None, rows=state.rows, speed=state.rows / elapsed
            )
        else:
            self._progress.update(self._task, description=f"{state.phase} with SHACL", total=None)


# --- load ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--store",
    "directory",
    metavar="DIR",
    required=True,
    type=click.Path(path_type=Path),
    help="The store folder to create.",
)
@click.option("--no-bundled", is_flag=True, help="Leave the bundled Fujian graph out.")
@click.option("--force", is_flag=True, help="Replace an existing store.")
def load(data, directory, no_bundled, force) -> None:
    """Parse RDF once into an on-disk store that every command can read with --store.

    The ontology, the bundled graph (unless --no-bundled) and every DATA file or folder are
    bulk-loaded into a persistent Oxigraph database. The store appears complete or not at all:
    an interrupted load leaves the folder as it was. Later commands skip parsing entirely and
    do not hold the RDF in memory (1M firms: 4.3 GB instead of 7.4 GB); the projected network
    itself must still fit.

    \b
    Examples:
      chaingraph load synth-1m.nt --store national.store
      chaingraph stats --store national.store --top 20
      chaingraph query firms-in -p place=Ningde --store national.store
    """
    from .diskstore import load_store

    with _status("loading") as update:
        report = load_store(data, directory, bundled=not no_bundled, replace=force, progress=update)
    stderr.print(
        f"wrote {report.directory}: {report.quads:,} quads from {len(report.files)} files in {report.seconds:.1f} s"
    )


# --- synth ---------------------------------------------------------------------------------------


@cli.command()
@click.option("--firms", type=int, required=True, help="Number of firms (10 to 10,000,000).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same network.")
@output_options("File to write (.nt or .ttl).", required=True)
def synth(firms, seed, output, force) -> None:
    """Write a synthetic supply network for scale tests and benchmarks.

    Tiered stages (raw materials, components, assembly, distribution), heavy-tailed supplier
    degrees, firms clustered in the bundled graph's places, English and Chinese names. The file
    is streamed to disk: memory stays flat however many firms.

    \b
    Examples:
      chaingraph synth --firms 10000 -o synth-10k.nt
      chaingraph stats --no-bundled --data synth-10k.nt --top 10
      chaingraph view synthetic --data synth-10k.nt --region Ningde
    """
    from .synth import synth as generate

    with _progress("generating") as advance:
        summary = generate(firms, seed, output, force=force, progress=advance)
    stderr.print(f"wrote {output}: {summary.firms} firms, {summary.edges} supply edges, {summary.triples} triples")


def main() -> None:
    install_signal_handlers()
    for argument in sys.argv[1:]:
        # Bytes that are not UTF-8 arrive as lone surrogates and would fail deep inside a query.
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            shown = argument.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
            click.echo(f"error: argument {shown!r} is not valid UTF-8 text", err=True)
            sys.exit(2)
    cli(prog_name="chaingraph")
