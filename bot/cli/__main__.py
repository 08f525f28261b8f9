"""``python -m bot.cli`` runs the same command line as ``xiehui``."""

from bot.cli.main import main

raise SystemExit(main())
