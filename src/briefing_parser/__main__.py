"""`python -m briefing_parser` runs the command line."""

from .cli import main

raise SystemExit(main())
