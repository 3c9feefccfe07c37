"""``python -m tests.codegen.released``: freeze spec/ as the released spec (at a release)."""

from __future__ import annotations

from ipernity_client._runtime import __version__

from . import HERE, SPEC, freeze

freeze(SPEC, HERE, __version__)
print(f"froze spec/ as released {__version__} in {HERE}")
