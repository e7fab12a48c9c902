"""``python -m sim`` works the same as ``sim``."""

from sim.cli.main import main

raise SystemExit(main())
