"""`python -m ptdesk` is the same as the `ptdesk` command."""

import sys

from ptdesk.cli import main

sys.exit(main())
