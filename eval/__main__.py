"""``python -m eval`` runs ``hoinghi eval``."""

import typer

from eval.cli import command

if __name__ == "__main__":
    typer.run(command)
