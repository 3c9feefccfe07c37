"""The runtime every generated binding runs on: one operation model, three codecs.

Written by hand and imported by the generated modules, never the other way round: what it
needs of the API (operations, errors, service facts) it is handed as an ``api.Api``.
"""

__version__ = "0.1.0"
