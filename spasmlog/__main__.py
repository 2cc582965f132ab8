"""``python -m spasmlog``: the same as the ``spasmlog`` command."""

import sys

from spasmlog.cli import main

sys.exit(main())
