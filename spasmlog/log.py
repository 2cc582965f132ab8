"""The :class:`Log`: a person's (or a caseload's) validated tables, with what was found wrong on the way in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from spasmlog import _checks
from spasmlog.logformat.schemas import TABLES, TABLES_READ, field_specs

__all__ = [
    "CONVERSION_COLUMNS",
    "PROBLEM_COLUMNS",
    "PROVENANCE_COLUMNS",
    "QUARANTINE_COLUMNS",
    "SKIPPED_COLUMNS",
    "SOURCE_COLUMNS",
    "UNKNOWN_COLUMNS",
    "Log",
    "empty_table",
]

PROBLEM_COLUMNS = ["table", "file", "line", "column", "field", "value", "rule", "message", "severity"]
"""Columns of :attr:`Log.problems`.

``file`` and ``line`` point where the person looks: the row number their spreadsheet shows (the header is
row 1), or the line of a JSON Lines file. ``column`` is the header as written in the file, ``field`` the
canonical column it was read into, ``value`` the cell exactly as written. ``severity`` is ``error`` (the
row is quarantined) or ``warning`` (the row is kept; something deserves a look).
"""

QUARANTINE_COLUMNS = ["table", "file", "line", "reasons"]
"""Leading columns of :attr:`Log.quarantine`; the row's original cells follow under their original headers
(a header of the person's own that is one of these names gets `` (in file)`` added), and the cells of a CSV row
beyond its header's under ``(extra cell 1)``, ``(extra cell 2)``, ..."""

CONVERSION_COLUMNS = ["table", "file", "column", "field", "from_unit", "to_unit", "factor", "note"]
"""Columns of :attr:`Log.conversions`: every header read into a canonical column, and the factor applied."""

PROVENANCE_COLUMNS = ["person_id", "date", "column", "source", "file", "detail"]
"""Columns of :attr:`Log.provenance`: which app export and file each imported ``daily`` value came from."""

UNKNOWN_COLUMNS = ["table", "file", "column", "suggestion", "note"]
"""Columns of :attr:`Log.unknown_columns`: every header not read into a canonical column (kept as an extra
column), the canonical column whose name or alias is closest to it (empty when none is close), and why a
header that names a column was not read into it (``note``, else empty)."""

SOURCE_COLUMNS = ["table", "file", "person_id", "rows_read", "rows_valid", "rows_quarantined", "blank_rows"]
"""Columns of :attr:`Log.sources`: one row per file (or workbook sheet) read."""

SKIPPED_COLUMNS = ["file", "kind", "person_id", "severity", "reason"]
"""Columns of :attr:`Log.skipped`: each file or folder under the path read that was not read, and why.

``kind`` is one of :data:`spasmlog.io.sources.SKIPPED_KINDS`; ``person_id`` the person whose folder held it
(``""`` at the top of a caseload); ``severity`` ``error`` for a duplicate file (a backup copy beside its
original), else ``warning``.
"""


def empty_table(table: str) -> pd.DataFrame:
    """An empty table with the required columns of ``table`` in their validated dtypes.

    Examples
    --------
    >>> list(empty_table("daily").columns)
    ['person_id', 'date']
    """
    specs = field_specs(table)
    return pd.DataFrame({name: pd.Series(dtype=s.dtype) for name, s in specs.items() if s.required})


def _frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


@dataclass
class Log:
    """Validated tables of one person, a caseload or a cohort.

    Every table has a ``person_id`` column. Rows that broke a rule are not in the tables but in
    :attr:`quarantine`, with the reasons; every problem, including warnings about kept rows, is in
    :attr:`problems`. Rows read = rows in the tables + rows in :attr:`quarantine`.

    Attributes
    ----------
    daily, spasms, interventions, people : pandas.DataFrame
        The valid rows, canonical columns first (typed as the log format says), then any columns
        spasmlog does not know, kept as they were (numbers and yes/no columns typed, the rest text).
    experiments : pandas.DataFrame
        The plans of personal experiments (``experiments.csv``, written by ``spasmlog plan``), one row per
        period, validated like the other tables (:class:`spasmlog.logformat.models.Experiments`).
    problems : pandas.DataFrame
        One row per problem; columns :data:`PROBLEM_COLUMNS`.
    quarantine : pandas.DataFrame
        The rows kept aside, with their original cell text; columns :data:`QUARANTINE_COLUMNS` then the
        original headers.
    conversions : pandas.DataFrame
        Headers read into canonical columns and the unit conversion applied; columns
        :data:`CONVERSION_COLUMNS`.
    sources : pandas.DataFrame
        One row per file or sheet read; columns :data:`SOURCE_COLUMNS`.
    unknown_columns : pandas.DataFrame
        Headers spasmlog did not understand (their columns are kept as extra columns), with the closest
        canonical column as ``suggestion``; columns :data:`UNKNOWN_COLUMNS`.
    provenance : pandas.DataFrame
        Which app export and file each imported ``daily`` value came from (``provenance.csv``, written
        by ``spasmlog import``); columns :data:`PROVENANCE_COLUMNS`. Values without a row here are the
        person's own entries.
    skipped : pandas.DataFrame
        Files and folders under the path read that were not read (a backup copy, a PDF, a folder below a
        person's folder), with the reason; columns :data:`SKIPPED_COLUMNS`. Each is also in :attr:`problems`
        (rule ``not_read``, or ``duplicate_file`` as an error).
    origins : dict of pandas.DataFrame
        For each table read from files, where each valid row came from: ``file`` and ``line``, aligned
        with the table's rows.
    """

    daily: pd.DataFrame = field(default_factory=lambda: empty_table("daily"))
    spasms: pd.DataFrame = field(default_factory=lambda: empty_table("spasms"))
    interventions: pd.DataFrame = field(default_factory=lambda: empty_table("interventions"))
    people: pd.DataFrame = field(default_factory=lambda: empty_table("people"))
    experiments: pd.DataFrame = field(default_factory=lambda: empty_table("experiments"))
    problems: pd.DataFrame = field(default_factory=lambda: _frame(PROBLEM_COLUMNS))
    quarantine: pd.DataFrame = field(default_factory=lambda: _frame(QUARANTINE_COLUMNS))
    conversions: pd.DataFrame = field(default_factory=lambda: _frame(CONVERSION_COLUMNS))
    sources: pd.DataFrame = field(default_factory=lambda: _frame(SOURCE_COLUMNS))
    unknown_columns: pd.DataFrame = field(default_factory=lambda: _frame(UNKNOWN_COLUMNS))
    provenance: pd.DataFrame = field(default_factory=lambda: _frame(PROVENANCE_COLUMNS))
    skipped: pd.DataFrame = field(default_factory=lambda: _frame(SKIPPED_COLUMNS))
    origins: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> pd.DataFrame:
        """The validated table called ``name`` (``daily``, ``spasms``, ``interventions``, ``people`` or
        ``experiments``)."""
        _checks.one_of(name, "name", "Log.table", TABLES_READ)
        frame: pd.DataFrame = getattr(self, name)
        return frame

    @property
    def person_ids(self) -> list[str]:
        """Every person that appears in any table, sorted."""
        ids: set[str] = set()
        for name in TABLES:
            ids.update(self.table(name)["person_id"].dropna().unique().tolist())
        return sorted(ids)

    @property
    def has_spasm_data(self) -> bool:
        """Whether the valid rows hold any spasm: an event, or a daily ``spasm_count`` (0 counts: a day logged as
        spasm-free). Without it there is nothing to relate the factors to.

        Examples
        --------
        >>> Log().has_spasm_data
        False
        """
        return len(self.spasms) > 0 or ("spasm_count" in self.daily and bool(self.daily["spasm_count"].notna().any()))

    @property
    def errors(self) -> pd.DataFrame:
        """The problems that put a row in quarantine (``severity == "error"``)."""
        return self.problems[self.problems["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        """The problems that kept their row (``severity == "warning"``)."""
        return self.problems[self.problems["severity"] == "warning"]

    def write(
        self, path: str | Path, *, format: Literal["csv", "xlsx", "parquet"] = "csv", overwrite: bool = False
    ) -> Path:
        """Write the valid tables to a folder (``csv``, ``parquet``) or one workbook (``xlsx``).

        Reading what was written gives equal tables, extra columns included. Empty tables are not written.
        A folder that already holds log tables is refused unless ``overwrite=True`` (which replaces the
        files written and leaves other files alone). Each file is written atomically (beside its target,
        then renamed). Text cells a spreadsheet would run as a formula (``=1+1``, ``@home``) are written with
        a quote in front (:func:`spasmlog.io.cells.neutralise`; workbook cells are always text, never
        formulas) and read back without it. Returns the folder or workbook written.

        Examples
        --------
        >>> import tempfile, spasmlog
        >>> log = spasmlog.load_sample("alex")
        >>> folder = log.write(tempfile.mkdtemp())
        >>> spasmlog.read_log(folder).daily.equals(log.daily)
        True
        """
        from spasmlog.io.write import write_log

        return write_log(self, Path(path), format=format, overwrite=overwrite)

    def summary(self) -> pd.DataFrame:
        """The data-quality summary per table: rows read, valid and quarantined, blank rows, files, people, span.

        The one summary of what was read: ``spasmlog validate`` prints it (and lists it in its JSON), the
        report's data-quality section shows it.

        Returns
        -------
        pandas.DataFrame
            One row per table (``daily``, ``spasms``, ``interventions``, ``people``, and ``experiments`` when the
            log has one), columns ``table``,
            ``rows_read``, ``rows_valid``, ``rows_quarantined``, ``blank_rows`` (blank lines skipped),
            ``files`` (the files the table was read from, sorted), ``people`` (distinct ``person_id`` among
            the valid rows) and ``first``, ``last`` (the span of their dates, to the last period's end for
            ``experiments``; NaT without rows).

        Notes
        -----
        A table read from files is counted from :attr:`sources`: the files as read, even when the tables
        were later cut to a period (the report of ``--from``/``--to``). A table not read from files (a
        :class:`Log` made in Python) is counted from its rows and :attr:`quarantine`.

        Examples
        --------
        >>> import spasmlog
        >>> log = spasmlog.read_log(spasmlog.samples.sample_path("messy"), errors="quarantine")
        >>> log.summary().set_index("table").loc["daily", ["rows_read", "rows_valid", "rows_quarantined"]].tolist()
        [30, 20, 10]
        """
        counted = ["rows_read", "rows_valid", "rows_quarantined", "blank_rows"]
        sources = self.sources
        read = sources.groupby("table", sort=False)[counted].sum() if len(sources) else pd.DataFrame(columns=counted)
        files: dict[str, list[str]] = {
            str(name): sorted(set(map(str, group))) for name, group in sources.groupby("table", sort=False)["file"]
        }
        rows = []
        planned = len(self.experiments) or "experiments" in read.index
        for name in TABLES_READ if planned else TABLES:
            frame = self.table(name)
            dates = frame["date"] if "date" in frame else frame.get("start")
            ends = frame["end"] if name == "experiments" and "end" in frame else dates  # a plan runs to its end
            if name in read.index:
                counts = {column: int(read.at[name, column]) for column in counted}  # type: ignore[arg-type]
            else:
                quarantined = int((self.quarantine["table"] == name).sum()) if len(self.quarantine) else 0
                counts = {
                    "rows_read": len(frame) + quarantined,
                    "rows_valid": len(frame),
                    "rows_quarantined": quarantined,
                    "blank_rows": 0,
                }
            rows.append(
                {
                    "table": name,
                    **counts,
                    "files": files.get(name, []),
                    "people": frame["person_id"].nunique(),
                    "first": dates.min() if dates is not None and len(frame) else pd.NaT,
                    "last": ends.max() if ends is not None and len(frame) else pd.NaT,
                }
            )
        return pd.DataFrame(rows)

    def imported(self) -> pd.DataFrame:
        """The imported values (:attr:`provenance`) per app export and file: how many, which columns, which days.

        Returns
        -------
        pandas.DataFrame
            One row per ``source`` and ``file``, sorted by both: ``source``, ``file``, ``values``, ``columns``
            (the columns filled, ``, ``-separated and sorted), ``first`` and ``last`` (the days).

        Examples
        --------
        >>> Log().imported().columns.tolist()
        ['source', 'file', 'values', 'columns', 'first', 'last']
        """
        columns = ["source", "file", "values", "columns", "first", "last"]
        provenance = self.provenance
        if not len(provenance):
            return pd.DataFrame(columns=columns)
        rows = []
        for (source, file), group in provenance.groupby(["source", "file"], sort=True):
            dates = pd.to_datetime(group["date"], errors="coerce")
            rows.append(
                [source, file, len(group), ", ".join(sorted(set(map(str, group["column"])))), dates.min(), dates.max()]
            )
        return pd.DataFrame(rows, columns=columns)

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(self.table(name))}" for name in TABLES)
        errors = int((self.problems["severity"] == "error").sum()) if len(self.problems) else 0
        return (
            f"<Log {len(self.person_ids)} person(s): {counts}; {errors} problem(s), {len(self.quarantine)} quarantined>"
        )
