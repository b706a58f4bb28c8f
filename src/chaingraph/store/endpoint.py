"""Where data enters from a server: a SPARQL 1.1 Protocol endpoint read over HTTP.

Answers are complete or an error. Parameters are bound by VALUES, never pasted; a server that cuts
an answer at its row cap is read again in pages and the count checked; server errors become one
line with the server's own message.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import http.client
import json
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pyarrow as pa
from rdflib import Graph
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import EndpointError, InputError, QueryError
from ..sparql import bind_values, counted, query_form, solution_modifiers, split_prologue
from ..vocab import DERIVED_INTEGER_TYPES, PREFIXES, XSD, prefix_block
from .base import LocalDataset, Row, SelectResult, T
from .columns import lexical_table

__all__ = ["PROLOGUE_LINES", "TRUNCATION_HEADERS", "EndpointStore", "server_message"]

#: Response headers by which servers say they cut an answer short, and the setting behind each.
TRUNCATION_HEADERS = {"X-SPARQL-MaxRows": "Virtuoso's [SPARQL] ResultSetMaxRows in virtuoso.ini"}


@dataclass
class _Answer:
    body: bytes
    cap: int | None = None  # the row cap the server says it applied
    setting: str = ""


class EndpointStore:
    """A SPARQL 1.1 Protocol endpoint, read with HTTP POST; parameters bound by VALUES.

    Answers are complete or an error: a SELECT that the server cut at its row cap (Virtuoso's
    ``X-SPARQL-MaxRows`` header) is fetched again in pages and its row count checked against a
    ``COUNT``; the projection's queries are always checked against a ``COUNT``, so a server that
    cuts answers without saying so is caught too.
    """

    #: The largest answer read from a server, in bytes: a whole network of 1M firms is about
    #: 700 MB of JSON; a server sending more (or without end) is stopped here.
    MAX_ANSWER_BYTES = 2 << 30

    def __init__(self, url: str, *, timeout: float = 30.0, max_answer_bytes: int = MAX_ANSWER_BYTES) -> None:
        self.url, self._authorization = _without_credentials(url)
        self.timeout = timeout
        self.max_answer_bytes = max_answer_bytes
        self.description = f"endpoint {self.url}"

    def select(
        self, query: str, bindings: Mapping[str, Node] | None = None, *, max_rows: int | None = None
    ) -> SelectResult:
        """Rows of a SELECT (checked complete against a ``COUNT`` of the same query, so a server
        that cuts answers without saying so is caught, and paged at the size it answered with),
        or the answer to an ASK. With ``max_rows`` the rows are counted first, and an answer of
        more is not fetched (``more`` is set)."""
        text = self._bound(query, bindings)
        known = None
        if max_rows is not None and query_form(text) == "SELECT":
            known = self._count(text)
            if known > max_rows:
                return SelectResult([], [], more=True)
        result, total = self._counted(text, known)
        if total is None or total == len(result.rows):
            return result
        if result.rows and total > len(result.rows):
            # A silent cap: page the query at the size the server answered with.
            cut = _Answer(b"", len(result.rows), "a row cap the server did not announce")
            return self._select_in_pages(text, result.variables, cut)
        raise self._short(result, total)

    def _select(self, text: str) -> tuple[SelectResult, bool]:
        """The answer to a bound query, and whether its rows were already counted against a
        ``COUNT`` (they are when the answer had to be paged)."""
        answer = self._post({"query": prefix_block() + text}, "application/sparql-results+json")
        result = self._parse_results(answer.body)
        form = query_form(text)
        if (result.boolean is not None) != (form == "ASK"):
            kind = "a boolean" if result.boolean is not None else "rows"
            raise EndpointError(f"endpoint {self.url} answered a {form} query with {kind}")
        if answer.cap is None or result.boolean is not None:
            return result, False
        return self._select_in_pages(text, result.variables, answer), True

    def _counted(self, text: str, known: int | None = None) -> tuple[SelectResult, int | None]:
        """The answer to a bound query and the server's ``COUNT`` of its rows (``known`` when the
        caller counted already); ``None`` where no count is due (an ASK, or rows already counted
        while paging)."""
        result, counted = self._select(text)
        if result.boolean is not None or counted:
            return result, None
        return result, known if known is not None else self._count(text)

    def _short(self, result: SelectResult, total: int) -> EndpointError:
        return EndpointError(
            f"endpoint {self.url} returned {len(result.rows)} of {total} rows without saying it cut the answer: "
            "raise the server's result-size limit"
        )

    def select_lexical(self, query: str, bindings: Mapping[str, Node] | None = None) -> list[tuple]:
        """Rows as tuples of lexical values, checked complete against a ``COUNT`` of the same query."""
        return self._lexical(query, bindings)[1]

    def select_columns(self, query: str, bindings: Mapping[str, Node] | None = None) -> pa.Table:
        """The answer as columns of lexical values, checked complete as :meth:`select_lexical` is."""
        return lexical_table(*self._lexical(query, bindings))

    def _lexical(self, query: str, bindings: Mapping[str, Node] | None) -> tuple[list[str], list[tuple]]:
        """The answer's variables and its rows as tuples of lexical values, checked complete."""
        result, total = self._counted(self._bound(query, bindings))
        if total is not None and total != len(result.rows):
            raise self._short(result, total)
        rows = [
            tuple(None if (term := row.get(v)) is None else str(term) for v in result.variables) for row in result.rows
        ]
        return result.variables, rows

    def bounded(self, work: Callable[[], T], seconds: float | None) -> T:
        """``work()`` as it is: every request to the server already has its deadline (``timeout``)."""
        return work()

    def local_dataset(self, needed_for: str) -> LocalDataset:
        raise InputError(
            f"{needed_for} reads the dataset itself, which {self.description} does not send: "
            "export the endpoint's data and use --data"
        )

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None) -> bool:
        result = self.select(query, bindings)
        if result.boolean is None:
            raise EndpointError(f"endpoint {self.url}: expected a boolean answer to ASK")
        return result.boolean

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None) -> Graph:
        answer = self._post({"query": prefix_block() + self._bound(query, bindings)}, "application/n-triples")
        if answer.cap is not None:
            raise EndpointError(self._truncated(answer, "a CONSTRUCT answer cannot be paged"))
        graph = Graph()
        for name, iri in PREFIXES.items():
            graph.bind(name, iri)
        try:
            graph.parse(data=answer.body.decode("utf-8"), format="nt")
        except Exception:  # rdflib raises several unrelated types for bad input
            raise EndpointError(f"endpoint {self.url}: answered with something that is not N-Triples") from None
        return graph

    def update(self, update: str) -> bool:
        """Send a SPARQL Update to the endpoint (only with the user's explicit --update); the
        protocol does not say whether it changed anything, so True once the server accepted it."""
        self._post({"update": prefix_block() + update}, "*/*")
        return True

    # --- completeness ----------------------------------------------------------------------------

    def _select_in_pages(self, text: str, variables: list[str], first: _Answer) -> SelectResult:
        """Fetch a capped SELECT again page by page, each page no larger than the server's cap.

        The pages come from a subquery ordered by every variable, so they are stable and disjoint;
        the outer query only slices (Virtuoso refuses to sort past its cap with OFFSET). The query's
        own ORDER BY, when it orders by variables, is applied to the complete answer afterwards.
        """
        order, sliced = solution_modifiers(text)
        if sliced or order is None or not variables:
            reason = "the query has its own LIMIT/OFFSET" if sliced else "the query orders by expressions"
            raise EndpointError(self._truncated(first, f"{reason}, so it cannot be paged"))
        if not first.cap:
            raise EndpointError(self._truncated(first, "a cap of 0 rows cannot be paged"))
        prologue, body = split_prologue(text)
        keys = " ".join("?" + v for v in variables)
        page = first.cap
        # The count comes first and bounds the paging: a server that ignores LIMIT or OFFSET (full
        # pages for ever) is caught after total / page requests instead of looping.
        total = self._count(text)
        rows: list[Row] = []
        while len(rows) < total:
            paged = (
                f"{prologue}SELECT * WHERE {{ {{ SELECT * WHERE {{ {{ {body}\n}} }} ORDER BY {keys} }} }}"
                f" OFFSET {len(rows)} LIMIT {page}"
            )
            answer = self._post({"query": prefix_block() + paged}, "application/sparql-results+json")
            part = self._parse_results(answer.body, variables).rows
            if not part or len(part) > page:
                break
            rows.extend(part)
        if total != len(rows):
            raise EndpointError(self._truncated(first, f"paging gave {len(rows)} of {total} rows"))
        for variable, descending in reversed(order):
            rows.sort(key=functools.partial(_row_order_key, variable), reverse=descending)
        return SelectResult(variables, rows)

    def _count(self, text: str) -> int:
        answer = self._post(
            {"query": prefix_block() + counted(text, "chaingraph_rows")}, "application/sparql-results+json"
        )
        rows = self._parse_results(answer.body).rows
        try:
            return int(str(rows[0]["chaingraph_rows"]))
        except (IndexError, KeyError, ValueError):
            raise EndpointError(f"endpoint {self.url}: could not count the rows of an answer") from None

    def _truncated(self, answer: _Answer, detail: str) -> str:
        return (
            f"endpoint {self.url} cut the answer at {answer.cap} rows ({answer.setting}) and {detail}: "
            "raise that setting, or page the query with LIMIT and OFFSET"
        )

    # --- the protocol ----------------------------------------------------------------------------

    def _bound(self, query: str, bindings: Mapping[str, Node] | None) -> str:
        if query_form(query) == "UPDATE":
            raise QueryError("SPARQL Update refused: the graph is read-only (use --update)")
        return bind_values(query, bindings or {})

    def _parse_results(self, body: bytes, expected: list[str] | None = None) -> SelectResult:
        """An answer in the SPARQL 1.1 Query Results JSON Format, checked against that format:
        ``head.vars`` a list of names, each binding a map from those names to well-formed terms."""
        try:
            document = json.loads(body)
            if not isinstance(document, dict) or not isinstance(document.get("head"), dict):
                raise TypeError("head")
            if "boolean" in document:
                if not isinstance(document["boolean"], bool) or "results" in document:
                    raise TypeError("boolean")
                return SelectResult([], [], document["boolean"])
            variables = document["head"].get("vars", [])
            if not isinstance(variables, list) or not all(isinstance(name, str) for name in variables):
                raise TypeError("vars")
            bindings = document["results"]["bindings"]
            if not isinstance(bindings, list):
                raise TypeError("bindings")
            known = set(variables)
            rows = []
            for binding in bindings:
                if not isinstance(binding, dict) or not known.issuperset(binding):
                    raise TypeError("binding")
                rows.append({name: _term_from_json(value) for name, value in binding.items()})
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise EndpointError(f"endpoint {self.url}: answer is not SPARQL JSON results") from None
        if expected is not None and set(variables) != set(expected):
            raise EndpointError(f"endpoint {self.url}: a page of the answer has other variables than the first")
        return SelectResult(variables, rows)

    def _post(self, form: Mapping[str, str], accept: str) -> _Answer:
        payload = urllib.parse.urlencode(form).encode("utf-8")
        # The scheme was checked to be http(s) in __init__.
        request = urllib.request.Request(  # noqa: S310
            self.url,
            data=payload,
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded", **self._authorization},
            method="POST",
        )
        exchange = _Exchange(self.timeout)
        answer = _Answer(b"")
        try:
            with exchange.open(request) as response:
                answer.body = _read_whole(response, self.max_answer_bytes)
                for header, setting in TRUNCATION_HEADERS.items():
                    value = response.headers.get(header)
                    if value is not None and value.strip().isdigit():
                        answer.cap, answer.setting = int(value), setting
                        break
        except _TooLarge:
            raise EndpointError(
                f"endpoint {self.url} sent more than {self.max_answer_bytes:,} bytes: narrow the query "
                "(a chain, a region) or page it with LIMIT and OFFSET"
            ) from None
        except Exception as exc:
            if exchange.expired:  # the deadline closed the connection, whatever the read then raised
                raise self._too_slow() from None
            mapped = self._exchange_error(exc)
            if mapped is None:
                raise
            raise mapped from None
        finally:
            exchange.end()
        if exchange.expired:  # closed mid-answer: what was read is not the whole answer
            raise self._too_slow()
        return answer

    def _too_slow(self) -> EndpointError:
        return EndpointError(f"endpoint {self.url} did not answer within {self.timeout:g} s")

    def _exchange_error(self, error: Exception) -> Exception | None:
        """The one-line error for what went wrong in an exchange; ``None`` for anything else (a bug)."""
        if isinstance(error, _Redirected):
            return EndpointError(
                f"endpoint {self.url} redirected the query to {_without_credentials(error.target)[0]}: "
                "give that URL as --endpoint (a POST is not re-sent elsewhere)"
            )
        if isinstance(error, urllib.error.HTTPError):
            reason = server_message(error.read(4000), error.headers.get("Content-Type", "")) or str(error.reason)
            if error.code == 400:
                return QueryError(f"endpoint {self.url} rejected the query: {reason}")
            return EndpointError(f"endpoint {self.url} answered HTTP {error.code}: {reason}")
        if isinstance(error, TimeoutError):
            return self._too_slow()
        if isinstance(error, urllib.error.URLError):
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                return self._too_slow()
            return EndpointError(f"endpoint {self.url} is unreachable: {error.reason}")
        if isinstance(error, http.client.HTTPException):
            # more than 100 headers, a 64 KB header line, a bad status line, HTTP/0.9, broken chunks
            detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
            return EndpointError(f"endpoint {self.url} answered with malformed HTTP ({detail})")
        if isinstance(error, OSError):
            return EndpointError(f"endpoint {self.url} failed: {error}")
        return None


