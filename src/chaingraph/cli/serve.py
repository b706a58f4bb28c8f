"""``chaingraph serve``: the graph as a SPARQL 1.1 endpoint."""

from __future__ import annotations

import sys

import click

from .._runtime.shutdown import Terminated
from .app import cli, stderr
from .options import Seconds, data_options

__all__ = ["serve"]


@cli.command(short_help="Serve the graph as a SPARQL 1.1 endpoint.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="Port to listen on.")
@click.option(
    "--writable",
    is_flag=True,
    help="Accept SPARQL Update (changes live in a temporary database), from this origin only.",
)
@click.option(
    "--allow-remote-writes",
    is_flag=True,
    help="Let a --writable server bind an address other machines reach.",
)
@click.option(
    "--query-timeout",
    type=Seconds(1),
    default=60,
    show_default=True,
    help="Seconds a query may run on the server.",
)
@data_options
def serve(host, port, writable, allow_remote_writes, query_timeout, data, no_bundled) -> None:
    """Serve the graph as a SPARQL 1.1 endpoint (Oxigraph server), read-only unless --writable.

    Point YASGUI, SPARQLWrapper or chaingraph --endpoint at http://HOST:PORT/query. The page at
    http://HOST:PORT/ is a query editor. Stop with Ctrl-C.

    \b
    Examples:
      chaingraph serve
      chaingraph serve --port 8000 --data my-firms.ttl
      chaingraph stats --endpoint http://127.0.0.1:7878/query
    """
    from ..store import open_store
    from ..store.server import check_bind
    from ..store.server import serve as serving

    check_bind(host, writable, allow_remote_writes)
    store = open_store(data, bundled=not no_bundled).local_dataset("serve")
    with serving(
        store,
        host=host,
        port=port,
        writable=writable,
        allow_remote_writes=allow_remote_writes,
        timeout=query_timeout,
    ) as server:
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
