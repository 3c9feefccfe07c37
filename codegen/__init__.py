"""The ipernity client generator: spec/ (YAML) in, generated/ (Python package, docs) out."""
