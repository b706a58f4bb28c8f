"""serve: a busy port is said before serving."""

from __future__ import annotations

from ..conftest import assert_clean_failure, run_process


def test_serve_on_a_busy_port_says_so_before_serving():
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = run_process("serve", "--port", str(port), timeout=60)
    assert_clean_failure(result, f"--port {port}: cannot listen on 127.0.0.1:{port}")
    assert "serving" not in result.stderr
