"""The ``ipernity`` command line, written by hand and handed the API it runs on.

The generated ``ipernity_client.cli`` binds it: it passes the API description, the client and
simulator classes (as loaders, so ``ipernity methods`` and tab completion import neither
requests nor the simulator) and each method's help text. Nothing here imports generated code.
"""

from .app import run
from .binding import Binding

__all__ = ["Binding", "run"]
