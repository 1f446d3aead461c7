"""`python -m protocols.cli`: the `revops` command."""

from protocols.cli.app import main

main()
