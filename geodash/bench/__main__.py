"""Run the benchmark as ``python -m geodash.bench``."""

import sys

from geodash.bench.run import main

sys.exit(main())
