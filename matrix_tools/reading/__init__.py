"""Reading: a submitted file -> ``Matrix``, every value traced to its cell.

preflight/sniff/partscan judge the bytes before any parser runs; grid reads raw cells with
Excel-absolute coordinates (python-calamine, openpyxl as fallback); locate finds tables, rows
and columns; normalise cleans text as people type it; header reads the header block once;
parse builds the Matrix (with what the catalogue has no place for: inserted columns, copied
rows, added sheets, formulas).
May import: model, catalogue, errors, limits, layout, resources, safety. Never writing/reports/cli.
"""
