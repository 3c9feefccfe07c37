"""The ipernity client generator: spec/ (YAML) in; the package's generated modules and docs out.

loader (+ yamlfile, checks, problems) reads spec/ into the typed model (model, naming);
outputs renders it with the templates (environment, docstrings) and lets ruff lay it out
(formatting); writer writes it and removes stale files; drift compares it with what is on disk.
"""
