"""``python -m ivrd`` is the ``ivrd`` command."""

from ivrd.cli.main import main

main()
