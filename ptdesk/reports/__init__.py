"""PDF handouts and reports drawn with reportlab (DTO in, PDF out)."""
