"""The same commands against a real SPARQL server, and endpoints that fail in every way."""

from __future__ import annotations

import http.server
import json
import signal
import socket
import threading
import time

import pytest

from ..conftest import free_port, run_process, start_serve

NAMED = [
    ("suppliers-of", ["-p", "firm=CATL", "-p", "hops=2"]),
    ("clients-of", ["-p", "firm=Skeqi", "-p", "hops=3"]),
    ("firms-in", ["-p", "place=Jinjiang"]),
    ("firms-in", ["-p", "place=Fujian"]),
    ("firms-in", ["-p", "place=宁德"]),
    ("chain-stages", ["-p", "chain=ningde-lithium-battery"]),
    ("figures", ["-p", "subject=CATL"]),
    ("provenance", ["-p", "supplier=Hifen", "-p", "client=CATL"]),
    ("single-sourced", []),
    ("chains", []),
]


def canonical(output: str) -> list:
    document = json.loads(output)
    rows = [json.dumps({k: v["value"] for k, v in b.items()}, sort_keys=True) for b in document["results"]["bindings"]]
    return sorted(rows)


def assert_named_query_agrees(run, endpoint: str, name: str, params: list[str]) -> None:
    """The named query answers the same rows (as a set) on ``endpoint`` and on the embedded store."""
    local = run("query", name, *params, "--format", "json")
    remote = run("query", name, *params, "--format", "json", "--endpoint", endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert canonical(remote.stdout) == canonical(local.stdout)
    assert canonical(local.stdout)


@pytest.mark.server
@pytest.mark.parametrize(("name", "params"), NAMED)
def test_named_queries_agree_with_the_embedded_store(run, oxigraph_endpoint, name, params):
    assert_named_query_agrees(run, oxigraph_endpoint, name, params)


@pytest.mark.server
@pytest.mark.parametrize("args", [[], ["--chain", "ningde"], ["--level", "stage"], ["--region", "Quanzhou"]])
def test_stats_agree_with_the_embedded_store(run, oxigraph_endpoint, args):
    local = json.loads(run("stats", "--format", "json", *args).stdout)
    remote_result = run("stats", "--format", "json", *args, "--endpoint", oxigraph_endpoint)
    assert remote_result.exit_code == 0, remote_result.stderr
    remote = json.loads(remote_result.stdout)
    assert remote == local


@pytest.mark.server
@pytest.mark.parametrize(
    "args",
    [
        ["impact", "CATL"],
        ["impact", "--remove", "region:Ningde"],
        ["impact", "--remove", "owner:CATL", "--remove", "stage:separators"],
        ["impact", "--all", "--by", "region"],
        ["gaps", "--chain", "ningde", "--region", "Ningde"],
        ["impact", "CATL", "--as-of", "2021"],
        ["stats", "--as-of", "2022-06", "--undated", "exclude"],
    ],
)
def test_impact_agrees_with_the_embedded_store(run, oxigraph_endpoint, args):
    local = json.loads(run(*args, "--format", "json").stdout)
    remote = json.loads(run(*args, "--format", "json", "--endpoint", oxigraph_endpoint).stdout)
    assert remote == local


@pytest.mark.server
def test_parameters_stay_terms_on_the_endpoint(run, oxigraph_endpoint):
    result = run(
        "query",
        "SELECT ?x WHERE { ?x rdfs:label ?name }",
        "-p",
        'name=CATL" } UNION { ?x ?p ?o } #',
        "--format",
        "json",
        "--endpoint",
        oxigraph_endpoint,
    )
    assert json.loads(result.stdout)["results"]["bindings"] == []


@pytest.mark.server
def test_update_is_refused_before_reaching_the_endpoint(run, oxigraph_endpoint):
    result = run("query", "DELETE WHERE { ?s ?p ?o }", "--endpoint", oxigraph_endpoint)
    assert result.exit_code == 2 and "read-only" in result.stderr
    assert (
        run("query", "ASK { fj:catl ?p ?o }", "--format", "json", "--endpoint", oxigraph_endpoint)
        .stdout.strip()
        .endswith("true}")
    )


@pytest.mark.server
def test_sparqlwrapper_reads_chaingraph_serve():
    import SPARQLWrapper as sparqlwrapper  # a test dependency: missing, the test fails

    process, port = start_serve()
    try:
        client = sparqlwrapper.SPARQLWrapper(f"http://127.0.0.1:{port}/query")
        client.setQuery(
            "PREFIX cg: <https://w3id.org/chaingraph/ontology#> "
            "SELECT ?s WHERE { ?s cg:supplierOf <https://w3id.org/chaingraph/fujian/catl> }"
        )
        client.setReturnFormat(sparqlwrapper.JSON)
        bindings = client.query().convert()["results"]["bindings"]
        assert "https://w3id.org/chaingraph/fujian/skeqi" in {b["s"]["value"] for b in bindings}
        # Read-only: an update is refused by the server.
        updater = sparqlwrapper.SPARQLWrapper(f"http://127.0.0.1:{port}/update")
        updater.setMethod(sparqlwrapper.POST)
        updater.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        import urllib.error

        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        # SPARQLWrapper raises its own class for the statuses it knows, the HTTP error for others.
        with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
            updater.query()
        client.setQuery("ASK { <urn:a> <urn:b> <urn:c> }")
        assert client.query().convert()["boolean"] is False  # and nothing was written
    finally:
        # Ctrl-C, which `serve` answers by stopping its Oxigraph server (a plain terminate would
        # leave the server running).
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


# --- endpoints that fail -----------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200
    body = b""
    content_type = "application/sparql-results+json"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_endpoint():
    servers = []

    def start(status: int, body: bytes, content_type: str = "application/sparql-results+json") -> str:
        handler = type("Handler", (_Handler,), {"status": status, "body": body, "content_type": content_type})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/sparql"

    yield start
    for server in servers:
        server.shutdown()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, b"internal error", "answered HTTP 500"),
        (404, b"no such endpoint", "answered HTTP 404"),
        (503, b"", "answered HTTP 503"),
        (200, b"<html>not sparql</html>", "not SPARQL JSON results"),
        (200, b'{"head": {"vars": ["x"]}, "results": 7}', "not SPARQL JSON results"),
        (400, b"Parse error", "rejected the query"),
        (200, b'{"boolean": null}', "not SPARQL JSON results"),
        (
            500,
            b"<!DOCTYPE HTML PUBLIC><html><head><title>500</title></head><body><p>Disk full</p></body></html>",
            "Disk full",
        ),
    ],
)
def test_failing_endpoint_gives_one_line_and_exit_2(fake_endpoint, status, body, message):
    url = fake_endpoint(status, body)
    result = run_process("stats", "--endpoint", url)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert "<" not in result.stderr


