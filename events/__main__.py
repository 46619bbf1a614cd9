"""`python -m events` is the command line."""

from .cli import main

raise SystemExit(main())
