"""``python -m matrix_tools`` runs the command line."""

from matrix_tools.cli import main

if __name__ == "__main__":
    main()
