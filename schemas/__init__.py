"""Shipped JSON Schemas and catalogues (installed as matrix_tools.schemas; see resources.py)."""
