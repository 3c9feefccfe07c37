"""The simulator engine: a local ipernity built from an API description, like moto for AWS.

It imports nothing generated: ``server.SimulatorEngine`` serves whichever ``Api`` its subclass
names, and ``ipernity_client.testing`` binds it to the generated one. The modules: ``server``
(HTTP), ``dispatch`` (call → reply), ``rules`` (the checks ipernity makes), ``state`` (the world),
``wire`` (bodies as ipernity writes them), ``faults`` and ``log``, and the handlers by area
(``auth``, ``uploads``, ``docs``, ``lists``, ``objects``, ``stateless``; the table in ``handlers``).
"""
