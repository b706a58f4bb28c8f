"""Identifiers that decide whether two records are one firm: equal ones merge, different ones block.

China's unified social credit code (18 characters, its check character verified) and the LEI (ISO
17442, its check digits verified), both by python-stdnum; an exchange code with its exchange
(``300750.SZ``). Anything else is kept as written, upper case, so two equal codes still match.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import InputError

__all__ = ["identifier_key"]

_LISTED = re.compile(r"^([0-9]{4,6}|[A-Z]{1,5})\.(SZ|SH|SS|BJ|HK)$")


def identifier_key(text: str, where: str = "") -> str:
    """The identifier ``text`` as one comparable key (``uscc:…``, ``lei:…``, ``listed:…``, or the
    text itself), or :class:`InputError` naming ``where`` for a code whose check fails.

    >>> identifier_key("91350900587527783P")
    'uscc:91350900587527783P'
    >>> identifier_key("300750.sz")
    'listed:300750.SZ'
    """
    from stdnum import lei
    from stdnum.cn import uscc

    value = unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")
    if not value:
        return ""
    if len(value) == 18 and re.fullmatch(r"[0-9A-Z]{18}", value):
        if uscc.is_valid(value):
            return f"uscc:{value}"
        if not re.fullmatch(r"[0-9A-Z]{18}", value) or value[:2].isdigit():
            raise InputError(f"{where}identifier {text!r}: not a valid unified social credit code (check character)")
    if len(value) == 20 and re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", value):
        if lei.is_valid(value):
            return f"lei:{value}"
        raise InputError(f"{where}identifier {text!r}: not a valid LEI (check digits)")
    if _LISTED.match(value):
        return f"listed:{value}"
    return value
