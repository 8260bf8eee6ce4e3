"""`python -m shim serve`."""

from shim.main.cli import main

raise SystemExit(main())
