"""The api_sig signature (notes 3.1): md5 of sorted name+value pairs, the method and the secret."""

from __future__ import annotations

from collections.abc import Mapping
from hashlib import md5


def signature(params: Mapping[str, str], method: str, secret: str) -> str:
    """Sign wire-ready string values; leave the file and api_sig out of ``params``.

    ``method`` is empty for an authorization link.
    """
    text = "".join(name + params[name] for name in sorted(params)) + method + secret
    return md5(text.encode("utf-8")).hexdigest()
