"""SELECT answers as columns: the lexical values of each variable as one Arrow string column.

What the projection reads from a store is hundreds of thousands of rows per query. Read a row at a
time, each value becomes an Oxigraph term and then a Python string while Python's lock is held, so
two queries read side by side take turns. Oxigraph writes a whole answer as SPARQL 1.1
Tab-Separated Values without that lock (two cores serialize two queries at once), and Arrow parses
and decodes the text a column at a time. :func:`lexical_table_from_tsv` gives the same values
:meth:`chaingraph.store.base.Store.select_lexical` gives row by row: an IRI's text, a blank node's
id, a literal's lexical form (unescaped), ``None`` (null) where a variable is unbound.

References
----------
.. [1] SPARQL 1.1 Query Results CSV and TSV Formats, section 3 (TSV): terms written as in Turtle,
   an unbound variable an empty field. https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

__all__ = ["lexical_table", "lexical_table_from_tsv"]

#: A literal as TSV writes it: its quoted lexical form, then a language tag or a datatype IRI.
_LITERAL = r'^"(.*)"(?:@[^"]*|\^\^<[^>]*>)?$'

#: The escapes of a quoted lexical form (Turtle's ECHAR): TSV escapes tab, newlines, quote and
#: backslash so that a value never holds a field or row separator.
_ESCAPED = re.compile(r"\\([tbnrf\"'\\])")
_ANYTHING = re.compile(rb"\S")
_UNESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def lexical_table(variables: Sequence[str], rows: Iterable[Sequence[str | None]]) -> pa.Table:
    """Rows of lexical values (``None`` where unbound) as a table of string columns, one per
    variable in order: what a store that answers row by row gives for
    :func:`lexical_table_from_tsv`."""
    columns: list[list[str | None]] = [[] for _ in variables]
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return pa.table([pa.array(column, pa.string()) for column in columns], names=list(variables))


def lexical_table_from_tsv(data: bytes, block_size: int = 1 << 24) -> pa.Table:
    """A SPARQL TSV answer (its first line the variables, ``?name`` each) as a table of string
    columns holding each term's lexical value, null where a variable is unbound; read a block of
    ``block_size`` bytes at a time (a column is a chunk per block).

    >>> table = lexical_table_from_tsv(b'?s\\t?o\\n<http://x/a>\\t"1\\\\t2"@en\\n_:b1\\t\\n')
    >>> table.column("s").to_pylist(), table.column("o").to_pylist()
    (['http://x/a', 'b1'], ['1\\t2', None])
    """
    end = data.find(b"\n")
    header = data if end < 0 else data[:end]
    names = [name.removeprefix("?") for name in header.decode("utf-8").rstrip("\r").split("\t")]
    if end < 0 or _ANYTHING.search(data, end + 1) is None:  # no row
        return pa.table([pa.array([], pa.string()) for _ in names], names=names)
    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block_size),
        # A TSV field is never quoted (its separators are escaped inside literals): the quotes
        # belong to the terms.
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True, null_values=[""]
        ),
    )
    return pa.table([_lexical(column) for column in table.columns], names=names)


def _lexical(terms: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each TSV term's lexical value: ``<iri>`` -> its text, ``_:id`` -> ``id``, a quoted literal
    -> its unescaped form, a bare number or boolean as it is."""
    iri = pc.starts_with(terms, "<")
    if pc.all(iri).as_py():  # the usual column of nodes: IRIs alone (and nulls, left null)
        return pc.utf8_slice_codeunits(terms, 1, -1)
    blank = pc.starts_with(terms, "_:")
    quoted = pc.starts_with(terms, '"')
    # A literal with neither language nor datatype ends in its closing quote: sliced, not matched.
    plain = pc.ends_with(terms, '"')
    suffixed = pc.and_not(quoted, plain)
    inner = pc.utf8_slice_codeunits(terms, 1, -1)  # an IRI's text, a plain literal's quoted form
    literal = inner
    if pc.any(suffixed).as_py():
        literal = pc.if_else(suffixed, pc.replace_substring_regex(terms, pattern=_LITERAL, replacement=r"\1"), inner)
    values = pc.case_when(pc.make_struct(iri, blank, quoted), inner, pc.utf8_slice_codeunits(terms, 2), literal, terms)
    escaped = pc.and_(quoted, pc.match_substring(terms, "\\"))
    if pc.any(escaped).as_py():
        # Rare (a tab, newline, quote or backslash in a name): unescaped one value at a time.
        fixed = values.to_pylist()
        for position in pc.indices_nonzero(escaped).to_pylist():
            fixed[position] = _ESCAPED.sub(lambda found: _UNESCAPED[found.group(1)], fixed[position])
        return pa.chunked_array([pa.array(fixed, pa.string())], pa.string())
    return values
