"""`python -m cheminement` runs the command line, like the `cheminement` script."""

from .cli import main

main()
