"""Share a log without exposing anyone: a de-identified copy (a *bundle*) and, apart from it, the key.

:func:`share` reads a log and writes a bundle: a folder of log tables that :func:`spasmlog.read_log`, the
analyses and the report accept, and a ``manifest.json`` saying what was changed. What the bundle does:

- **person ids** become pseudonyms drawn at random (:mod:`secrets`; never a hash of anything), so the same
  log shared twice gets different pseudonyms, unless the owner reuses a key on purpose (``key=``);
- **dates** move. ``mode="shifted"`` (the default) moves every date of a person (days, spasm start
  times, intervention starts and ends) by the same random number of whole weeks, so weekdays, gaps and
  lags stay as they were and the within-person analyses give the same results. The shift is backwards,
  far enough that every shifted date lies before the first date of the original log (no shifted date is a
  real date of anyone in it), plus up to :data:`EXTRA_WEEKS` weeks drawn at random.
  ``mode="safe-harbor"`` follows the date rule of HIPAA's Safe Harbor method (45 CFR 164.514(b)(2)): no
  element of a date but the year. Each person's first logged day becomes :data:`SAFE_HARBOR_EPOCH`
  (study day 1), the next day study day 2, and so on: the dates in the bundle are synthetic and only say
  the study day (``date - 1901-01-01 + 1``); the year the person's log began is kept as ``start_year`` in
  the ``people`` table. The times of day of spasms are kept in both modes.
- **ages**: the birth year is removed; ``people.age_band`` gives the age in ten-year bands (``30-39``),
  all ages over 89 as ``90+`` (Safe Harbor's age rule). Where the reference intakes depended on the age
  (the ``*_pct`` columns of the daily table), the person's reference values are written as their targets
  (``magnesium_target_mg`` ...), so the ``*_pct`` columns stay as they were.
- **free text** is dropped: notes; intervention names become their kind and a neutral label
  (``supplement A``), and doses other than a number with a unit (``300 mg``) are dropped; ``keep_notes=True``
  keeps all three.
- **experiments** (the plans of ``spasmlog plan``): the same pseudonyms, and every date (``start``,
  ``end``, ``created``) moved by the person's shift, or made a study day, like the other tables. The
  ``experiment_id`` (``magnesium-glycinate-300-mg-2026-12-05``: the change's text and a real date) always
  becomes a neutral label (``experiment-A``), even with ``keep_notes``, the same on all of its rows; the
  change tried becomes ``change A`` and ``against`` ``comparison A`` (``none`` is kept), and notes are
  dropped, unless ``keep_notes=True``. The daily column ``experiment_arm_done`` is a column of the log format
  (:data:`spasmlog.logformat.schemas.ARMS_DONE`: ``on`` or ``off``, any other value is set aside by the
  validator) and is kept as it is.
- **what apps wrote**: provenance (the app export, file and device each imported value came from; an Apple
  Watch is often named after its owner) is not copied, nor are the names of files read.
- **columns of the person's own**: a number or yes/no column of the daily table (a factor of their own) is
  kept under a neutral name (``own_factor_1``, its unit ending kept: ``own_factor_2_min``); any other
  column the log format does not know (text, or in another table) is dropped. ``allow_columns`` keeps
  named columns as they are.
- a **k-anonymity count** over sex, age band and country (those present in the bundle's ``people``
  table): how many people share each combination, with a warning for combinations held by fewer than
  :data:`K_ANONYMITY` people.

The **key** (original id → pseudonym, each person's date shift, the neutral names given to interventions
and columns) is written apart from the bundle, readable by its owner only (file mode ``0o600``), by
default beside the bundle as ``BUNDLE.key.csv``; never inside it. Rows the validation set aside
(quarantined) are not shared; the manifest counts them.
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from spasmlog import _checks
from spasmlog._version import __version__
from spasmlog.errors import LogNotFoundError, SpasmlogError, WriteError
from spasmlog.io.cells import unneutralise
from spasmlog.io.sources import MANIFEST_FILE
from spasmlog.io.write import atomic_path, atomic_write_text, deferred_interrupt, write_csv, write_log
from spasmlog.log import Log
from spasmlog.logformat.factors import FACTORS, PHYSICAL_SUFFIXES
from spasmlog.logformat.reference import TARGET_COLUMNS, person_reference, reference_table
from spasmlog.logformat.schemas import TABLES, TABLES_READ, field_specs, today
from spasmlog.validation.read import read_log

__all__ = [
    "EXTRA_WEEKS",
    "KEY_COLUMNS",
    "K_ANONYMITY",
    "MANIFEST_FILE",
    "MODES",
    "SAFE_HARBOR_EPOCH",
    "Shared",
    "k_anonymity",
    "share",
]

Mode = Literal["shifted", "safe-harbor"]
MODES: tuple[Mode, ...] = ("shifted", "safe-harbor")

SAFE_HARBOR_EPOCH = pd.Timestamp("1901-01-01")
"""The date of study day 1 of every person in a ``safe-harbor`` bundle: plainly no real date of a diary, and
after the earliest date the reader accepts (1900-01-01 is a spreadsheet's zero date)."""

EXTRA_WEEKS = 104
"""A ``shifted`` bundle moves each person's dates back by the weeks that put them before the log's first date,
plus a number of weeks drawn at random from 0 to this (two years)."""

K_ANONYMITY = 5
"""A combination of sex, age band and country held by fewer people than this is warned about."""

"""The file in the bundle that says what was changed."""

KEY_COLUMNS = ["kind", "original", "pseudonym", "shift_days", "study_day_one"]
"""Columns of the key file. ``kind`` is ``person`` (``shift_days``: bundle date − original date in a
``shifted`` bundle; ``study_day_one``: the original date of study day 1 in a ``safe-harbor`` bundle),
``intervention`` (an intervention's name and its neutral label), ``experiment`` and ``change`` (an
experiment's id, or the text of a change tried or of ``against``, and their neutral labels), ``column`` (a
column of the person's own and its neutral name) or ``dropped_column`` (a dropped column of the person's own
and the name the manifest gives it)."""

QUASI_IDENTIFIERS = ("sex", "age_band", "country")
"""The ``people`` columns the k-anonymity count is taken over, where the bundle has them."""

_DOSE = re.compile(r"\s*\d+(?:[.,]\d+)?\s*(?:[a-zA-Zµμ]{1,6}|%|IU|iu)?(?:\s*/\s*[a-zA-Z]{1,6})?\s*")
"""A dose kept without ``keep_notes``: a number with an optional unit (``300 mg``, ``2 g/day``, ``1000 IU``)."""

_NOT_GIVEN = "not given"


@dataclass(frozen=True)
class Shared:
    """What :func:`share` wrote.

    Attributes
    ----------
    bundle : Path
        The bundle folder: log tables and ``manifest.json``.
    key : Path
        The key file (original id → pseudonym, date shifts), apart from the bundle, readable by its owner only.
    manifest : dict
        The contents of ``manifest.json``.
    log : Log
        The bundle as :func:`spasmlog.read_log` reads it.
    warnings : list of str
        What the person sharing should know: small k-anonymity groups, rows not shared.
    """

    bundle: Path
    key: Path
    manifest: dict[str, Any]
    log: Log = field(repr=False)
    warnings: list[str] = field(default_factory=list)


def share(
    log: str | Path | Log,
    out: str | Path,
    *,
    mode: Mode = "shifted",
    keep_notes: bool = False,
    key: str | Path | None = None,
    allow_columns: Iterable[str] = (),
    force: bool = False,
) -> Shared:
    """Write a de-identified copy of a log (a bundle) to share, and its key apart from it.

    Parameters
    ----------
    log : str, Path or Log
        The log to share: a path :func:`spasmlog.read_log` reads (rows with errors are set aside and not
        shared), or a :class:`~spasmlog.log.Log`.
    out : str or Path
        The bundle folder to write: new, or empty (or, with ``force=True``, a bundle written before, which is
        replaced whole). Not inside the log.
    mode : {"shifted", "safe-harbor"}
        ``"shifted"``: each person's dates move by one random number of whole weeks (weekdays kept).
        ``"safe-harbor"``: dates become study days (day 1 is :data:`SAFE_HARBOR_EPOCH`); the year each
        person's log began is kept as ``people.start_year``.
    keep_notes : bool
        Keep notes, intervention names and doses as written (default: dropped or replaced).
    key : str or Path, optional
        The key file. When it exists, its pseudonyms, date shifts and neutral names are reused (to share a
        grown log again under the same pseudonyms) and new people are added to it. Default:
        ``BUNDLE.key.csv`` beside the bundle, which must not exist yet (unless ``force=True``).
    allow_columns : iterable of str
        Columns the log format does not know to keep under their own names (a daily factor of the
        person's own such as ``hot_bath``, a ``country`` column of ``people``).
    force : bool
        Replace a bundle and key written before.

    Returns
    -------
    Shared
        The paths written, the manifest, the bundle as read back, and the warnings.

    Raises
    ------
    spasmlog.errors.LogNotFoundError
        If ``log`` is a path that does not exist.
    spasmlog.errors.ParameterError
        If ``out`` is inside the log, is not empty (without ``force``), or ``key`` would be inside the
        bundle or the log; if an argument is not one of the values above, or ``allow_columns`` names a
        column the log does not have.
    spasmlog.errors.SpasmlogError
        If the log has no valid row to share, or the key file cannot be read.

    Notes
    -----
    The shift of a ``shifted`` bundle is in whole weeks and the same for all of a person's tables, so
    everything the within-person analyses use (days in order, weekdays, gaps, lags, the person's reference
    intakes) is unchanged and their results are equal to the original's (tested on the sample log and a
    simulated cohort). A ``safe-harbor`` bundle keeps the order and gaps of days but not the weekdays.

    Dates alone are not the whole story: a rare combination of sex, age and country can single someone
    out (see the k-anonymity count in the manifest), and text kept with ``keep_notes`` or
    ``allow_columns`` is copied as it is.

    Examples
    --------
    >>> import tempfile, pathlib, spasmlog
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> shared = spasmlog.share(spasmlog.samples.sample_path("alex"), folder / "bundle")
    >>> sorted(p.name for p in folder.iterdir())
    ['bundle', 'bundle.key.csv']
    >>> shared.log.person_ids == ["alex"], len(shared.log.daily) == len(spasmlog.load_sample("alex").daily)
    (False, True)
    >>> oct(shared.key.stat().st_mode & 0o777), shared.manifest["mode"]
    ('0o600', 'shifted')
    """
    function = "share"
    _checks.one_of(mode, "mode", function, MODES)
    keep_notes = _checks.boolean(keep_notes, "keep_notes", function)
    force = _checks.boolean(force, "force", function)
    if isinstance(allow_columns, str):
        allow_columns = [allow_columns]
    allowed = [str(name) for name in allow_columns]
    if not isinstance(log, Log | str | Path):
        _checks.fail(function, "log", log, "a path to a log, or a Log")
    out_path = Path(out)
    source_path = None if isinstance(log, Log) else Path(log)
    if source_path is not None and not source_path.exists():
        raise LogNotFoundError.missing(source_path)
    key_path = Path(key) if key is not None else out_path.parent / f"{out_path.name}.key.csv"
    _check_places(source_path, out_path, key_path, reuse_key=key is not None, force=force)

    original = log if isinstance(log, Log) else read_log(log, errors="quarantine")
    if not any(len(original.table(name)) for name in TABLES):
        raise SpasmlogError("The log holds no valid row to share (see `spasmlog validate`).")
    _check_allowed(original, allowed)

    keys = _read_key(key_path) if key is not None and key_path.exists() else _Key()
    builder = _Builder(original, mode=mode, keep_notes=keep_notes, allowed=allowed, keys=keys)
    bundle = builder.build()
    manifest = builder.manifest(bundle)

    shared = _write_bundle(bundle, manifest, out_path, before=lambda: _write_key(keys, key_path))
    warnings = list(manifest["warnings"])
    return Shared(out_path, key_path, manifest, shared, warnings)


# --- where things go --------------------------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _check_places(log: Path | None, out: Path, key: Path, *, reuse_key: bool, force: bool) -> None:
    function = "share"
    if log is not None and (_inside(out, log) or (log.is_dir() and _inside(log, out))):
        _checks.refuse(
            f"The bundle {out} would be inside the log {log} (or hold it): write it to a folder outside the log, "
            "or the log would read the bundle as its own tables next time.",
            function,
            "out",
            str(out),
            "a folder outside the log",
        )
    if out.exists() and not out.is_dir():
        _checks.refuse(f"{out} is a file, not a folder for the bundle.", function, "out", str(out), "a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            _checks.refuse(
                f"{out} is not empty: write the bundle to a new or empty folder, or pass force=True (--force) to "
                "replace a bundle written before.",
                function,
                "out",
                str(out),
                "a new or empty folder",
            )
        if not _is_bundle(out):
            _checks.refuse(
                f"{out} holds files that are not a bundle written by spasmlog share: it is not replaced, even with "
                "force. Choose a new folder.",
                function,
                "out",
                str(out),
                "a new or empty folder, or a previous bundle",
            )
    if _inside(key, out) or (log is not None and log.is_dir() and _inside(key, log)):
        _checks.refuse(
            f"The key file {key} would be inside the {'bundle' if _inside(key, out) else 'log'}: keep it apart "
            "(the key undoes the de-identification; it must never travel with the bundle).",
            function,
            "key",
            str(key),
            "a file outside the bundle and the log",
        )
    if key.exists() and key.is_dir():
        _checks.refuse(f"The key {key} is a folder, not a file.", function, "key", str(key), "a file")
    if key.exists() and not reuse_key and not force:
        _checks.refuse(
            f"{key} already exists (the key of an earlier share). Pass key={str(key)!r} (--key) to reuse its "
            "pseudonyms and shifts, or force=True (--force) to replace it with new ones.",
            function,
            "key",
            str(key),
            "a new key file, or one reused on purpose",
        )


def _is_bundle(folder: Path) -> bool:
    """Whether ``folder`` holds a bundle written by :func:`share` (and nothing in sub-folders)."""
    manifest = folder / MANIFEST_FILE
    try:
        content = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(content, dict)
        and content.get("format") == "spasmlog share bundle"
        and all(p.is_file() for p in folder.iterdir())
    )


