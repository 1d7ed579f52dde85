"""The local web page (``matrix-tools serve``): Compare, Check, Merge, Resolve and Registry in a
browser, served on 127.0.0.1 only, for experts who do not use a terminal.

The page is as thin as the command line: form fields -> one library call (the same as the
CLI's) -> a renderer -> an HTTP status. It may import every stage below the command line
(reading, validation, diffing, merging, reports, writing, batching for isolated reading), and
is imported only by ``commands/serve.py`` (Flask and waitress stay off every other command's
start-up path).

- ``app``: the Flask application factory and its routes.
- ``security``: Host check (DNS rebinding), CSRF token and Origin check, response headers,
  safe download names.
- ``uploads``: uploads into a private temporary folder, read in isolated child processes.
- ``jobs``: the Compare, Check and Merge jobs: library call, reports to download.
- ``store``: results kept in memory for download for a while (nothing on disk).
- ``registry_pages``: Resolve and Registry, against a small interface (issue 15).
- ``server``: waitress on 127.0.0.1, the browser opened, Ctrl+C.
"""
