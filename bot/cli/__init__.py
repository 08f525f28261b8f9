"""The ``xiehui`` command line: ``main`` wires each capability's subcommands (one module each)."""
