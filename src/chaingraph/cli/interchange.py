"""``chaingraph import`` and ``chaingraph export``: spreadsheets in, other tools' formats out."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from ..errors import InputError
from .app import cli, progress_bar, status_line, stderr
from .options import (
    dating_options,
    evidence_option,
    graph_options,
    header_row_option,
    import_sheets_request,
    map_option,
    output_options,
    same_as_option,
    scope_request,
    selection_options,
    sheet_option,
    stages_option,
)
from .render import printable

__all__ = ["RDF_OUTPUTS", "export_command", "import_command"]

RDF_OUTPUTS = {".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".trig": "trig", ".jsonld": "jsonld"}


@cli.command("import", short_help="Turn supplier and client sheets into validated RDF.")
@click.option(
    "--relations",
    type=click.Path(path_type=Path),
    required=True,
    help="Sheet of supply relations (CSV or a workbook): supplier, client, supplies, start, end, source.",
)
@click.option(
    "--firms",
    type=click.Path(path_type=Path),
    help="Sheet of firms (CSV or a workbook): id, name_en, name_zh, located_in, chain, stage.",
)
@map_option("maps", "The column that holds FIELD, when the sheet names it otherwise. Repeatable.")
@header_row_option("header_row", "Line of the header (rows above it are ignored).")
@sheet_option("sheet")
@same_as_option("same_as")
@stages_option("stages")
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
@output_options(
    "RDF file to write (.ttl .nt .nq .trig .jsonld) [default: Turtle on standard output].",
    force="Replace an existing file or store.",
)
@click.option(
    "--store",
    "disk_store",
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Write an on-disk store (with the bundled graph) instead of a file: read it with --store DIR.",
)
@click.option(
    "--skip-validation", is_flag=True, help="Do not run the SHACL check (about half the time of a large import)."
)
@import_sheets_request
def import_command(sheets, chain_name, output, force, disk_store, skip_validation) -> None:
    """Turn spreadsheets of suppliers and clients into a valid chaingraph RDF file.

    A relations file alone is enough; its endpoints become firms. Places, chains and stages are
    matched to the bundled graph's by English or Chinese name, or created. The result is checked
    with the SHACL shapes before it is written; nothing is written when anything is wrong.

    \b
    Examples:
      chaingraph import --relations suppliers.csv -o suppliers.ttl
      chaingraph import --relations sheet.csv --map supplier=Vendor --map client=Buyer -o vendors.ttl
      chaingraph import --relations r.csv --firms f.csv -o with-firms.ttl
      chaingraph import --relations suppliers.xlsx --sheet "Suppliers 2019" -o suppliers.ttl
      chaingraph import --relations registry.csv --stages products.csv -o registry.ttl
      chaingraph stats --data mine.ttl
      chaingraph import --relations r.csv --store mine.store   # then: chaingraph stats --store mine.store
    """
    from .._runtime.fileio import atomic_open, check_target
    from ..interchange.csv_import import import_csv
    from ..interchange.export import RDF_EXPORTS
    from ..store import open_store

    fmt = "ttl"
    if disk_store is not None and output is not None:
        raise InputError("-o and --store name two outputs: write a file or a store")
    if disk_store is not None and disk_store.exists() and not force:
        raise InputError(f"--store {disk_store}: already exists (use --force to replace it)")
    if output is not None:
        fmt = RDF_OUTPUTS.get(output.suffix.lower(), "")
        if not fmt:
            raise InputError(f"-o {output}: use one of {', '.join(RDF_OUTPUTS)}")
        may_replace = check_target(output, force=force)
    with _ImportProgress() as progress:
        result = import_csv(
            sheets,
            context=open_store().local_dataset("import"),
            chain_name=chain_name,
            validate=not skip_validation,
            progress=progress,
        )
    if skip_validation:
        stderr.print("SHACL validation skipped (--skip-validation): run chaingraph validate --data on the result")
    from .render import quantity

    linked = ", ".join(quantity(count, kind) for kind, count in sorted(result.matched.items()))
    stderr.print(
        f"imported {quantity(result.firms, 'firm')} and {quantity(result.relations, 'relation')}"
        + (f"; linked to the graph's: {linked}" if result.matched else "")
        + (f"; skipped {quantity(result.skipped_rows, 'row')} with no mapped value" if result.skipped_rows else "")
    )
    if result.place_note:
        stderr.print(f"note: {result.place_note}", highlight=False, markup=False)
    if result.self_loops:
        from ..sheets import self_loop_note

        stderr.print(f"note: {self_loop_note(sheets.relations[0], result.self_loops)}", highlight=False, markup=False)
    if disk_store is not None:
        report = result.save_store(disk_store, sheets=[*sheets.relations, *sheets.firms], replace=force)
        stderr.print(f"wrote {report.directory}: {report.quads:,} quads; read it with --store {disk_store}")
    elif output is None:
        # sys.stdout.buffer, not click.get_binary_stream: Click 8.5 deprecates that function.
        stdout_bytes = sys.stdout.buffer
        result.dump(RDF_EXPORTS[fmt], stdout_bytes)
        stdout_bytes.flush()
    else:
        with atomic_open(output, "wb", may_replace=may_replace) as handle:
            result.dump(RDF_EXPORTS[fmt], handle)
        stderr.print(f"wrote {output}")


@cli.command("export", short_help="Export the graph, a chain or a region for other tools.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "jsonld", "nt", "nq", "ttl", "trig", "csv", "parquet"]),
    required=True,
    help="graphml/gexf for Gephi and Cytoscape, RDF formats, csv, or parquet (a folder of tables, -o DIR).",
)
@output_options("File to write [default: standard output].")
@click.option(
    "--table",
    type=click.Choice(["edges", "firms"]),
    default="edges",
    show_default=True,
    help="With csv: supply edges or firms (both in the import layout).",
)
@graph_options(tables=True)
@selection_options
@evidence_option
@dating_options
@scope_request()
def export_command(source, fmt, output, force, table, scope) -> None:
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
      chaingraph export --format parquet -o tables/   # relations.parquet, firms.parquet
    """
    from .._runtime.fileio import atomic_write, check_target
    from ..interchange.export import RDF_EXPORTS
    from ..interchange.export import export as build
    from ..reports import make_selection

    if fmt in RDF_EXPORTS and scope.level != "firm":
        raise InputError("--level stage applies to graphml, gexf and csv exports; RDF exports keep the firms")
    if fmt in RDF_EXPORTS and "all" not in scope.evidence:
        raise InputError("--evidence applies to graphml, gexf and csv exports; RDF exports keep every edge's evidence")
    selection = make_selection(source, scope)
    if fmt == "parquet":
        from ..interchange.export import export_tables

        if output is None:
            raise InputError("--format parquet writes a folder: give it with -o DIR")
        with status_line("exporting tables"):
            written = export_tables(source, output, selection, replace=force)
        stderr.print(f"wrote {', '.join(str(path) for path in written)}")
        return
    may_replace = check_target(output, force=force) if output is not None else False
    warnings: list[str] = []
    with status_line("exporting") as update:
        data = build(
            source, fmt, selection, table=table, progress=lambda step: update(f"exporting: {step}"), warnings=warnings
        )
    for line in warnings:
        click.echo(f"warning: {printable(line)}", err=True)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(output, data, may_replace=may_replace)
        stderr.print(f"wrote {output}")


class _ImportProgress(progress_bar):
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
        return self.advance_rows

    def advance_rows(self, state) -> None:
        if self._progress is None:
            return
        elapsed = max(time.perf_counter() - self._started, 1e-9)
        if state.phase == "reading":
            self._progress.update(
                self._task, completed=state.done, total=state.total or None, rows=state.rows, speed=state.rows / elapsed
            )
        else:
            self._progress.update(self._task, description=f"{state.phase} with SHACL", total=None)
