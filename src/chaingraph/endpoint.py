"""The SPARQL 1.1 Protocol endpoint store; it lives in :mod:`chaingraph.store.endpoint`, and its
names stay importable from here."""

from __future__ import annotations

from .store.endpoint import TRUNCATION_HEADERS, EndpointStore, server_message

__all__ = ["TRUNCATION_HEADERS", "EndpointStore", "server_message"]
