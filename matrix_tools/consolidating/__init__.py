"""Consolidating: many Matrices -> one pandas DataFrame (long table, wide and coverage views).
May import: the top-level modules and reading. Never writing/reports/cli.
"""
