"""``python -m netzwerker``: the same as the ``netzwerker`` command."""

from netzwerker.cli import main

main()
