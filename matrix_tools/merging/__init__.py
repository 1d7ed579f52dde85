"""Merging: base, experts' copy and State's return -> merged Matrix + conflicts. Pure.
May import: the top-level modules, reading and diffing. Never writing/reports/cli.
"""
