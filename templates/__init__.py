"""Shipped report templates (installed as matrix_tools.templates; see resources.py)."""
