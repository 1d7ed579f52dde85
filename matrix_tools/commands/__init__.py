"""One module per command of the CLI; each defines ``command`` (a click command)."""
