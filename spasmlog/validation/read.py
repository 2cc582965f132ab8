"""``read_log``: a log folder, workbook or table file to a validated :class:`~spasmlog.log.Log`.

A thin façade: :mod:`spasmlog.io` finds and loads the files, :mod:`spasmlog.validation` validates them (so
``io`` never imports ``validation``). Public as :func:`spasmlog.read_log`.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from spasmlog import _checks
from spasmlog.errors import LogValidationError
from spasmlog.io.sources import PROVENANCE_FILE, Skipped, discover, read_provenance
from spasmlog.log import PROBLEM_COLUMNS, PROVENANCE_COLUMNS, SKIPPED_COLUMNS, Log
from spasmlog.logformat.units import STANDARD_DRINK_G
from spasmlog.validation.tables import Errors, build_log

__all__ = ["read_log"]


def read_log(
    path: str | Path,
    *,
    errors: Errors = "raise",
    dayfirst: bool | None = None,
    drink_g: float = STANDARD_DRINK_G,
    encoding: str | None = None,
) -> Log:
    """Read and validate a spasm log.

    Parameters
    ----------
    path : str or Path
        A folder holding a person's tables (``daily.csv``, ``spasms.csv``, ``interventions.csv``,
        ``people.csv``; also ``.xlsx``, ``.parquet``, ``.jsonl``), a caseload folder (a sub-folder per
        person, or one workbook or table file per person, named after them: see
        :func:`spasmlog.io.sources.discover`), an XLSX workbook with one sheet per table, or a single table
        file. Files are recognised by name, else by their headers. What is not read (a backup copy, a PDF)
        is listed in ``Log.skipped``.
    errors : {"raise", "quarantine"}
        ``"raise"``: collect every problem, then raise :class:`~spasmlog.errors.LogValidationError`
        carrying them all in ``.problems``. ``"quarantine"``: return the valid rows and keep the others
        in ``Log.quarantine`` with their original cells, file, line and reasons.
    dayfirst : bool, optional
        Order of dates written like ``03/04/2026``. By default it is read off each column (a first
        number above 12 means day-first, a second above 12 month-first); dates the column leaves
        ambiguous are reported.
    drink_g : float
        Grams of ethanol in one standard drink, for headers such as ``Alcohol (drinks)``; 10 g as the
        WHO defines it.
    encoding : str, optional
        The encoding of every CSV file of the log (a name ``open()`` takes: ``"cp1251"``, ``"cp1250"``),
        instead of detecting each file's. Needed only when a warning says a file's encoding was a guess.

    Returns
    -------
    Log
        Validated tables ``daily``, ``spasms``, ``interventions``, ``people``, and ``problems``,
        ``quarantine``, ``conversions``, ``sources``, ``unknown_columns``. Rows read = valid rows +
        quarantined rows.

    Raises
    ------
    LogValidationError
        With ``errors="raise"``, when any row breaks a rule.
    LogReadError
        When a file cannot be read at all: missing path (:class:`~spasmlog.errors.LogNotFoundError`),
        unreadable text (:class:`~spasmlog.errors.EncodingError`), a file that is no known table
        (:class:`~spasmlog.errors.UnrecognisedTableError`), a required column missing
        (:class:`~spasmlog.errors.MissingColumnError`).

    Notes
    -----
    CSV files may be comma-, semicolon- or tab-separated, with a decimal point or comma, in UTF-8 (with
    or without BOM), UTF-16 with BOM, Windows-1252 or Windows-1251 (told apart by the words they give; when
    that is a guess, an :class:`~spasmlog.io.sources.EncodingGuessWarning` says so and ``encoding=``
    settles it). Dates may be ``YYYY-MM-DD``, Excel's re-saved
    ``1/27/2026``, or ``27/01/2026``; yes/no cells ``yes``/``no``, ``TRUE``/``FALSE``, ``1``/``0``;
    durations ``90``, ``1:30``, ``1m30s``, ``2 min``. Headers with units (``Water (L)``, ``Water (oz)``,
    ``water cups``, ``Magnesium (g)``, ``Sitting (min)``, ``Alcohol (drinks)``) are converted to the
    canonical unit and the conversion is listed in ``Log.conversions``. Blank rows are skipped and
    counted in ``Log.sources``. Headers, units, categories, yes/no and durations are also understood in
    German, French, Spanish, Italian and Dutch (:mod:`spasmlog.logformat.vocabulary`). Columns spasmlog
    does not know are kept, and listed in ``Log.unknown_columns`` with the closest known name. A CSV row with
    more cells than its header (a delimiter inside a cell without quotes) is set aside with all its cells (the
    extra ones under ``(extra cell 1)``, ...; rule ``too_many_cells``) and the rest of the file is read; a quote
    that is never closed would make the rest of the file one cell, so that file is refused (``LogReadError``).

    Examples
    --------
    >>> import spasmlog
    >>> log = spasmlog.read_log(spasmlog.samples.sample_path("messy"), errors="quarantine")
    >>> valid = sum(len(log.table(t)) for t in ("daily", "spasms", "interventions", "people"))
    >>> int(log.sources["rows_read"].sum()) == valid + len(log.quarantine)
    True
    """
    _checks.one_of(errors, "errors", "read_log", ("raise", "quarantine"))  # before any file is read
    skipped: list[Skipped] = []
    raws = discover(path, skipped=skipped, encoding=encoding)
    # every problem is collected first (the files not read among them), then raised together
    log = build_log(raws, errors="quarantine" if errors == "raise" else errors, dayfirst=dayfirst, drink_g=drink_g)
    log.provenance, renamed = _provenance(Path(path), set(log.person_ids))
    if len(renamed):
        log.problems = pd.concat([log.problems, renamed], ignore_index=True)
    if skipped:
        log.skipped = pd.DataFrame(
            {
                "file": [s.file for s in skipped],
                "kind": [s.kind for s in skipped],
                "person_id": [s.person_id for s in skipped],
                "severity": ["error" if s.kind == "duplicate_file" else "warning" for s in skipped],
                "reason": [s.reason for s in skipped],
            },
            columns=SKIPPED_COLUMNS,
        )
        notes = pd.DataFrame(
            {
                "table": "",
                "file": log.skipped["file"],
                "line": None,
                "column": None,
                "field": None,
                "value": None,
                "rule": log.skipped["kind"].map(lambda kind: kind if kind == "duplicate_file" else "not_read"),
                "message": log.skipped["reason"],
                "severity": log.skipped["severity"],
            }
        )
        log.problems = pd.concat([notes, log.problems], ignore_index=True)
    if errors == "raise" and (log.problems["severity"] == "error").any():
        raise LogValidationError.from_problems(log.problems)
    return log


def _provenance(root: Path, persons: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The provenance tables of a log folder and of its per-person sub-folders, as one table, and a warning for
    each that was read as its folder's person.

    A renamed or copied folder (``kim`` to ``kim2``) has a provenance table naming the person it had: when it
    names one person throughout, who is not among ``persons`` (the people of the log) while the folder's
    person is, its rows are the folder's person's, as for the folder's other tables
    (:func:`spasmlog.io.sources.discover`).
    """
    empty = pd.DataFrame(columns=PROVENANCE_COLUMNS), pd.DataFrame(columns=PROBLEM_COLUMNS)
    if not root.is_dir():
        return empty
    folders = [(root, unicodedata.normalize("NFC", root.resolve().name))]
    folders += [
        (sub, unicodedata.normalize("NFC", sub.name))
        for sub in sorted(root.iterdir())
        if sub.is_dir() and not sub.name.startswith((".", "_"))
    ]
    tables, warnings = [], []
    for folder, person in folders:
        table = read_provenance(folder, person)
        if table is None:
            continue
        named = set(table["person_id"].astype("str").str.strip().str.normalize("NFC"))
        if len(named) == 1 and person in persons and (other := named.pop()) not in persons:
            table["person_id"] = person
            warnings.append(
                {
                    "table": "",
                    "file": str(folder / PROVENANCE_FILE),
                    "line": None,
                    "column": "person_id",
                    "field": "person_id",
                    "value": other,
                    "rule": "person_from_folder",
                    "message": f"{PROVENANCE_FILE} names person '{other}', but its folder is '{person}': its rows are "
                    f"read as {person}'s. A renamed or copied folder? Write {person} in its person_id column to "
                    "silence this warning.",
                    "severity": "warning",
                }
            )
        tables.append(table)
    if not tables:
        return empty
    provenance = pd.concat(tables, ignore_index=True).reindex(columns=PROVENANCE_COLUMNS)
    return provenance, pd.DataFrame(warnings, columns=PROBLEM_COLUMNS)
