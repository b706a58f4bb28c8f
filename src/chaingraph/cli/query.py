"""``chaingraph query``: named and given SPARQL, paged, counted, updated."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InputError
from .app import OUTPUT_FORMATS, cli, emit, stderr, stdout
from .options import ROW_COUNT, choose_columns, columns_option, graph_options, output_options

if TYPE_CHECKING:
    from ..queries.named import RowWindow

__all__ = ["CONCENTRATED_COLUMNS", "QUERY_FORMATS", "TERMINAL_PAGE", "query"]

QUERY_FORMATS = ["table", "csv", "tsv", "json", "markdown", "ttl", "nt", "jsonld"]


@cli.command(
    short_help="Run a SPARQL query: a named one, text, a file or stdin.",
    epilog="\b\nNamed queries (chaingraph query --list shows their parameters):\n"
    "  suppliers-of, clients-of, firms-in, chain-stages, figures, provenance,\n"
    "  single-sourced, chains",
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
@click.option("--limit", type=ROW_COUNT, help="Only N rows, cut by the store (SELECT).")
@click.option(
    "--max-rows",
    type=click.IntRange(min=1, max=2**63 - 2),
    default=1_000_000,
    show_default=True,
    help="Refuse an answer of more rows than this (page with --limit/--offset instead).",
)
@click.option("--offset", type=ROW_COUNT, default=0, help="Skip the first N rows; with --limit, a page.")
@click.option("--count", "count_only", is_flag=True, help="Print how many rows the SELECT has, and nothing else.")
@click.option(
    "--hhi-above",
    type=float,
    help="With single-sourced: every purchase of a stage whose HHI (0-10,000, by the share rule) is "
    "above N, not only those from one supplier; 2500 is 'highly concentrated' (2010 US merger guidelines).",
)
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
    max_rows,
    count_only,
    hhi_above,
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
      chaingraph query single-sourced --hhi-above 2500
      chaingraph query firms-in -p place=Fujian --limit 20 --offset 40

    On a terminal a table shows the first 100 rows and says how many there are.

    single-sourced --hhi-above N is computed on the supply network, not by SPARQL: a supplier's
    share of a client's purchase of its stage is the stated client share, else its part of the
    values (or volumes in one unit), else an equal part; each row says which basis it used.
    """
    from ..queries import named as q

    if list_queries:
        _list_named_queries(fmt or "table")
        return
    if hhi_above is not None:
        _print_concentrated(store, query_text, hhi_above, (fmt, columns), q.RowWindow(limit, offset), count_only)
        return
    from ..sparql import query_form

    timeout: float | None = click.get_current_context().params.get("timeout")
    # Names resolved once (a mistyped query name gets its suggestions here), then run as prepared.
    asked = _query_text(query_text, query_file)
    text, bindings = q.prepare(store, asked, q.parse_params(params), timeout)
    answer = q.answer_columns(asked)
    form = query_form(text)
    if form == "UPDATE":
        _run_update(store, text, allow_update, output, force)
        return
    if count_only:
        emit(f"{q.count_rows(store, text, bindings, timeout)}\n")
        return
    if limit is None and fmt in (None, "table") and stdout.is_terminal and form == "SELECT":
        _print_first_page(store, (text, bindings), columns, offset, timeout, answer)
        return
    result = q.run_query(store, text, bindings, timeout, rows=q.RowWindow(limit, offset, max_rows))
    _print_query_result(result, fmt, columns, answer)


#: How many rows a query table shows on a terminal unless --limit says otherwise.
TERMINAL_PAGE = 100


def _print_first_page(
    store, prepared: tuple[str, dict], columns: str | None, offset: int, timeout: float | None, answer: tuple[str, ...]
) -> None:
    """A table of the first rows of the ``prepared`` query (its text and bindings) on a terminal,
    and how many there are when there are more."""
    from ..queries import named as q

    text, bindings = prepared
    result = q.run_query(store, text, bindings, timeout, rows=q.RowWindow(TERMINAL_PAGE, offset))
    _print_query_result(result, "table", columns, answer)
    if result.select is not None and len(result.select.rows) == TERMINAL_PAGE:
        total = q.count_rows(store, text, bindings, timeout)
        stderr.print(
            f"rows {offset + 1} to {offset + TERMINAL_PAGE} of {total} shown: --offset {offset + TERMINAL_PAGE} "
            "for the next page, --format csv for all"
        )


