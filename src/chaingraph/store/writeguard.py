"""A thin HTTP proxy in front of a writable Oxigraph server: requests from other sites are refused.

``oxigraph serve`` accepts any request that reaches it: a web page on any site can make the
visitor's browser POST a form to ``http://127.0.0.1:7878/update`` (cross-site request forgery), and
a page whose host name is re-pointed at 127.0.0.1 reads and writes it as its own origin (DNS
rebinding). Oxigraph offers only ``--cors``, which opens more, not less. So a writable server
listens on a private loopback port and this proxy takes the address the user asked for, passing a
request on only when

- its ``Host`` header names the address the server was started on (``127.0.0.1:PORT``,
  ``localhost:PORT``, ``[::1]:PORT`` or the ``--host`` given): a rebound host name is refused;
- a request that can change data (any method but GET, HEAD and OPTIONS) comes from the same origin:
  an ``Origin`` header, when the browser sends one, is ``http://`` plus that same host, and a
  ``Sec-Fetch-Site`` header, when sent, is ``same-origin`` or ``none``.

Programs (curl, SPARQLWrapper, ``chaingraph --endpoint``) send neither header and pass. Refusals
are ``403 Forbidden`` with a one-line reason.
"""

from __future__ import annotations

import http.client
import http.server
import socket
import threading
from collections.abc import Iterable

__all__ = ["WriteGuard", "allowed_hosts", "refusal"]

#: Methods that only read; everything else may change the dataset.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Hop-by-hop headers (RFC 9110 section 7.6.1) are not passed on.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}
)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` header values a request may carry for a server bound to ``host:port``.

    >>> sorted(allowed_hosts("127.0.0.1", 7878))
    ['127.0.0.1:7878', '[::1]:7878', 'localhost:7878']
    """
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    every_address = shown in ("0.0.0.0", "[::]")  # noqa: S104 - compared with, not bound
    names = set(LOOPBACK_NAMES) if every_address else {*LOOPBACK_NAMES, shown}
    return frozenset(f"{name.lower()}:{port}" for name in names)


def refusal(method: str, headers: dict[str, str], hosts: Iterable[str], *, any_host: bool = False) -> str | None:
    """Why a request must not reach the server, or ``None`` when it may.

    ``headers`` maps lower-case header names to values. With ``any_host`` (a server bound to every
    address with ``--allow-remote-writes``) the ``Host`` header is not checked, but a write must
    still come from the origin the ``Host`` header names.

    >>> hosts = allowed_hosts("127.0.0.1", 7878)
    >>> refusal("POST", {"host": "127.0.0.1:7878", "origin": "http://evil.example"}, hosts)
    'a write from another site (Origin http://evil.example)'
    >>> refusal("POST", {"host": "127.0.0.1:7878"}, hosts) is None
    True
    """
    host = headers.get("host", "").strip().lower()
    if not any_host and host not in hosts:
        return f"Host {host or '(none)'} is not this server's address"
    if method.upper() in SAFE_METHODS:
        return None
    origin = headers.get("origin")
    if origin is not None and origin.strip().lower() not in (f"http://{host}", f"https://{host}"):
        return f"a write from another site (Origin {origin.strip()[:100]})"
    site = headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return f"a write from another site (Sec-Fetch-Site {site.strip()[:40]})"
    return None


class WriteGuard:
    """The proxy: listens on ``host:port`` and passes allowed requests to ``backend_port`` on
    127.0.0.1, in a thread of its own, until :meth:`close`."""

    def __init__(self, host: str, port: int, backend_port: int, *, any_host: bool = False) -> None:
        hosts = allowed_hosts(host, port)
        guard = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # the server's console stays quiet
                return

            def _handle(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                reason = refusal(self.command, headers, hosts, any_host=any_host)
                if reason is not None:
                    self._answer(403, f"refused: {reason}")
                elif "chunked" in headers.get("transfer-encoding", "").lower():
                    self._answer(411, "a chunked request body (send Content-Length)")
                else:
                    guard._forward(self, backend_port)

            def _answer(self, status: int, text: str) -> None:
                body = (text + "\n").encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

        family = socket.AF_INET6 if ":" in host else socket.AF_INET

        class Server(http.server.ThreadingHTTPServer):
            address_family = family
            daemon_threads = True

        self._server = Server((host.strip("[]"), port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="chaingraph-write-guard", daemon=True)
        self._thread.start()

    @staticmethod
    def _forward(handler: http.server.BaseHTTPRequestHandler, backend_port: int) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length > 0 else None
        headers = {name: value for name, value in handler.headers.items() if name.lower() not in HOP_BY_HOP}
        connection = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=None)
        try:
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            handler.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    handler.send_header(name, value)
            data = response.read()
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(data)
        except OSError:
            handler.send_error(502, "the Oxigraph server did not answer")
        finally:
            connection.close()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
