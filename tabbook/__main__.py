"""``python -m tabbook``: the command line (:mod:`tabbook.cli`)."""

import sys

from .cli import main

sys.exit(main())
