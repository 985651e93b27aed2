"""Printers: plain text (``str``), LaTeX and Python/NumPy source, one module per format."""
