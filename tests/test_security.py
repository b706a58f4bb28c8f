"""Security, second round (issue 25): bound values never become query text, SERVICE never reaches
the network unasked, a writable server refuses other sites, endpoint credentials stay secret, and
a hostile or broken server's answers are refused rather than believed."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import XSD, Literal, URIRef

from chaingraph.errors import EndpointError
from chaingraph.sparql import uses_service
from chaingraph.store import EmbeddedStore
from chaingraph.store.endpoint import EndpointStore

from .conftest import free_port, run_process, start_serve, wait_for_http

# --- 1. injection through bound values ----------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40), st.sampled_from([None, "en", "zh-Hans"])
)
def test_any_string_bound_as_a_literal_comes_back_exactly_and_alone(text, language):
    """Whatever the characters (quotes, backslashes, newlines, braces, '#'), a bound value is one
    term: the query answers one row holding exactly that value."""
    store = EmbeddedStore()
    value = Literal(text, lang=language)
    rows = store.select("SELECT ?a WHERE { }", {"a": value}).rows
    assert [[(str(term), term.language, term.datatype) for term in row.values()] for row in rows] == [
        [(text, language and language.lower(), None if language else XSD.string)]
    ]


@pytest.mark.parametrize(
    "values",
    [
        ('x\ny\\"', "} ?s a cg:Company } #"),
        ('"""', '""" } ?s ?p ?o } #'),
        ("\\", '" } UNION { ?s ?p ?o } #'),
        ("a'''", "''' } ?s ?p ?o } #"),
    ],
)
def test_two_hostile_values_cannot_join_into_query_text(store, values):
    """The probe of issue 25: with harmless values the filter keeps no row, so any row means the
    values became query text."""
    query = "SELECT ?s WHERE { ?s a cg:Company . FILTER(?s = <http://nothing> && ?a = ?a && ?b = ?b) }"
    bindings = {"a": Literal(values[0]), "b": Literal(values[1])}
    assert store.select(query, bindings).rows == []


def test_the_probe_through_the_command_line_answers_nothing(run):
    query = "SELECT ?s WHERE { ?s a cg:Company . FILTER(?s = <http://nothing> && ?a = ?a && ?b = ?b) }"
    result = run("query", query, "-p", 'a=x\ny\\"', "-p", "b=} ?s a cg:Company } #", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"] == []


def test_a_named_query_with_a_hostile_name_is_a_name_not_a_syntax_error(run):
    result = run("query", "suppliers-of", "-p", 'firm=x\ny\\"')
    assert result.exit_code == 2
    assert "syntax" not in result.stderr.lower()
    assert "x" in result.stderr  # the unknown name is named


def test_a_datatype_cannot_carry_text(store):
    from chaingraph.errors import InputError

    with pytest.raises(InputError):
        store.select("SELECT ?a WHERE { }", {"a": Literal("x", datatype=URIRef("http://x> } ?s ?p ?o { <y"))})


# --- 2. SERVICE never reaches the network unasked ------------------------------------------------


@contextmanager
def http_server(answer: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Iterator[tuple[str, list]]:
    """A server on 127.0.0.1 answering every request with ``answer``; yields its URL and the list
    of requests it got (method, path, headers)."""
    seen: list = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen.append((self.command, self.path, dict(self.headers.items()), body))
            self.request_body = body.decode("utf-8", "replace")
            answer(self)

        do_GET = do_POST = _any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", seen
    finally:
        server.shutdown()
        server.server_close()


def send(handler, status: int, body: bytes, content_type: str = "application/sparql-results+json", **headers):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


EMPTY = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()


def count_answer(rows: int) -> dict:
    """The SPARQL results document of chaingraph's row count (``COUNT(*) AS ?chaingraph_rows``)."""
    value = {"type": "literal", "value": str(rows), "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    return {"head": {"vars": ["chaingraph_rows"]}, "results": {"bindings": [{"chaingraph_rows": value}]}}


def empty_answer(handler):
    send(handler, 200, EMPTY)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
        "select * where { service silent <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<{url}> AS ?u) SERVICE ?u { ?s ?p ?o } }",
    ],
)
def test_service_in_a_read_only_query_is_refused_and_sends_nothing(run, text):
    with http_server(empty_answer) as (url, seen):
        result = run("query", text.replace("{url}", url))
    assert result.exit_code == 2
    assert "SERVICE" in result.stderr and "--allow-service" in result.stderr
    assert seen == []


