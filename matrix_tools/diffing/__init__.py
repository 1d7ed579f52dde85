"""Diffing: two Matrices -> a DiffResult (engine fills result; transitions name mark changes,
worddiff shows text edits, consultation picks what to raise with the State). Pure.
May import: the top-level modules and reading. Never writing/reports/cli.
"""