class _Exchange:
    """One request and its answer under one deadline, headers included.

    A socket timeout bounds each read alone, so a server that sends a header byte every second
    holds the command for ever; here a timer shuts the exchange's connections down when its time
    is up, and the blocked read returns at once.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.sockets: list[socket.socket] = []
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def _expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def open(self, request: urllib.request.Request):
        exchange = self

        class Recorded(http.client.HTTPConnection):
            def connect(self) -> None:
                super().connect()
                exchange.sockets.append(self.sock)

        class RecordedTLS(http.client.HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                exchange.sockets.append(self.sock)

        class Plain(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(Recorded, req)

        class Secure(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(RecordedTLS, req, context=self._context)  # type: ignore[attr-defined]  # do_open is AbstractHTTPHandler's, not in its stub

        self._timer.start()
        # The scheme was checked to be http(s) when the store was made.
        return urllib.request.build_opener(Plain, Secure, _NoRedirects).open(request, timeout=self.seconds)

    def end(self) -> None:
        self._timer.cancel()


def _without_credentials(url: str) -> tuple[str, dict[str, str]]:
    """The URL with any ``user:password@`` taken out, and the HTTP Basic header that sends them.

    urllib ignores credentials written in a URL, and every message names the URL: so they are
    moved into an ``Authorization`` header and never appear in an error or a description.
    """
    try:
        parsed = urllib.parse.urlsplit(url)
        port = parsed.port
        host = parsed.hostname
    except ValueError as exc:
        shown = url.rsplit("@", 1)[-1] if "@" in url else url
        raise InputError(f"--endpoint {shown[:120]!r}: not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not host:
        shown = url.rsplit("@", 1)[-1] if "@" in url else url
        raise InputError(f"--endpoint {shown[:120]!r}: not an http(s) URL")
    if any(character.isspace() or ord(character) < 0x20 or ord(character) > 0x7E for character in url):
        raise InputError("--endpoint: a URL holds no spaces, control or non-ASCII characters (percent-encode them)")
    if len(host) > 253:
        raise InputError(f"--endpoint: a host name of {len(host)} characters (at most 253)")
    headers: dict[str, str] = {}
    netloc = parsed.netloc.rsplit("@", 1)[-1]
    if parsed.username is not None or parsed.password is not None:
        user = urllib.parse.unquote(parsed.username or "")
        password = urllib.parse.unquote(parsed.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    del port  # read only to check it is a number in range
    return urllib.parse.urlunsplit((parsed.scheme, netloc, parsed.path, parsed.query, "")), headers


class _Redirected(Exception):
    def __init__(self, target: str) -> None:
        self.target = target


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib follows a 301, 302 or 303 answer to a POST as a GET without the query, and would
    take whatever the new address says as the answer: a redirect is an error instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise _Redirected(newurl)


class _TooLarge(Exception):
    pass


def _read_whole(response, limit: int) -> bytes:
    """The whole body, or ``_TooLarge`` past ``limit`` bytes. The exchange's timer ends a server
    that trickles bytes: it shuts the connection down, and the read returns."""
    chunks = []
    size = 0
    while chunk := response.read1(1 << 16):
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _row_order_key(variable: str, row: dict) -> tuple:
    return _order_key(row.get(variable))


def _order_key(term: Node | None) -> tuple:
    """SPARQL's order of terms: unbound, blank nodes, IRIs, then literals (numbers by value)."""
    if term is None:
        return (0, 0, "")
    if isinstance(term, BNode):
        return (1, 0, str(term))
    if isinstance(term, URIRef):
        return (2, 0, str(term))
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC:
        try:
            return (3, 0, float(term), str(term))
        except ValueError:
            pass
    return (3, 1, str(term))