def test_service_is_run_when_allowed(run):
    with http_server(empty_answer) as (url, seen):
        result = run("query", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "--allow-service")
    assert result.exit_code == 0, result.stderr
    assert seen, "the SERVICE request never reached the server"


def test_service_in_an_update_is_refused_and_nothing_is_written(run, tmp_path):
    target = tmp_path / "out.trig"
    with http_server(empty_answer) as (url, seen):
        update = f"INSERT {{ GRAPH fj:x {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        result = run("query", "--update", update, "-o", str(target))
    assert result.exit_code == 2 and "SERVICE" in result.stderr
    assert seen == [] and not target.exists()


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_service_in_a_shapes_sparql_constraint_is_refused(run, tmp_path, engine):
    with http_server(empty_answer) as (url, seen):
        shapes = tmp_path / "shapes.ttl"
        shapes.write_text(
            "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.test/> .\n"
            "@prefix cg: <https://w3id.org/chaingraph/ontology#> .\n"
            "ex:S a sh:NodeShape ; sh:targetClass cg:Company ; sh:sparql [ sh:select "
            + json.dumps(f"SELECT $this WHERE {{ SERVICE <{url}> {{ $this ?p ?o }} }}")
            + " ] .\n",
            encoding="utf-8",
        )
        result = run("validate", "--shapes", str(shapes), "--engine", engine)
    assert result.exit_code == 2, result.stdout
    assert "SERVICE" in result.stderr
    assert seen == []


def test_service_is_found_only_as_a_keyword():
    assert uses_service("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }")
    assert not uses_service('SELECT * WHERE { ?s ex:service "SERVICE" ; <http://x/SERVICE> ?o } # SERVICE')


# --- 3. a writable server refuses other sites ----------------------------------------------------


