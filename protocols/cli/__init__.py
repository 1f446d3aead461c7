"""The `revops` command line (app.py), one module per command group; `python -m protocols.cli`."""