def _check_allowed(log: Log, allowed: list[str]) -> None:
    extras = {name for table in TABLES_READ for name in _extra_columns(log.table(table), table)}
    unknown = [name for name in allowed if name not in extras]
    if unknown:
        known = ", ".join(sorted(extras)) or "none in this log"
        which = "is not one of the log's own columns" if len(unknown) == 1 else "are not among the log's own columns"
        _checks.refuse(
            f"allow_columns (--allow-column) names {', '.join(map(repr, unknown))}, which {which}: only columns the "
            f"log format does not know can be allowed (this log's are: {known}). Notes are kept with keep_notes "
            "(--keep-notes).",
            "share",
            "allow_columns",
            unknown,
            "columns of the log that the log format does not know",
        )


def _extra_columns(frame: pd.DataFrame, table: str) -> list[str]:
    specs = field_specs(table)
    return [str(c) for c in frame.columns if c not in specs]


# --- the key -------------------------------------------------------------------------------------------------


@dataclass
class _Key:
    """The key table in memory: ``kind`` → original → its row."""

    rows: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def get(self, kind: str, original: str) -> dict[str, str] | None:
        return self.rows.get(kind, {}).get(original)

    def put(self, kind: str, original: str, **values: str) -> dict[str, str]:
        row = self.rows.setdefault(kind, {}).setdefault(original, {c: "" for c in KEY_COLUMNS})
        row.update(kind=kind, original=original, **values)
        return row

    def pseudonyms(self, kind: str) -> set[str]:
        return {row["pseudonym"] for row in self.rows.get(kind, {}).values()}

    def frame(self) -> pd.DataFrame:
        rows = [row for kind in self.rows.values() for row in kind.values()]
        return pd.DataFrame(rows, columns=KEY_COLUMNS)


