"""The direct check of a table against the log format's facts, and pandera's: the same verdict, the same problems.

``_keeps_every_rule`` lets a table that breaks no rule through without importing pandera. It may only say
"valid" when pandera finds nothing: every frame the reader hands to the checks (good and bad logs, every rule
broken on purpose, random damage) is checked both ways here, and whole logs are read with and without the
shortcut and compared table by table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pytest
from conftest import SAMPLES
from test_validation import INVALID, VALID

import spasmlog
from spasmlog.logformat.models import MODELS
from spasmlog.logformat.schemas import TABLES
from spasmlog.validation import checks, tables

ROOT = Path(spasmlog.__file__).resolve().parents[1]


def _pandera_finds_nothing(table: str, frame: pd.DataFrame) -> bool:
    try:
        MODELS[table].validate(frame, lazy=True)
    except pandera.errors.SchemaErrors:
        return False
    return True


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, pd.DataFrame]]]:
    """Every (table, typed frame) the reader hands to the checks while the test runs."""
    seen: list[tuple[str, pd.DataFrame]] = []
    check = tables._pandera_problems

    def recording(table: str, frame: pd.DataFrame) -> pd.DataFrame:
        seen.append((table, frame.copy()))
        return check(table, frame)

    monkeypatch.setattr(tables, "_pandera_problems", recording)
    yield seen


def _read_everything() -> None:
    """Good and bad logs: the samples, each valid row, each rule broken (the rows of test_validation)."""
    for name in ("alex", "messy", "clinic/c07"):
        spasmlog.read_log(SAMPLES / name, errors="quarantine")
    for table, row in VALID + [(table, row) for table, row, *_ in INVALID]:
        spasmlog.validate_tables({table: pd.DataFrame([row]).astype("str")}, errors="quarantine")


def test_valid_only_when_pandera_finds_nothing(handed: list[tuple[str, pd.DataFrame]]) -> None:
    _read_everything()
    verdicts = [(checks._keeps_every_rule(t, frame), _pandera_finds_nothing(t, frame)) for t, frame in handed]
    assert len(verdicts) > 60
    assert [direct for direct, pandera in verdicts if direct and not pandera] == []
    # and the shortcut is taken: every frame pandera passes, the direct check passes too
    assert [direct for direct, pandera in verdicts] == [pandera for direct, pandera in verdicts]
    assert sum(direct for direct, _ in verdicts) > 15 and sum(not direct for direct, _ in verdicts) > 40


def _damaged(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``frame`` with one random kind of damage: a value out of range, an empty required cell, a repeated row, a
    category or list item that does not exist, a date in the future, a column of another dtype."""
    out = frame.copy()
    row = int(rng.integers(len(out)))
    column = str(rng.choice(out.columns))
    values = out[column]
    damage = int(rng.integers(7))
    if damage == 0 and values.dtype == "float64":
        out.loc[row, column] = rng.choice([-1, -0.001, 1e9, 0, np.inf, -np.inf])
    elif damage == 0 and values.dtype == "Int64":
        out.loc[row, column] = int(rng.choice([-1, 0, 1, 10**9]))
    elif damage == 1:
        out.loc[row, column] = None
    elif damage == 2:
        out = pd.concat([out, out.iloc[[row]]], ignore_index=True)
    elif damage == 3 and values.dtype == "str":
        out.loc[row, column] = rng.choice(["elbow", "stretch;prayer", "", "none", "NONE", "calf;", "other"])
    elif damage == 4 and values.dtype.kind == "M":
        out.loc[row, column] = pd.Timestamp.now() + pd.Timedelta(days=int(rng.integers(-2, 3)))
    elif damage == 5:
        out[column] = values.astype("object")
    elif damage == 6 and values.dtype == "float64":
        out.loc[row, column] = rng.choice([0.0, 24.0, 30.0, 1440.0, 10.5])
    return out


