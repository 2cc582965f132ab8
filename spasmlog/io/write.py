"""Writing a :class:`~spasmlog.log.Log` back to files that :func:`spasmlog.read_log` reads to equal tables."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from spasmlog.errors import SpasmlogError
from spasmlog.logformat.schemas import TABLES, field_specs

if TYPE_CHECKING:
    from spasmlog.log import Log

__all__ = ["atomic_write_csv", "to_text_frame", "write_log"]


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _default_mode()


def to_text_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table with its dates and yes/no cells as text the reader parses back to the same values.

    Dates are written ``YYYY-MM-DD``, date-times ``YYYY-MM-DD HH:MM:SS``, yes/no columns ``yes``/``no``.
    Numbers stay numbers: pandas writes floats in their shortest round-trip form, so they read back equal.
    """
    specs = field_specs(table)
    out = frame.copy(deep=False)
    for name in frame.columns:
        column = frame[name]
        kind = specs[name].kind if name in specs else None
        if pd.api.types.is_datetime64_any_dtype(column):
            with_time = kind == "datetime" or (
                kind is None and (column.dropna() != column.dropna().dt.normalize()).any()
            )
            out[name] = column.dt.strftime("%Y-%m-%d %H:%M:%S" if with_time else "%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(column):
            out[name] = column.map({True: "yes", False: "no"}).astype("str")
    return out


def atomic_write_csv(
    frame: pd.DataFrame, path: Path, *, sep: str = ",", encoding: str = "utf-8", lineterminator: str = "\n"
) -> None:
    """Write ``frame`` as CSV to ``path`` through a temporary file in the same folder, then rename.

    An interrupted write leaves the old file as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, _FILE_MODE)  # mkstemp makes the file private; give it the usual permissions
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            frame.to_csv(stream, index=False, sep=sep, lineterminator=lineterminator)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _existing_tables(path: Path) -> list[Path]:
    """Log tables already in ``path`` (a folder) or ``path`` itself (a workbook)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    from spasmlog.io.sources import TABLE_SUFFIXES

    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)


def write_log(
    log: Log, path: Path, *, format: Literal["csv", "xlsx", "parquet"] = "csv", overwrite: bool = False
) -> Path:
    """Write the non-empty tables of ``log``; see :meth:`spasmlog.Log.write`."""
    target = path if format != "xlsx" or path.suffix.lower() == ".xlsx" else path / "log.xlsx"
    existing = _existing_tables(target if format == "xlsx" else path)
    if existing and not overwrite:
        raise SpasmlogError(
            f"{existing[0]} already exists: write the log to an empty folder, or pass overwrite=True to replace "
            "the tables (other files in the folder are left as they are, and would be read with it).",
            file=str(existing[0]),
        )
    tables = {name: log.table(name) for name in TABLES if len(log.table(name))}
    if format == "xlsx":
        target.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(target, engine="openpyxl") as workbook:
            for name, frame in tables.items():
                to_text_frame(frame, name).to_excel(workbook, sheet_name=name, index=False)
        return target
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if format == "parquet":
            frame.to_parquet(path / f"{name}.parquet", index=False)
        elif format == "csv":
            atomic_write_csv(to_text_frame(frame, name), path / f"{name}.csv")
        else:
            raise ValueError(
                "The 'format' parameter of Log.write must be one of ('csv', 'xlsx', 'parquet'). "
                f"Got {format!r} instead."
            )
    return path
