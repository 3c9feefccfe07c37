"""The simulator engine: a local ipernity built from an API description, like moto for AWS.

It imports nothing generated: ``server.SimulatorEngine`` serves whichever ``Api`` its subclass
names, and ``ipernity_client.testing`` binds it to the generated one. The modules: ``server``
(HTTP), ``dispatch`` (call → reply), ``rules`` (the checks ipernity makes), ``state`` (the world)
and ``world`` (a small one to start from), ``reply`` (replies built through the spec's response
model) and ``facts`` (what the state says of each object), ``paging`` (pages and list filters),
``wire`` (bodies as ipernity writes them), ``faults``, ``log`` and ``media`` (the files behind
the URLs), and the handlers by area (``auth``, ``oauth``, ``uploads``, ``docs``, ``tags``,
``talk``, ``albums``, ``groups``, ``people``, ``posts``, ``search``, ``reflection``,
``stateless``; the table in ``handlers``).
"""