def post_update(port: int, update: str, **headers: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/update",
        data=urllib.parse.urlencode({"update": update}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def has_firm(port: int, name: str) -> bool:
    store = EndpointStore(f"http://127.0.0.1:{port}/query")
    return store.ask(f"ASK {{ <https://example.test/{name}> ?p ?o }}")


@pytest.mark.server
def test_a_writable_server_refuses_cross_site_and_rebound_writes_and_takes_its_own(tmp_path):
    process, port = start_serve(temporary=tmp_path, extra=["--writable"])
    try:
        insert = (
            "INSERT DATA { GRAPH <https://example.test/g> { <https://example.test/%s> a <https://example.test/C> } }"
        )
        assert post_update(port, insert % "evil", Origin="http://evil.example") == 403
        assert post_update(port, insert % "rebound", Host=f"rebind.evil.example:{port}") == 403
        assert post_update(port, insert % "crosssite", **{"Sec-Fetch-Site": "cross-site"}) == 403
        assert post_update(port, insert % "null", Origin="null") == 403
        assert not any(has_firm(port, name) for name in ("evil", "rebound", "crosssite", "null"))
        assert post_update(port, insert % "program") in (200, 204)
        assert post_update(port, insert % "page", Origin=f"http://127.0.0.1:{port}") in (200, 204)
        assert has_firm(port, "program") and has_firm(port, "page")
        # reads from a rebound host name are refused as well: the page would read the graph as its own
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": f"rebind.evil.example:{port}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.server
def test_a_read_only_server_refuses_a_rebound_host_name_and_answers_its_own(tmp_path):
    process, port = start_serve(temporary=tmp_path)
    try:
        query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        for host, expected in ((f"rebind.evil.example:{port}", 403), (f"127.0.0.1:{port}", 200)):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/query?{query}",
                headers={"Host": host, "Accept": "application/sparql-results+json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, b""
            assert status == expected, host
        assert b'"boolean":true' in body.replace(b" ", b"")
        assert post_update(port, "INSERT DATA { <https://example.test/x> a <https://example.test/C> }") >= 400
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_writable_server_on_every_address_needs_its_own_flag():
    result = run_process("serve", "--host", "0.0.0.0", "--writable", "--port", str(free_port()), timeout=60)
    assert result.returncode == 2
    assert "--allow-remote-writes" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.server
def test_serve_listens_on_ipv6_loopback(tmp_path):
    port = free_port()
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "chaingraph", "serve", "--host", "::1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_http(f"http://[::1]:{port}/", timeout=60)
        assert EndpointStore(f"http://[::1]:{port}/query").ask("ASK { fj:catl a cg:Company }")
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- 4. credentials in an endpoint URL -----------------------------------------------------------


def test_credentials_in_an_endpoint_url_are_sent_as_basic_and_never_printed(run):
    def refuse(handler):
        send(handler, 500, b"server trouble", "text/plain")

    with http_server(refuse) as (url, seen):
        secret_url = url.replace("http://", "http://alice:s3cr3t%40PW@")
        result = run("query", "firms-in", "-p", "place=Ningde", "--endpoint", secret_url)
    assert result.exit_code != 0
    assert "s3cr3t" not in result.stderr + result.stdout
    assert "alice" not in result.stderr + result.stdout
    sent = {headers.get("Authorization") for _, _, headers, _ in seen}
    assert sent == {"Basic " + base64.b64encode(b"alice:s3cr3t@PW").decode()}


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/q",
        "http://127.0.0.1:abc/q",
        "http://" + "h" * 300 + "/q",
        "http://x/a b",
        "http://x/é",
        "http://x/\r\n",
    ],
)
def test_bad_endpoint_urls_are_one_line_errors(run, url):
    result = run("stats", "--endpoint", url)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --endpoint")


# --- 7, 8, 11: answers from a hostile server -----------------------------------------------------


def test_a_redirect_is_refused_not_followed_as_a_get():
    def redirect(handler):
        if handler.command == "POST":
            send(handler, 302, b"", "text/plain", Location="/elsewhere")
        else:
            send(
                handler,
                200,
                json.dumps(
                    {
                        "head": {"vars": ["s"]},
                        "results": {"bindings": [{"s": {"type": "uri", "value": "https://example.test/forged"}}]},
                    }
                ).encode(),
            )

    with http_server(redirect) as (url, seen), pytest.raises(EndpointError, match="redirected"):
        EndpointStore(url).select("SELECT ?s WHERE { ?s ?p ?o }")
    assert [method for method, *_ in seen] == ["POST"]


@pytest.mark.parametrize(
    "document, query",
    [
        ({"head": {"vars": "abc"}, "results": {"bindings": []}}, "SELECT ?s WHERE { ?s ?p ?o }"),
        ({"head": {}, "boolean": True}, "SELECT ?s WHERE { ?s ?p ?o }"),
        ({"head": {"vars": ["s"]}, "results": {"bindings": []}}, "ASK { ?s ?p ?o }"),
        (
            {"head": {"vars": ["s"]}, "results": {"bindings": [{"t": {"type": "uri", "value": "x:y"}}]}},
            "SELECT ?s WHERE { ?s ?p ?o }",
        ),
        ({"head": {"vars": ["s"]}, "results": {"bindings": {}}}, "SELECT ?s WHERE { ?s ?p ?o }"),
        ([], "SELECT ?s WHERE { ?s ?p ?o }"),
    ],
)
def test_answers_outside_the_results_format_are_refused(document, query):
    answer = json.dumps(document).encode()
    with http_server(lambda handler: send(handler, 200, answer)) as (url, _), pytest.raises(EndpointError):
        EndpointStore(url).select(query)


@pytest.mark.parametrize("cap", ["1", "0"])
def test_a_server_capping_at_one_row_while_sending_full_pages_ends(cap):
    """The server claims a cap but ignores LIMIT and OFFSET: paging must end with an error, not loop."""
    rows = [{"s": {"type": "uri", "value": f"https://example.test/{i}"}} for i in range(3)]
    count = count_answer(3)

    def answer(handler):
        query = urllib.parse.parse_qs(handler.request_body).get("query", [""])[0]
        if "chaingraph_rows" in query:
            send(handler, 200, json.dumps(count).encode())
        else:
            send(
                handler,
                200,
                json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": rows}}).encode(),
                **{"X_SPARQL_MaxRows": cap},
            )

    with http_server(answer) as (url, seen), pytest.raises(EndpointError, match="cut the answer"):
        EndpointStore(url, timeout=10).select("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(seen) < 10


# --- 22. the suite's leak check counts only what the suite started -------------------------------


def test_the_leak_check_ignores_a_serve_folder_of_someone_else(tmp_path_factory):
    import os
    import tempfile

    from . import conftest

    assert tempfile.gettempdir() == str(conftest._SUITE_TEMPORARY) == os.environ["TMPDIR"]
    elsewhere = tmp_path_factory.getbasetemp().parent.parent.parent / "chaingraph-serve-someone-else"
    assert not str(elsewhere).startswith(str(conftest._SUITE_TEMPORARY))
    elsewhere.mkdir(exist_ok=True)
    try:
        assert str(elsewhere) not in conftest._temporary_databases()
        mine = conftest._SUITE_TEMPORARY / "chaingraph-serve-mine"
        mine.mkdir()
        assert str(mine) in conftest._temporary_databases()
        mine.rmdir()
    finally:
        elsewhere.rmdir()


# --- 19. numbers no server or clock can take -----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["serve", "--port", "-1"],
        ["serve", "--port", "70000"],
        ["serve", "--query-timeout", "nan"],
        ["serve", "--query-timeout", "inf"],
        ["stats", "--timeout", "nan"],
        ["stats", "--timeout", "1e308"],
        ["query", "firms-in", "-p", "place=Ningde", "--limit", str(2**64)],
        ["query", "firms-in", "-p", "place=Ningde", "--offset", str(2**64)],
    ],
)
def test_numbers_out_of_range_are_usage_errors(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "syntax" not in result.output.lower()


# --- 6. answers outside the projection are count-checked too ----------------------------------


def _cutting_proxy(upstream: str, keep: int):
    """A server in front of ``upstream`` that silently keeps the first ``keep`` rows of every
    SELECT answer, as a server with an unannounced row cap does."""

    def answer(handler):
        request = urllib.request.Request(
            upstream,
            data=handler.request_body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": handler.headers["Accept"]},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body, kind = response.read(), response.headers.get("Content-Type", "")
        if "sparql-results+json" in kind:
            document = json.loads(body)
            if "results" in document:
                document["results"]["bindings"] = document["results"]["bindings"][:keep]
            body = json.dumps(document).encode()
        send(handler, 200, body, kind)

    return http_server(answer)


@pytest.mark.server
@pytest.mark.parametrize("named", [("firms-in", "place=Ningde"), ("suppliers-of", "firm=CATL")])
def test_a_silently_cut_answer_is_paged_to_the_whole_answer(run, oxigraph_endpoint, named):
    name, param = named
    direct = run("query", name, "-p", param, "--endpoint", oxigraph_endpoint, "--format", "json")
    assert direct.exit_code == 0, direct.stderr
    whole = json.loads(direct.stdout)["results"]["bindings"]
    assert len(whole) > 4
    with _cutting_proxy(oxigraph_endpoint, 4) as (url, _):
        cut = run("query", name, "-p", param, "--endpoint", url, "--format", "json")
    assert cut.exit_code == 0, cut.stderr
    rows = json.loads(cut.stdout)["results"]["bindings"]
    key = lambda row: json.dumps(row, sort_keys=True)  # noqa: E731
    assert sorted(map(key, rows)) == sorted(map(key, whole))


def test_a_cut_answer_that_cannot_be_paged_is_an_error():
    """The server cuts silently and ignores LIMIT and OFFSET: the rows cannot be completed."""
    rows = [{"s": {"type": "uri", "value": f"https://example.test/{i}"}} for i in range(3)]
    count = count_answer(5)

    def answer(handler):
        query = urllib.parse.parse_qs(handler.request_body).get("query", [""])[0]
        document = count if "chaingraph_rows" in query else {"head": {"vars": ["s"]}, "results": {"bindings": rows}}
        send(handler, 200, json.dumps(document).encode())

    with http_server(answer) as (url, seen), pytest.raises(EndpointError, match="of 5 rows"):
        EndpointStore(url, timeout=10).select("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(seen) < 10


# --- 16. nesting too deep is refused before parsing ----------------------------------------------


DEPTH = 100_000


@pytest.mark.parametrize(
    "text, update",
    [
        ("SELECT * WHERE " + "{" * DEPTH + "}" * DEPTH, False),
        ("SELECT * WHERE { FILTER(" + "(" * DEPTH + "1" + ")" * DEPTH + ") }", False),
        ("INSERT DATA " + "{" * DEPTH + "}" * DEPTH, True),
    ],
    ids=["groups", "parentheses", "update"],  # the test id reaches the environment of the processes
)
def test_sparql_nested_too_deep_is_refused_not_a_crash(tmp_path, text, update):
    query = tmp_path / "deep.rq"
    query.write_text(text, encoding="utf-8")
    extra = ["--update", "-o", str(tmp_path / "out.trig")] if update else []
    result = run_process("query", "-f", str(query), *extra, timeout=120)
    assert result.returncode == 2, (result.returncode, result.stderr[-300:])
    assert "nested deeper than 500" in result.stderr


def test_shapes_nested_too_deep_are_refused_not_a_crash(tmp_path):
    shapes = tmp_path / "deep.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . <https://example.test/S> sh:targetNode <https://example.test/a> ;"
        " sh:node " + "[ sh:node " * DEPTH + "[]" + " ]" * DEPTH + " .",
        encoding="utf-8",
    )
    for engine in ("fast", "pyshacl"):
        result = run_process("validate", "--shapes", str(shapes), "--engine", engine, timeout=120)
        assert result.returncode == 2, (result.returncode, result.stderr[-300:])
        assert "nested deeper than 500" in result.stderr


# --- 10. exports XML can hold; a self-loop strands no one ----------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_exports_are_valid_xml_whatever_the_labels(run, ttl, tmp_path, fmt):
    import xml.etree.ElementTree as ET

    data = ttl(
        'ex:foil a cg:Company ; rdfs:label "Foil\\u0001Co\\uFFFE"@en, "箔\\u0008业"@zh-Hans ; cg:locationUnknown true ;'
        " cg:supplierOf fj:catl .\n"
        'ex:tab a cg:Company ; rdfs:label "Tab\\tand\\nnewline"@en ; cg:locationUnknown true ; cg:supplierOf fj:catl .'
        "\n"
        'ex:cr a cg:Company ; rdfs:label "Carriage\\rreturn\\r\\nand CRLF"@en ; cg:locationUnknown true ;'
        " cg:supplierOf fj:catl ."
    )
    target = tmp_path / f"out.{fmt}"
    result = run("export", "--format", fmt, "--data", str(data), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    root = ET.parse(target).getroot()  # raises on invalid XML
    texts = {element.text for element in root.iter() if element.text}  # GraphML: data elements
    texts |= {value for element in root.iter() for value in element.attrib.values()}  # GEXF: attributes
    assert "Foil\ufffdCo\ufffd" in texts and "箔\ufffd业" in texts
    assert "Tab\tand\nnewline" in texts  # what XML can hold is kept exactly
    assert "Carriage\rreturn\r\nand CRLF" in texts  # a carriage return is no line feed
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2 and any("Foil" in line for line in warnings)


def test_a_firm_whose_only_edge_is_a_self_loop_strands_no_client(run, ttl):
    data = ttl('ex:loop a cg:Company ; rdfs:label "Loop Co"@en ; cg:locationUnknown true ; cg:supplierOf ex:loop .')
    result = run("impact", "Loop Co", "--data", str(data), "--format", "json")
    assert result.exit_code == 0, result.stderr
    [record] = json.loads(result.stdout)
    assert record["stranded"] == [] and record["stage_losses"] == [] and record["direct_clients"] == 0


# --- 12, 19. one deadline per exchange; malformed HTTP is a clear error ------------------------


@contextmanager
def raw_server(answer: Callable[[object], None]) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that reads a request and then runs ``answer(connection)``."""
    import socket

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(5)
                try:
                    connection.recv(65536)
                    answer(connection)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_headers_dripped_slowly_end_at_the_deadline():
    import time

    def drip(connection):
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        for _ in range(60):
            connection.sendall(b"X-Slow: 1\r\n")
            time.sleep(0.5)

    with raw_server(drip) as url:
        started = time.monotonic()
        with pytest.raises(EndpointError, match="did not answer within 2 s"):
            EndpointStore(url, timeout=2).select("SELECT ?s WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 6


@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n",
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"SOMETHING ELSE\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/sparql-results+json\r\n\r\nzz\r\n",
    ],
    ids=["101 headers", "a 70 KB header line", "a bad status line", "broken chunking"],
)
def test_malformed_http_is_a_one_line_error(reply):
    with raw_server(lambda connection: connection.sendall(reply)) as url, pytest.raises(EndpointError):
        EndpointStore(url, timeout=5).select("SELECT ?s WHERE { ?s ?p ?o }")


def test_http_0_9_is_refused_through_the_command_line(run):
    with raw_server(lambda connection: connection.sendall(b'{"head": {"vars": []}, "boolean": true}')) as url:
        result = run("query", "ASK { ?s ?p ?o }", "--endpoint", url, "--timeout", "5")
    assert result.exit_code == 2 and result.stderr.startswith("error: endpoint"), result.stderr


# --- 20. messages that say what is wrong -----------------------------------------------------------


def test_a_parameter_given_twice_is_refused(run):
    result = run("query", "suppliers-of", "-p", "firm=CATL", "-p", "firm=Skeqi")
    assert result.exit_code == 2
    assert "--param firm is given twice" in result.stderr


def test_a_store_folder_given_as_data_is_named(run, tmp_path):
    from chaingraph.projection.load import load_store

    folder = tmp_path / "s.store"
    load_store([], folder)
    result = run("stats", "--data", str(folder))
    assert result.exit_code == 2
    assert f"read it with --store {folder}" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le"])
def test_a_utf16_sheet_without_byte_order_mark_is_named_as_such(tmp_path, encoding):
    sheet = tmp_path / "r.csv"
    sheet.write_bytes("supplier,client\nA,B\n".encode(encoding))
    result = run_process("import", "--relations", str(sheet))
    assert result.returncode == 2
    assert "looks like UTF-16" in result.stderr


# --- 19. names the file system cannot take; a full device ------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "graphml", "-o", "{long}.graphml"],
        ["view", "ningde", "-o", "{long}.html"],
        ["view", "no-such-chain", "-o", "{long}.html"],
        ["query", "--update", "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }", "-o", "{long}.trig"],
    ],
    ids=["export", "view", "view of an unknown chain", "update"],
)
def test_a_file_name_too_long_is_named_before_any_work(tmp_path, args):
    long = str(tmp_path / ("n" * 300))
    result = run_process(*[a.replace("{long}", long) for a in args])
    assert result.returncode == 2, result.stderr
    assert "the file name is 30" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_standard_output_on_a_full_device_is_a_one_line_error():
    import os

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        result = subprocess_run(["stats", "--format", "csv"], stdout=full)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: cannot write the output: No space left on device"


def subprocess_run(args, **kwargs):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "chaingraph", *args], stderr=subprocess.PIPE, text=True, timeout=120, **kwargs
    )


# --- 15. a bounded answer -----------------------------------------------------------------------


def test_an_answer_past_max_rows_stops_there_with_a_message(run, store):
    from chaingraph.errors import InputError
    from chaingraph.queries.named import MAX_ROWS, RowWindow, run_query

    result = run("query", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "--max-rows", "1000", "--format", "csv")
    assert result.exit_code == 2
    assert "more than 1,000 rows" in result.stderr and "--max-rows" in result.stderr
    # the store reads one row past the bound and stops: the worker never holds the product
    assert len(store.select("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", max_rows=1001).rows) == 1001
    with pytest.raises(InputError, match="more than 10 rows"):
        run_query(store, "SELECT * WHERE { ?a ?b ?c }", rows=RowWindow(max_rows=10))
    assert f"default: {MAX_ROWS}" in " ".join(run("query", "--help").output.split())


def test_a_smaller_answer_is_whole(run, store):
    everything = len(store.select("SELECT * WHERE { ?a ?b ?c }").rows)
    result = run("query", "SELECT * WHERE { ?a ?b ?c }", "--max-rows", str(everything), "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["results"]["bindings"]) == everything


def test_an_endpoint_answer_past_max_rows_is_never_fetched(run, oxigraph_endpoint):
    """The server counts first; the rows are not sent."""
    result = run("query", "SELECT * WHERE { ?a ?b ?c }", "--max-rows", "50", "--endpoint", oxigraph_endpoint)
    assert result.exit_code == 2 and "more than 50 rows" in result.stderr


def test_an_endpoint_sending_more_than_the_answer_cap_is_stopped():
    huge = b'{"head": {"vars": ["s"]}, "results": {"bindings": [' + b'{"s": {"type": "uri", "value": "x:y"}},' * 5000

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.end_headers()
        for _ in range(200):
            handler.wfile.write(huge)

    with http_server(endless) as (url, _), pytest.raises(EndpointError, match="more than 100,000 bytes"):
        EndpointStore(url, timeout=20, max_answer_bytes=100_000).select("SELECT ?s WHERE { ?s ?p ?o }")


def test_two_firms_of_one_name_are_two_readable_rows(run, ttl):
    data = ttl(
        'ex:a a cg:Company ; rdfs:label "Foil Co"@en ; cg:locationUnknown true ; cg:supplierOf fj:catl .\n'
        'ex:b a cg:Company ; rdfs:label "Foil Co"@en ; cg:locationUnknown true ; cg:supplierOf fj:catl .'
    )
    for args in (["stats"], ["impact", "--all", "--top", "100"]):
        result = run(*args, "--data", str(data), "--format", "table")
        assert result.exit_code == 0, result.stderr
        assert "Foil Co (a)" in result.stdout and "Foil Co (b)" in result.stdout, result.stdout


def test_a_crashed_worker_is_named_by_its_signal():
    import os
    import signal

    from chaingraph._runtime.deadline import run_with_deadline
    from chaingraph.errors import QueryError

    def crash() -> None:
        import faulthandler

        # pytest's fault handler would print the worker's 40-line dump into the test log: the crash
        # is the test's own, and what it checks is the message the caller gets.
        faulthandler.disable()
        os.kill(os.getpid(), signal.SIGSEGV)

    with pytest.raises(QueryError, match="ended by SIGSEGV"):
        run_with_deadline(crash, 30)


@pytest.mark.server
def test_the_library_s_serve_prints_nothing(capfd):
    """The Oxigraph server's banner goes to a log beside its database, not to the caller's output."""
    from chaingraph.store import open_store
    from chaingraph.store.server import serve

    from .conftest import free_port

    with serve(open_store(), port=free_port()) as server:
        assert EndpointStore(server.query_url).ask("ASK { fj:catl a cg:Company }")
    out, err = capfd.readouterr()
    assert out == "" and err == ""
