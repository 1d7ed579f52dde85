"""Writing: matrix workbooks (workbook, template, layout of generated sheets), xlsx formats and
print set-up in one place (xlsx), and atomic output files (output).
May import: the top-level modules. Never reports/cli.
"""
