"""The validation rules, one module per family; each ``check_*`` yields findings and never raises
for bad data."""
