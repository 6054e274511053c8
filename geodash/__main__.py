"""Run the command line as ``python -m geodash``."""

import sys

from geodash.cli import main

sys.exit(main())
