"""Validation: from loaded cells to a validated :class:`~spasmlog.log.Log` (pandera's "backends" role).

The flow for each table: :mod:`~spasmlog.validation.headers` reads headers into canonical columns (with
unit conversion), :mod:`~spasmlog.validation.cells` parses cells into typed columns (unreadable cells are
problems, never missing values), :mod:`~spasmlog.validation.checks` runs the pandera model of the table
on every row at once (lazily, so every problem is found) and the plausibility checks, and
:mod:`~spasmlog.validation.problems` words each problem and moves each row with an error to the
quarantine with its original cells. Rows read = valid rows + quarantined rows, always.

:func:`validate_tables` validates tables in memory; :func:`spasmlog.validation.read.read_log` (public as
:func:`spasmlog.read_log`) reads files with :mod:`spasmlog.io` and validates them here.
"""

from spasmlog.validation.tables import Errors, build_log, validate_tables

__all__ = ["Errors", "build_log", "validate_tables"]
