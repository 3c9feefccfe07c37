"""One module per service; the client imports each on first use."""
