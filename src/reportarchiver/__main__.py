"""``python -m reportarchiver``: the same as the ``reportarchiver`` command."""

from .cli import main

main()
