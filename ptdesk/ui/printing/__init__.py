"""Printing handouts: PDFs made in the background, shown in an in-app preview, printed or saved."""
