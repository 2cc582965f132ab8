"""The version of spasmlog, in one place (the root package and the report's footer read it from here)."""

__version__ = "0.1.0"
