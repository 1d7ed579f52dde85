"""Validation: Matrix -> findings. engine runs the rules (``rules/``), config says which and how
severe, findings holds the finding types. Pure: no files are written here.
May import: the top-level modules and reading. Never writing/reports/cli.
"""
