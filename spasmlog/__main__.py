"""``python -m spasmlog``: the same as the ``spasmlog`` command."""

import sys

try:
    from spasmlog.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python is still loading: nothing has been done yet
    print("Interrupted; nothing was changed.", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
