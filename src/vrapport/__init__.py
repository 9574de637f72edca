"""vrapport: department Excel workbooks in, the board's monthly virksomhetsrapport out."""

__version__ = "0.1.0"
