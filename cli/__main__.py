"""``python -m kolgraph.cli``."""

import sys

from kolgraph.cli import main

sys.exit(main())
