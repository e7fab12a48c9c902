"""``sim serve``: the app in browsers, one process per connection (textual-serve).

- :mod:`sim.serve.launch`  what each connection runs: always ``python -m sim ...`` with
  this interpreter, as an argument list (no shell), in a folder of its own.
- :mod:`sim.serve.server`  the web server: textual-serve's page and static files, our
  websocket handler (checks where a connection comes from, validates every message,
  bounds the child's life) and a clean start and stop.
- :mod:`sim.serve.testing` a client that speaks the same websocket protocol as the
  browser page and keeps the screen it would show, with process measurements; for
  tests and ``bench/serve_load.py`` (needs the ``test`` extra for pyte).
"""
