"""Entry script of the PyInstaller bundle: the same `ptdesk` command line as the installed package."""

import multiprocessing
import sys

from ptdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless a library starts worker processes
    sys.exit(main())
