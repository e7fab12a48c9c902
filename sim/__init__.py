"""A text-based diplomatic scenario simulator grounded in its source articles."""

__version__ = "0.1.0"
