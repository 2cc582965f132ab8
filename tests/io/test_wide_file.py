"""A file with thousands of columns spasmlog does not know: every column kept, typed and listed, quickly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import spasmlog


def _write_wide(folder: Path, extra: int, rows: int = 12) -> list[str]:
    rng = np.random.default_rng(3)
    names = [f"factor {k}" for k in range(extra)]
    cells = rng.integers(0, 10, (rows, extra)).astype(str).astype(object)
    cells[:, 7] = ["yes", "no", ""] * (rows // 3)  # yes/no
    cells[:, 8] = ["calm", "busy", "3"] * (rows // 3)  # text (one number among words)
    cells[:, 9] = ""  # empty throughout
    cells[0, 10] = "n/a"  # a missing marker in a number column
    cells[1, 11] = "2,5"  # a thousands-or-decimal comma in a comma file: the column is text
    dates = pd.date_range("2026-01-01", periods=rows).strftime("%Y-%m-%d")
    lines = [",".join(["date", "Water (L)", *names])]
    lines += [
        ",".join([date, "1.5", *(f'"{c}"' if "," in c else c for c in row)])
        for date, row in zip(dates, cells, strict=True)
    ]
    folder.mkdir()
    (folder / "daily.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def test_ten_thousand_columns_are_all_kept_typed_and_listed(tmp_path: Path) -> None:
    names = _write_wide(tmp_path / "wide", 9_998)
    log = spasmlog.read_log(tmp_path / "wide", errors="quarantine")
    assert log.daily.shape == (12, 2 + 1 + 9_998)  # person_id, date, water_ml and every column of the file
    assert log.daily.columns.tolist()[3:] == names
    assert log.daily["water_ml"].tolist() == [1500.0] * 12
    assert log.unknown_columns["column"].tolist() == names
    assert str(log.daily["factor 0"].dtype) == "float64"
    assert log.daily["factor 7"].tolist()[:3] == [True, False, pd.NA]
    assert log.daily["factor 8"].tolist()[:3] == ["calm", "busy", "3"]
    assert log.daily["factor 9"].isna().all()
    assert str(log.daily["factor 10"].dtype) == "float64" and np.isnan(log.daily["factor 10"].iloc[0])
    assert log.daily["factor 11"].iloc[1] == "2,5"
    # the columns are listed in log.unknown_columns, not as thousands of warnings; the one number column with a
    # cell that is not a number ('2,5') is named, since it drops out of the analysis as text
    assert log.problems[["column", "rule", "line"]].values.tolist() == [["factor 11", "own_column_not_a_number", 3]]


def test_extra_columns_of_frames_in_memory_keep_their_types() -> None:
    daily = pd.DataFrame(
        {
            "person_id": ["me"] * 3,
            "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
            "banana": [1, 0, 2],
            "mood": ["ok", None, "good"],
            "hot_bath": ["yes", "", "no"],
        }
    )
    log = spasmlog.validate_tables({"daily": daily}, errors="quarantine")
    assert log.daily["banana"].tolist() == [1, 0, 2]
    assert log.daily["mood"].tolist()[0] == "ok" and pd.isna(log.daily["mood"].iloc[1])
    assert log.daily["hot_bath"].tolist() == [True, pd.NA, False]
    assert log.unknown_columns["column"].tolist() == ["banana", "mood", "hot_bath"]
