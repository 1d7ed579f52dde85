"""Reports: results -> files a person or a program reads (text, JSON, Markdown, HTML, xlsx).
Renderers only render: analysis lives in the results. May import everything but cli/commands.
"""