def _read_key(path: Path) -> _Key:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except (OSError, UnicodeError, csv.Error) as error:
        raise SpasmlogError(f"Could not read the key {path}: {error}.", file=str(path)) from error
    if rows and not {"kind", "original", "pseudonym"} <= set(rows[0]):
        raise SpasmlogError(
            f"{path} is not a key written by spasmlog share (its header is not {', '.join(KEY_COLUMNS)}).",
            file=str(path),
        )
    key = _Key()
    for row in rows:
        cells = {c: unneutralise(row.get(c) or "") for c in KEY_COLUMNS}
        key.put(cells.pop("kind"), cells.pop("original"), **cells)
    return key


def _write_key(key: _Key, path: Path) -> None:
    """Write the key atomically, readable and writable by its owner only."""
    with atomic_path(path) as temporary:
        os.chmod(temporary, 0o600)
        write_csv(key.frame(), temporary)


# --- building the bundle -------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """Names that the daily table makes one intervention column of (as
    :func:`spasmlog.analysis.daily.intervention_column` does): one neutral label for all of them."""
    text = unicodedata.normalize("NFC", name).strip().lower()
    return re.sub(r"[\W_]+", "_", text).strip("_")


def _draw(taken: set[str], originals: set[str]) -> str:
    """A new pseudonym: ``p`` and 8 random hexadecimal digits, not one already given, and (as far as 100 draws
    allow) holding no original id of 3 characters or more (so that none can be read in the bundle)."""
    candidate = ""
    for attempt in range(100):
        candidate = f"p{secrets.token_hex(4)}"
        if candidate in taken:
            continue
        pieces = {candidate[i:j] for i in range(len(candidate)) for j in range(i + 3, len(candidate) + 1)}
        if attempt == 99 or not pieces & originals:
            break
    while candidate in taken:  # pragma: no cover - one chance in four billion a draw
        candidate = f"p{secrets.token_hex(4)}"
    return candidate


def _letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA (as spreadsheet columns)."""
    text = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def _age_band(age: int) -> str:
    if age > 89:
        return "90+"
    low = max(age, 0) // 10 * 10
    return f"{low}-{low + 9}"