def test_random_damage(handed: list[tuple[str, pd.DataFrame]]) -> None:
    """Thousands of damaged copies of the samples' tables: the direct check never passes what pandera fails."""
    for name in ("alex", "messy"):
        spasmlog.read_log(SAMPLES / name, errors="quarantine")
    rng = np.random.default_rng(20261204)
    passed = failed = 0
    for table, frame in handed:
        if frame.empty:
            continue
        small = frame.iloc[: min(len(frame), 40)].reset_index(drop=True)
        for _ in range(30):
            damaged = _damaged(small, rng)
            direct = checks._keeps_every_rule(table, damaged)
            pandera = _pandera_finds_nothing(table, damaged)
            assert not (direct and not pandera), (table, damaged)
            passed += direct
            failed += not pandera
    assert passed > 30 and failed > 100  # both kinds of frame were met


def _log_frames(log: spasmlog.Log) -> dict[str, pd.DataFrame]:
    frames = {table: log.table(table) for table in TABLES}
    frames.update(problems=log.problems, quarantine=log.quarantine, sources=log.sources)
    return frames


@pytest.mark.parametrize("name", ["alex", "messy", "clinic/c07"])
def test_the_same_log_with_and_without_the_shortcut(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = spasmlog.read_log(SAMPLES / name, errors="quarantine")
    monkeypatch.setattr(checks, "_keeps_every_rule", lambda table, frame: False)
    slow = spasmlog.read_log(SAMPLES / name, errors="quarantine")
    for key, frame in _log_frames(fast).items():
        pd.testing.assert_frame_equal(frame, _log_frames(slow)[key], obj=key)


@pytest.mark.parametrize(("table", "row", "rule", "message"), INVALID)
def test_the_same_problems_with_and_without_the_shortcut(
    table: str, row: dict[str, str], rule: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = pd.DataFrame([row, {**row, "person_id": "someone else"}]).astype("str")
    fast = spasmlog.validate_tables({table: frame}, errors="quarantine")
    monkeypatch.setattr(checks, "_keeps_every_rule", lambda table, frame: False)
    slow = spasmlog.validate_tables({table: frame}, errors="quarantine")
    assert rule in fast.problems["rule"].tolist()
    for key, value in _log_frames(fast).items():
        pd.testing.assert_frame_equal(value, _log_frames(slow)[key], obj=key)


def test_typed_columns_of_another_dtype_go_to_pandera() -> None:
    """A frame from a notebook (nanosecond dates, object text): not the reader's dtypes, so pandera decides."""
    frame = pd.DataFrame({"person_id": ["me"], "date": pd.to_datetime(["2026-01-10"]).astype("datetime64[ns]")})
    frame["person_id"] = frame["person_id"].astype("str")
    assert not checks._keeps_every_rule("daily", frame)
    assert checks._keeps_every_rule("daily", frame.astype({"date": "datetime64[us]"}))
    assert not checks._keeps_every_rule("daily", frame.astype({"date": "datetime64[us]", "person_id": "object"}))


def test_a_whole_table_rule_with_an_empty_cell_in_the_row() -> None:
    """Rules on the whole table are checked in rows with empty cells too, by both."""
    frame = pd.DataFrame(
        {
            "person_id": pd.Series(["me"], dtype="str"),
            "date": pd.Series(pd.to_datetime(["2026-01-10"]), dtype="datetime64[us]"),
            "sitting_h": [16.0],
            "sleep_h": [9.0],
            "notes": pd.Series([None], dtype="str"),
        }
    )
    assert not checks._keeps_every_rule("daily", frame)
    assert not _pandera_finds_nothing("daily", frame)
    assert checks._pandera_problems("daily", frame)["rule"].tolist() == ["sitting_plus_sleep_at_most_24h"]


def _python(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_valid_log_is_read_without_pandera(tmp_path: Path) -> None:
    probe = "import spasmlog, sys; log = spasmlog.read_log({path!r}, errors='quarantine'); "
    probe += "print(len(log.problems), 'pandera' in sys.modules)"
    assert _python(probe.format(path=str(SAMPLES / "alex"))) == "0 False"
    (tmp_path / "daily.csv").write_text("person_id,date,water_ml\nme,2026-01-10,-1\n")
    assert _python(probe.format(path=str(tmp_path))) == "1 True"  # the probe works: a bad value asks pandera