#: The columns of ``single-sourced --hhi-above``, and their table headers.
CONCENTRATED_COLUMNS = {
    "client_label": "client",
    "stage_label": "stage",
    "suppliers": "suppliers",
    "hhi": "HHI",
    "top_supplier_label": "largest supplier",
    "top_share": "its share",
    "basis": "basis",
    "client": "client id",
    "stage": "stage id",
    "top_supplier": "supplier id",
}


def _print_concentrated(
    store,
    query_text: str | None,
    hhi_above: float,
    presentation: tuple[str | None, str | None],
    rows_asked: RowWindow,
    count_only: bool,
) -> None:
    """``single-sourced --hhi-above N``: the concentrated purchases, by the share rule, in the
    format and columns ``presentation`` asks, the rows ``rows_asked`` pages."""
    fmt, columns = presentation
    limit, offset = rows_asked.limit, rows_asked.offset
    from ..reports import concentrated
    from .render import TableLook, render

    if query_text != "single-sourced":
        raise InputError("--hhi-above goes with the named query single-sourced only")
    if not 0 <= hhi_above <= 10_000:
        raise InputError(f"--hhi-above {hhi_above:g}: an HHI between 0 and 10,000")
    if fmt not in (None, "table", "csv", "tsv", "json", "markdown"):
        raise InputError(f"--format {fmt}: single-sourced --hhi-above gives rows (table, csv, tsv, json, markdown)")
    rows = concentrated(store, hhi_above=hhi_above)
    if count_only:
        emit(f"{len(rows)}\n")
        return
    rows = rows[offset : None if limit is None else offset + limit]
    display: list[Mapping[str, object]] = list(rows)
    if fmt in ("csv", "tsv", "json"):
        shown = choose_columns(columns, list(CONCENTRATED_COLUMNS)) or list(CONCENTRATED_COLUMNS)
    else:
        display = [{**row, "hhi": round(row["hhi"]), "top_share": f"{row['top_share']:.0%}"} for row in rows]
        shown = choose_columns(columns, list(CONCENTRATED_COLUMNS)) or list(CONCENTRATED_COLUMNS)[:7]
    title = f"Purchases of a stage with an HHI above {hhi_above:,.0f} ({len(rows)})"
    headers = [CONCENTRATED_COLUMNS[c] for c in shown]
    emit(render(display, shown, fmt or "table", look=TableLook(headers=headers, title=title), console=stdout.console))


def _query_text(query_text: str | None, query_file: Path | None) -> str:

    if query_file is not None and query_text is not None:
        raise InputError("give the query as QUERY or -f FILE, not both")
    if query_file is not None and str(query_file) == "-":
        query_file, query_text = None, "-"  # -f - reads standard input, as QUERY - does
    if query_file is not None:
        from .._runtime.fileio import read_input

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
    from ..queries import named_queries
    from .render import TableLook, render

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
            look=TableLook(title="Named queries (? = optional)"),
            console=stdout.console,
        )
    )


def _run_update(store, text: str, allow_update: bool, output: Path | None, force: bool) -> None:
    from .._runtime.fileio import atomic_write
    from ..errors import QueryError

    if not allow_update:
        raise QueryError("SPARQL Update refused: the graph is read-only; add --update (and -o FILE) to run it")
    try:
        dataset = store.local_dataset("--update -o")
    except InputError:  # an endpoint: updated in place
        store.update(text)
        stderr.print(f"update sent to {store.description}")
        return
    if output is None:
        raise InputError("--update needs -o FILE (.trig or .nq) for the updated dataset; nothing was changed")
    import pyoxigraph as ox

    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    if output.suffix.lower() not in formats:
        raise InputError(f"-o {output}: use a .trig or .nq file so named graphs are kept")
    from .._runtime.fileio import check_target

    may_replace = check_target(output, force=force)
    if not dataset.update(text):
        raise InputError(
            "the update changed nothing, so nothing was written: every file is loaded into its own named graph, "
            "so name one with GRAPH ?g { ... } or WITH <graph>"
        )
    atomic_write(output, dataset.dump(formats[output.suffix.lower()]), may_replace=may_replace)
    stderr.print(f"wrote {output} ({len(dataset)} quads)")


def _print_query_result(result, fmt: str | None, columns: str | None = None, answer: tuple[str, ...] = ()) -> None:
    """A query's result in ``fmt``; on a terminal the ``answer`` columns wrap rather than being cut."""
    from ..interchange.tabular import sparql_json
    from .render import TableLook, render

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
    emit(render(rows, shown, fmt, look=TableLook(choosable=True, wrap=answer), console=stdout.console))
    if fmt == "table":
        stderr.print(f"{len(rows)} rows")


def _show_term(term) -> str:
    from ..queries.names import shorten

    return shorten(term)