def _filled(series: pd.Series) -> int:
    """Cells holding something (empty text counts as empty)."""
    values = series.dropna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        values = values[values.astype(str).str.strip() != ""]
    return len(values)


class _Builder:
    """The bundle's tables and the manifest's record of every change, from one log."""

    def __init__(self, log: Log, *, mode: Mode, keep_notes: bool, allowed: list[str], keys: _Key) -> None:
        self.log, self.mode, self.keep_notes, self.allowed, self.keys = log, mode, keep_notes, allowed, keys
        self.changes: list[dict[str, Any]] = []
        planned: set[str] = set(log.experiments["person_id"].dropna().astype(str)) if len(log.experiments) else set()
        self.people_ids = sorted({*log.person_ids, *planned})

    def change(self, table: str, column: str, action: str, cells: int, reason: str) -> None:
        if cells:
            self.changes.append({"table": table, "column": column, "action": action, "cells": cells, "reason": reason})

    # dates ----------------------------------------------------------------------------------------------

    def _dates(self) -> pd.DataFrame:
        """Every date of every person (days, spasm days, intervention starts and ends, experiment dates)."""
        parts = [self.log.daily[["person_id", "date"]]]
        spasms = self.log.spasms
        parts.append(pd.DataFrame({"person_id": spasms["person_id"], "date": spasms["start"].dt.normalize()}))
        for table, columns in (("interventions", ("start", "end")), ("experiments", ("start", "end", "created"))):
            frame = self.log.table(table)
            for column in columns:
                if column in frame:
                    parts.append(pd.DataFrame({"person_id": frame["person_id"], "date": frame[column]}))
        dates = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
        if dates is None:
            return pd.DataFrame({"person_id": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[us]")})
        return dates.dropna()

    def shifts(self) -> dict[str, int]:
        """Days to add to each person's dates."""
        dates = self._dates()
        first = dates.groupby("person_id")["date"].min()
        last = dates.groupby("person_id")["date"].max()
        shifts: dict[str, int] = {}
        if self.mode == "safe-harbor":
            for person in self.people_ids:
                if person in first.index:
                    day_one = pd.Timestamp(first[person])
                    shifts[person] = int((SAFE_HARBOR_EPOCH - day_one).days)
                    self.keys.put("person", person, study_day_one=day_one.strftime("%Y-%m-%d"))
                else:
                    shifts[person] = 0
            return shifts
        start = pd.Timestamp(dates["date"].min()) if len(dates) else today()
        for person in self.people_ids:
            row = self.keys.get("person", person)
            reused = row.get("shift_days", "") if row else ""
            if re.fullmatch(r"-\d+", reused) and int(reused) % 7 == 0 and int(reused) < 0:
                shifts[person] = int(reused)
                continue
            end = pd.Timestamp(last[person]) if person in last.index else start
            weeks = math.ceil(((end - start).days + 1) / 7) + secrets.randbelow(EXTRA_WEEKS + 1)
            shifts[person] = -7 * weeks
            self.keys.put("person", person, shift_days=str(shifts[person]))
        return shifts

    def pseudonyms(self) -> dict[str, str]:
        taken = self.keys.pseudonyms("person")
        originals = set(self.people_ids)
        mapping: dict[str, str] = {}
        for person in self.people_ids:
            row = self.keys.get("person", person)
            if row and row.get("pseudonym"):
                mapping[person] = row["pseudonym"]
                continue
            candidate = _draw(taken, originals)
            taken.add(candidate)
            mapping[person] = candidate
            self.keys.put("person", person, pseudonym=candidate)
        return mapping

    # tables ---------------------------------------------------------------------------------------------

    def build(self) -> Log:
        ids = self.pseudonyms()
        shifts = self.shifts()
        self.ids, self.shift_of = ids, shifts
        tables: dict[str, pd.DataFrame] = {}
        for name in TABLES_READ:
            frame = self.log.table(name).copy()
            frame = getattr(self, f"_{name}")(frame)
            frame["person_id"] = frame["person_id"].map(ids).astype("str")
            tables[name] = frame.reset_index(drop=True)
        return Log(
            daily=tables["daily"],
            spasms=tables["spasms"],
            interventions=tables["interventions"],
            people=tables["people"],
            experiments=tables["experiments"],
        )

    def _shift(self, frame: pd.DataFrame, table: str, columns: Iterable[str]) -> pd.DataFrame:
        days = pd.to_timedelta(frame["person_id"].map(self.shift_of).astype("float64"), unit="D")
        for column in columns:
            if column in frame:
                self.change(
                    table,
                    column,
                    "shifted" if self.mode == "shifted" else "study days",
                    _filled(frame[column]),
                    "moved by the person's date shift (whole weeks)"
                    if self.mode == "shifted"
                    else f"study day N is {SAFE_HARBOR_EPOCH:%Y-%m-%d} + N - 1",
                )
                frame[column] = (frame[column] + days).astype(frame[column].dtype)
        return frame

    def _drop_text(self, frame: pd.DataFrame, table: str, column: str, reason: str) -> pd.DataFrame:
        if column in frame and not self.keep_notes:
            self.change(table, column, "dropped", _filled(frame[column]), reason)
            frame = frame.drop(columns=column)
        return frame

    def _own_columns(self, frame: pd.DataFrame, table: str) -> pd.DataFrame:
        """Columns the log format does not know: allowed ones kept; the daily table's own factors renamed;
        everything else dropped."""
        renames: dict[str, str] = {}
        for number, column in enumerate(_extra_columns(self.log.table(table), table), start=1):
            if column not in frame:
                continue
            if column in self.allowed:
                self.change(table, column, "kept as allowed", _filled(frame[column]), "allowed by the person sharing")
                continue
            series = frame[column]
            is_factor = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
            if table == "daily" and column in FACTORS:
                continue  # a column the log format knows by name
            if table == "daily" and is_factor:
                renames[column] = self._factor_name(column)
                continue
            label = self._dropped_name(table, column, number)
            kind = "a number column" if is_factor else "a text column"
            self.change(
                table,
                label,
                "dropped",
                _filled(series),
                f"{kind} of the person's own (its name and contents may identify someone); keep it with "
                "--allow-column NAME",
            )
            frame = frame.drop(columns=column)
        for old, new in renames.items():
            self.change(
                table,
                new,
                "renamed",
                _filled(frame[old]),
                "a factor of the person's own, kept under a neutral name (the key gives its name)",
            )
        return frame.rename(columns=renames)

    def _factor_name(self, column: str) -> str:
        row = self.keys.get("column", column)
        if row and row.get("pseudonym"):
            return row["pseudonym"]
        suffix = next((s for s in (*PHYSICAL_SUFFIXES, "_pct") if column.endswith(s)), "")
        taken = self.keys.pseudonyms("column")
        number = 1
        while any(name == f"own_factor_{number}" or name.startswith(f"own_factor_{number}_") for name in taken):
            number += 1
        name = f"own_factor_{number}{suffix}"
        self.keys.put("column", column, pseudonym=name)
        return name

    def _dropped_name(self, table: str, column: str, number: int) -> str:
        name = f"{table} column {number} of the person's own"
        self.keys.put("dropped_column", f"{table}.{column}", pseudonym=name)
        return name

    def _daily(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = self._shift(frame, "daily", ["date"])
        frame = self._drop_text(frame, "daily", "notes", "free text")
        return self._own_columns(frame, "daily")

    def _spasms(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = self._shift(frame, "spasms", ["start"])
        frame = self._drop_text(frame, "spasms", "notes", "free text")
        return self._own_columns(frame, "spasms")

    def _interventions(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = self._shift(frame, "interventions", ["start", "end"])
        frame = self._drop_text(frame, "interventions", "notes", "free text")
        if not self.keep_notes and len(frame):
            labels = self._intervention_labels(frame)
            self.change(
                "interventions",
                "name",
                "replaced",
                _filled(frame["name"]),
                "free text: replaced by the intervention's kind and a neutral label (the key gives the names)",
            )
            frame["name"] = frame["name"].map(lambda name: labels[_name_key(name)]).astype("str")
        if not self.keep_notes and "dose" in frame:
            dose = frame["dose"]
            free = dose.notna() & ~dose.astype("str").str.fullmatch(_DOSE.pattern)
            self.change(
                "interventions", "dose", "dropped", int(free.sum()), "free text (kept: a number with a unit, 300 mg)"
            )
            frame["dose"] = dose.where(~free, None)
        return self._own_columns(frame, "interventions")

    def _intervention_labels(self, frame: pd.DataFrame) -> dict[str, str]:
        """One neutral label per intervention (names the daily table makes one column of share it), lettered
        in order of first start, the letters counted per kind."""
        order = self.log.interventions.assign(_key=self.log.interventions["name"].map(_name_key))
        kinds = order["kind"] if "kind" in order else pd.Series(pd.NA, index=order.index)
        order = order.assign(_kind=kinds).sort_values("start", kind="stable")
        labels: dict[str, str] = {}
        used = self.keys.pseudonyms("intervention")
        known = {_name_key(o): row["pseudonym"] for o, row in self.keys.rows.get("intervention", {}).items()}
        for name_key, group in order.groupby("_key", sort=False):
            if known.get(str(name_key)):
                labels[str(name_key)] = known[str(name_key)]
                continue
            distinct = group["_kind"].dropna().unique()
            word = str(distinct[0]).replace("_", " ") if len(distinct) == 1 else "intervention"
            n = 0
            while f"{word} {_letters(n)}" in used:
                n += 1
            label = f"{word} {_letters(n)}"
            used.add(label)
            labels[str(name_key)] = label
            self.keys.put("intervention", str(group["name"].iloc[0]), pseudonym=label)
        return labels

    def _experiments(self, frame: pd.DataFrame) -> pd.DataFrame:
        frame = self._shift(frame, "experiments", ["start", "end", "created"])
        frame = self._drop_text(frame, "experiments", "notes", "free text")
        if len(frame):
            ids = self._experiment_labels()
            self.change(
                "experiments",
                "experiment_id",
                "replaced",
                _filled(frame["experiment_id"]),
                "holds the change's text and a date: replaced by a neutral label, the same on all of the "
                "experiment's rows (the key gives the ids)",
            )
            frame["experiment_id"] = frame["experiment_id"].map(ids).astype("str")
        if not self.keep_notes and len(frame):
            for column, word in (("change", "change"), ("against", "comparison")):
                if column not in frame:
                    continue
                values = frame[column]
                free = values.notna() & (values.astype("str").str.strip().str.lower() != "none")
                labels = self._change_labels(values[free], word)
                self.change(
                    "experiments",
                    column,
                    "replaced",
                    int(free.sum()),
                    f"free text: replaced by a neutral label ({word} A; the key gives the text)"
                    + ("; none is kept" if column == "against" else ""),
                )
                frame[column] = values.where(~free, values.astype("str").map(labels)).astype("str")
                if column == "against":
                    frame[column] = frame[column].where(values.notna(), None)
        return self._own_columns(frame, "experiments")

    def _experiment_labels(self) -> dict[str, str]:
        """One neutral label per experiment id, lettered in order of first start."""
        frame = self.log.experiments.sort_values("start", kind="stable")
        return self._lettered("experiment", frame["experiment_id"], lambda letters: f"experiment-{letters}")

    def _change_labels(self, values: pd.Series, word: str) -> dict[str, str]:
        """One neutral label per text of ``change`` or ``against`` (the same text, the same label; both
        columns share the key's ``change`` rows, so a change compared with another gets that one's label)."""
        return self._lettered("change", values, lambda letters: f"{word} {letters}")

    def _lettered(self, kind: str, values: pd.Series, label: Callable[[str], str]) -> dict[str, str]:
        """One label per distinct text of ``values``, in order: the key's label when it has one (a reused key),
        else the first ``label(A)``, ``label(B)``, ... not yet used; new labels are added to the key."""
        known = {o: row["pseudonym"] for o, row in self.keys.rows.get(kind, {}).items()}
        used = self.keys.pseudonyms(kind)
        labels: dict[str, str] = {}
        for original in values.astype("str").unique():
            if known.get(original):
                labels[original] = known[original]
                continue
            n = 0
            while label(_letters(n)) in used:
                n += 1
            labels[original] = known[original] = label(_letters(n))
            used.add(labels[original])
            self.keys.put(kind, original, pseudonym=labels[original])
        return labels

    def _people(self, frame: pd.DataFrame) -> pd.DataFrame:
        ages, reference_ages = self._ages(frame)
        frame = self._drop_text(frame, "people", "notes", "free text")
        frame = self._own_columns(frame, "people")
        if "birth_year" in frame:
            self.change("people", "birth_year", "dropped", _filled(frame["birth_year"]), "a date element")
            frame = self._frozen_targets(frame, reference_ages)
            frame = frame.drop(columns="birth_year")
        if any(age is not None for age in ages.values()):
            bands = {person: None if age is None else _age_band(age) for person, age in ages.items()}
            frame["age_band"] = frame["person_id"].map(bands)
            self.change("people", "age_band", "added", _filled(frame["age_band"]), "ten-year bands, over 89 as 90+")
        if self.mode == "safe-harbor":
            missing = [p for p in self.people_ids if p not in set(frame["person_id"])]
            frame = pd.concat([frame, pd.DataFrame({"person_id": missing})], ignore_index=True) if missing else frame
            first = self._dates().groupby("person_id")["date"].min()
            frame["start_year"] = frame["person_id"].map(first).dt.year.astype("Int64")
            self.change("people", "start_year", "added", _filled(frame["start_year"]), "the year the log began")
        return frame

    def _ages(self, frame: pd.DataFrame) -> tuple[dict[str, int | None], dict[str, int | None]]:
        """Each person's age for the age band, and the age the daily table takes for their reference intakes.

        The reference age is the first year of the person's days (daily rows and spasms) minus the birth
        year, as :func:`spasmlog.daily_table` takes it; the band's age is the same, or (without days) the
        first year of any date of theirs, or this year. A ``people`` column ``age`` (an import's, such as
        Flaredown's) gives the band where there is no birth year.
        """
        days = pd.concat(
            [
                self.log.daily[["person_id", "date"]],
                self.log.spasms[["person_id", "start"]].rename(columns={"start": "date"}),
            ]
        )
        first_day = days.groupby("person_id")["date"].min().dt.year
        first_any = self._dates().groupby("person_id")["date"].min().dt.year
        birth = pd.to_numeric(frame["birth_year"], errors="coerce") if "birth_year" in frame else None
        stated = pd.to_numeric(frame["age"], errors="coerce") if "age" in frame else None
        ages: dict[str, int | None] = {}
        reference: dict[str, int | None] = {}
        for position, person in enumerate(frame["person_id"]):
            born = None if birth is None or pd.isna(birth.iloc[position]) else int(birth.iloc[position])
            reference[person] = None if born is None or person not in first_day.index else int(first_day[person]) - born
            if born is not None:
                year = first_day.get(person, first_any.get(person, today().year))
                ages[person] = int(year) - born
            elif stated is not None and pd.notna(stated.iloc[position]):
                ages[person] = int(stated.iloc[position])
            else:
                ages[person] = None
        return ages, reference

    def _frozen_targets(self, frame: pd.DataFrame, ages: dict[str, int | None]) -> pd.DataFrame:
        """Where a person's reference intake depended on their age, write it as their target."""
        intakes = [c for c in TARGET_COLUMNS if c in self.log.daily]
        written: dict[str, int] = {}
        looked_up: dict[tuple[object, ...], dict[str, tuple[float, float]] | None] = {}
        starts = sorted({int(v) for v in reference_table()["age_min"].dropna()})
        for position, record in enumerate(frame.to_dict("records")):
            row = {str(name): value for name, value in record.items()}
            age = ages.get(row["person_id"])
            if age is None or not intakes:
                continue
            sex = None if pd.isna(row.get("sex", pd.NA)) else row.get("sex")
            band = bisect.bisect_right(starts, age)  # ages between the same band starts share their values
            if (sex, band) not in looked_up:  # one look-up per sex and band: a cohort has few
                looked_up[(sex, band)] = _references(sex, age)
            references = looked_up[(sex, band)]
            if references is None:
                continue
            own = {c: row.get(t) for c, t in TARGET_COLUMNS.items()}
            for column in intakes:
                value, plain = references[column]
                target_given = isinstance(own[column], int | float) and own[column] > 0  # type: ignore[operator]
                if target_given or pd.isna(value) or value == plain:
                    continue
                target = TARGET_COLUMNS[column]
                if target not in frame:
                    frame[target] = pd.Series(float("nan"), index=frame.index, dtype="float64")
                frame.loc[frame.index[position], target] = float(value)
                written[target] = written.get(target, 0) + 1
        for target, count in written.items():
            self.change(
                "people",
                target,
                "added",
                count,
                "the reference intake for the person's age, written as their target (the bundle has no birth "
                "year), so that the *_pct columns of the daily table stay as they were",
            )
        return frame

    # manifest -------------------------------------------------------------------------------------------

    def manifest(self, bundle: Log) -> dict[str, Any]:
        k = k_anonymity(bundle)
        warnings = []
        if k["groups_below"] and k["columns"]:  # without sex, age or country no combination singles anyone out
            columns = ", ".join(c.replace("_", " ") for c in k["columns"])
            warnings.append(
                f"k-anonymity: {k['people_below']} of {k['people']} people are in a combination of {columns} "
                f"that fewer than {K_ANONYMITY} people share (smallest: {k['smallest']}); such a combination "
                "may single someone out. Consider leaving them out, or asking their consent."
            )
        quarantined = len(self.log.quarantine)
        if quarantined:
            warnings.append(f"{quarantined} row(s) with errors were not shared (see `spasmlog validate`).")
        dates = (
            "Each person's dates are moved by their own random number of whole weeks (weekdays, gaps and lags "
            "kept); every shifted date lies before the first date of the original log."
            if self.mode == "shifted"
            else f"Each person's first logged day is {SAFE_HARBOR_EPOCH:%Y-%m-%d} (study day 1); study day N "
            f"is {SAFE_HARBOR_EPOCH:%Y-%m-%d} + N - 1. The dates are synthetic (weekdays are not kept); the "
            "year each log began is people.start_year."
        )
        return {
            "format": "spasmlog share bundle",
            "spasmlog_version": __version__,
            "mode": self.mode,
            "keep_notes": self.keep_notes,
            "allowed_columns": sorted(self.allowed),
            "people": len(bundle.person_ids),
            "tables": {name: len(bundle.table(name)) for name in TABLES_READ},
            "person_ids": "pseudonyms drawn at random; the key, kept apart by the person who shared, maps them back",
            "dates": dates,
            "changes": self.changes,
            "not_shared": {
                "quarantined_rows": quarantined,
                "provenance_rows": len(self.log.provenance),
                "files_read": len(self.log.sources),
            },
            "k_anonymity": k,
            "warnings": warnings,
        }


def _references(sex: Any, age: int) -> dict[str, tuple[float, float]] | None:
    """Each intake column's shipped reference value for ``age`` and without an age (None for a sex the log
    format does not know: the daily table then uses the person's targets only)."""
    try:
        with_age = person_reference(sex, age).set_index("column")["value"]
        without = person_reference(sex, None).set_index("column")["value"]
    except SpasmlogError:
        return None
    return {str(c): (float(with_age[c]), float(without[c])) for c in with_age.index}


def k_anonymity(log: Log, *, k: int = K_ANONYMITY) -> dict[str, Any]:
    """How many people share each combination of sex, age band and country (those the ``people`` table has).

    Everyone in ``log`` counts; a person without a ``people`` row, or without a value, is ``not given``.
    Returns ``columns``, ``people``, ``groups`` (one entry per combination with its ``people``, sorted),
    ``smallest``, ``groups_below`` and ``people_below`` (combinations, and people in them, held by fewer
    than ``k``) and ``k``.
    """
    people = log.people
    columns = [c for c in QUASI_IDENTIFIERS if c in people]
    persons = pd.DataFrame({"person_id": log.person_ids})
    frame = persons.merge(people[["person_id", *columns]], on="person_id", how="left") if columns else persons
    for column in columns:
        frame[column] = frame[column].astype("object").where(frame[column].notna(), _NOT_GIVEN).astype(str)
    if columns and len(frame):
        sizes = frame.groupby(columns, sort=True).size()
        groups = [
            {**dict(zip(columns, index if isinstance(index, tuple) else (index,), strict=True)), "people": int(n)}
            for index, n in sizes.items()
        ]
    else:
        groups = [{"people": len(frame)}] if len(frame) else []
    small = [g for g in groups if g["people"] < k]
    return {
        "columns": columns,
        "k": k,
        "people": len(frame),
        "groups": groups,
        "smallest": min((g["people"] for g in groups), default=0),
        "groups_below": len(small),
        "people_below": sum(g["people"] for g in small),
    }


# --- writing -------------------------------------------------------------------------------------------------


def _write_bundle(bundle: Log, manifest: dict[str, Any], out: Path, *, before: Callable[[], None]) -> Log:
    """Write the bundle to a temporary folder beside ``out``, check that it reads back as a log, call
    ``before`` (which writes the key), and put the bundle in place (replacing a previous bundle whole). A
    failure on the way leaves neither a new key nor a new bundle (only a failure of the last rename can
    leave the new key beside the previous bundle)."""
    temporary: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        write_log(bundle, temporary, format="csv")
        atomic_write_text(temporary / MANIFEST_FILE, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        shared = read_log(temporary, errors="raise")  # the bundle is a log: a failure here is a bug, not sent on
        before()
        with deferred_interrupt():
            _put_in_place(temporary, out)
        temporary = None
        return shared
    except WriteError:
        raise
    except OSError as error:
        cause = error.strerror or str(error)
        raise WriteError(
            f"Could not write the bundle {out}: {cause}; nothing was put in its place.", file=str(out)
        ) from error
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _put_in_place(temporary: Path, out: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(temporary, 0o777 & ~mask)  # mkdtemp makes the folder private; the bundle is for sharing
    if not out.exists():
        os.rename(temporary, out)
        return
    if any(out.iterdir()) and not _is_bundle(out):  # checked on entry; a folder filled meanwhile is not replaced
        _checks.refuse(
            f"{out} is no longer empty; the bundle was not written.", "share", "out", str(out), "an empty folder"
        )
    backup = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(backup)
    os.rename(out, backup)
    try:
        os.rename(temporary, out)
    except BaseException:
        os.rename(backup, out)
        raise
    shutil.rmtree(backup, ignore_errors=True)