_NUMERIC = {str(XSD[name]) for name in ("integer", "decimal", "float", "double", *DERIVED_INTEGER_TYPES)}

#: The lines chaingraph puts in front of every query sent to a server (the predeclared prefixes).
PROLOGUE_LINES = prefix_block().count("\n")


def server_message(body: bytes, content_type: str = "") -> str:
    """The server's own words from an error answer: markup stripped, the echoed query dropped,
    and line numbers counted from the user's first line rather than chaingraph's prefixes."""
    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or text.lstrip().lower().startswith(("<!doctype", "<html")):
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    lines = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line.lower().startswith(("sparql query:", "define sql:")):
            break  # Virtuoso echoes the query after its message
        if line:
            lines.append(line)
    message = "; ".join(lines[:3])
    if len(message) > 300:
        message = message[:297] + "..."

    def shift(match: re.Match[str]) -> str:
        number = int(match.group(2)) - PROLOGUE_LINES
        return f"{match.group(1)}{number}" if number >= 1 else match.group(0)

    return re.sub(r"(\bline |\bat )(\d+)(?=\b)", shift, message)


def _term_from_json(value: Mapping[str, str]) -> Node:
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        if "datatype" in value:
            return Literal(value["value"], datatype=URIRef(value["datatype"]))
        return Literal(value["value"])
    raise ValueError(kind)