class _SilentlyCuttingHandler(_Handler):
    """Answers ASK with true, COUNTs with 1,000 and every other SELECT with two rows, no header."""

    def do_POST(self):
        import urllib.parse

        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        query = form["query"][0]
        if "chaingraph_rows" in query:
            body = {
                "head": {"vars": ["chaingraph_rows"]},
                "results": {
                    "bindings": [
                        {
                            "chaingraph_rows": {
                                "type": "literal",
                                "value": "1000",
                                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                            }
                        }
                    ]
                },
            }
        elif "ASK" in query:
            body = {"head": {}, "boolean": True}
        else:
            row = {"s": {"type": "uri", "value": "urn:a"}, "o": {"type": "uri", "value": "urn:b"}}
            body = {"head": {"vars": ["s", "o"]}, "results": {"bindings": [row, row]}}
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())


def test_a_server_that_cuts_answers_silently_fails_the_projection():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SilentlyCuttingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_process("stats", "--endpoint", f"http://127.0.0.1:{server.server_address[1]}/sparql")
    finally:
        server.shutdown()
    assert result.returncode == 2
    assert "returned 2 of 1000 rows" in result.stderr
    assert result.stdout == ""


def test_endpoint_down(run):
    result = run("query", "chains", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert result.exit_code == 2
    assert "unreachable" in result.stderr


def test_endpoint_that_hangs_times_out():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        started = time.monotonic()
        result = run_process("query", "chains", "--endpoint", f"http://127.0.0.1:{port}/q", "--timeout", "1")
        assert time.monotonic() - started < 30
        assert result.returncode == 2
        assert "did not answer within 1 s" in result.stderr
    finally:
        listener.close()


def test_endpoint_must_be_http(run):
    result = run("stats", "--endpoint", "file:///etc/passwd")
    assert result.exit_code == 2
    assert "not an http(s) URL" in result.stderr


class _TricklingHandler(_Handler):
    """Answers a byte at a time, never finishing within any reasonable timeout."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        try:
            for byte in b'{"head": {"vars": ["chain"]}, "results": {"bindings": []}}' * 100:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass


def test_timeout_is_a_total_limit_for_a_trickling_endpoint():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TricklingHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        result = run_process("query", "chains", "--endpoint", url, "--timeout", "2")
        assert time.monotonic() - started < 15
        assert result.returncode == 2, result.stderr
        assert "did not answer within 2 s" in result.stderr
    finally:
        server.shutdown()


@pytest.mark.server
def test_paging_and_counting_agree_with_the_embedded_store(run, oxigraph_endpoint):
    for args in (["--limit", "5", "--offset", "5", "--format", "csv"], ["--count"]):
        local = run("query", "firms-in", "-p", "place=Fujian", *args)
        remote = run("query", "firms-in", "-p", "place=Fujian", *args, "--endpoint", oxigraph_endpoint)
        assert remote.exit_code == 0, remote.stderr
        assert remote.stdout == local.stdout and local.stdout.strip()
