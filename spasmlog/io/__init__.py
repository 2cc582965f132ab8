"""Reading log files (CSV dialects, XLSX, Parquet, JSON Lines) and writing them back.

Files only: nothing here validates (:func:`spasmlog.read_log`, in :mod:`spasmlog.validation.read`, reads
with this package and validates with :mod:`spasmlog.validation`).
"""

from typing import TYPE_CHECKING

from spasmlog._lazy import attach

if TYPE_CHECKING:  # the real imports, for type checkers; at run time each name is imported on first use
    from spasmlog.io.write import write_log

__all__ = ["write_log"]

_MODULES: dict[str, str] = {
    "write_log": "spasmlog.io.write",
}
"""Each public name → the module that defines it, imported on first use (one place to update when code moves)."""

if not TYPE_CHECKING:  # hidden from type checkers: with it, any misspelt attribute would pass as Any
    __getattr__, __dir__ = attach(__name__, _MODULES)
