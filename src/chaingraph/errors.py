"""The exceptions the library raises; the command line turns them into one-line messages."""

from __future__ import annotations

__all__ = ["ChainGraphError", "EndpointError", "InputError", "QueryError", "UnknownNameError", "first_line"]


def first_line(exc: BaseException, limit: int | None = None) -> str:
    """The first line of an exception's text (a JVM's or RocksDB's runs to many), cut at ``limit``
    characters, or the exception's type when it says nothing: what a one-line message quotes."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:limit]


class ChainGraphError(Exception):
    """An error the user can act on: bad input, an unknown name, an unreachable endpoint.

    ``exit_code`` follows the command-line contract: 2 for usage and input errors.
    """

    exit_code = 2


class InputError(ChainGraphError):
    """A file, argument or value that cannot be read or understood."""


class UnknownNameError(ChainGraphError):
    """A firm, place, chain or query name that matches nothing, or more than one thing."""

    def __init__(
        self, kind: str, name: str, suggestions: list[str], *, ambiguous: bool = False, known: list[str] | None = None
    ) -> None:
        what = "ambiguous" if ambiguous else "unknown"
        message = f"{what} {kind} {name!r}"
        if suggestions:
            label = "candidates" if ambiguous else "did you mean"
            message += f"; {label}: " + ", ".join(suggestions)
        elif known:
            message += "; the graph has: " + ", ".join(known)
        super().__init__(message)
        self.kind = kind
        self.name = name
        self.suggestions = suggestions


class EndpointError(ChainGraphError):
    """A SPARQL endpoint that is down, too slow, or answers with an error or garbage."""


class QueryError(ChainGraphError):
    """A SPARQL query that does not parse, or that is refused (an update without --update)."""
