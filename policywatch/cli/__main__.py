"""``python -m policywatch.cli``: the same as the ``policywatch`` command."""

from policywatch.cli.app import main

main()
