"""``chaingraph validate``: SHACL reports, as tables or in the SHACL vocabulary."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import cli, emit, render_json, stderr, stdout
from .options import format_option, graph_options

__all__ = ["IRI_WIDTH", "validate"]

#: The widest an IRI is shown in the validation table; longer ones keep their start and end.
IRI_WIDTH = 36


@cli.command(short_help="Check the graph against chaingraph's SHACL shapes.")
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
    reason); every figure a value, unit and source. Exit status 0 when the graph conforms or has
    warnings only, 1 when there are violations, 2 when a shape uses a feature the engine refuses.

    \b
    Examples:
      chaingraph validate
      chaingraph validate --data my-firms.ttl --format json
      chaingraph validate --data my-firms.ttl --format ttl > report.ttl
      chaingraph validate --engine pyshacl
      chaingraph validate --data my-firms.ttl --shapes my-rules.ttl
    """
    from ..queries.names import shorten
    from ..validation import validate as run_validation
    from .render import printable

    report = run_validation(store, engine=engine, shapes=shape_files)
    for literal in report.ill_typed:
        click.echo(
            f'warning: "{printable(str(literal))[:80]}"^^{shorten(literal.datatype)} is not a valid '
            f"{shorten(literal.datatype)} "
            "(its lexical form is not one that datatype allows)",
            err=True,
        )
    columns = ["severity", "focus_label", "message", "focus", "path", "value"]
    rows = [vars(f) for f in report.findings]
    if fmt in ("ttl", "jsonld"):
        emit(report.graph.serialize(format={"ttl": "turtle", "jsonld": "json-ld"}[fmt]))
    elif fmt == "json":
        emit(render_json({"conforms": report.conforms, "triples": report.triples, "results": rows}))
    elif fmt == "table":
        if report.findings:
            from rdflib import URIRef

            from .render import TableLook, middle, render

            # A node with no label is named by its IRI: as a CURIE, else cut in the middle, so the
            # end that tells one node from another stays (never "https:/…").
            def named(text: str) -> str:
                return middle(shorten(URIRef(text)) if text.startswith(("http", "urn:")) else text, IRI_WIDTH)

            for row in rows:
                row["focus_label"] = row["focus_label"] or named(row["focus"])
                # A value that is the node itself says nothing the resource column does not.
                row["value"] = "" if row["value"] == row["focus"] else named(row["value"])
            shown = [column for column in columns if column != "focus"]  # the resource column names it
            render(
                rows,
                shown,
                "table",
                look=TableLook(
                    headers=["severity", "resource", "problem", "property", "value"],
                    title=f"SHACL validation: {len(report.violations)} violations",
                    wrap=["message"],
                ),
                console=stdout.console,
            )
        others = len(report.findings) - len(report.violations)
        verdict = "conforms" if report.conforms else "does not conform"
        if not report.conforms and report.passes:
            verdict = "passes with warnings only (not conforming in SHACL's sense; exit 0)"
        stderr.print(
            f"{verdict}: {report.triples} triples, {len(report.violations)} violations, {others} other results",
            markup=False,
        )
    else:
        from .render import TableLook, render

        emit(render(rows, columns, fmt))
    sys.exit(0 if not report.violations else 1)
