"""PT Desk: charting for physical therapists who treat runners."""

__version__ = "0.1.0"
