"""`python -m shim serve`."""

from shim.cli import main

raise SystemExit(main())
