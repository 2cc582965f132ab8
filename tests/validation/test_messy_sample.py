"""The deliberately messy sample (sample_data/messy) is read, and its problems are reported exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

import spasmlog

MESSY = Path(__file__).parents[2] / "sample_data" / "messy"

EXPECTED = [
    ("daily.csv", 4, "Water (L)", "not_a_number"),
    ("daily.csv", 7, "Water (L)", "above_maximum"),
    ("daily.csv", 10, "Sleep (h)", "above_maximum"),
    ("daily.csv", 10, "sitting_h + sleep_h", "sitting_plus_sleep_at_most_24h"),
    ("daily.csv", 11, "Spasms", "events_disagree_with_count"),
    ("daily.csv", 13, "Date", "not_a_date"),
    ("daily.csv", 15, "Date", "duplicate"),
    ("daily.csv", 16, "Date", "duplicate"),
    ("daily.csv", 19, "sitting_h + sleep_h", "sitting_plus_sleep_at_most_24h"),
    ("daily.csv", 22, "exercise_min + exercise_rpe", "exercise_details_need_exercise"),
    ("daily.csv", 25, "Stress", "above_maximum"),
    ("daily.csv", 28, "Warm-up", "not_yes_no"),
    ("interventions.csv", 3, "start + end", "end_not_before_start"),
    ("spasms.csv", 6, "Region", "not_in_categories"),
    ("spasms.csv", 7, "Intensity", "above_maximum"),
    ("spasms.csv", 8, "Duration", "not_a_duration"),
    ("spasms.csv", 9, "Date", "in_future"),
]


@pytest.fixture(scope="module")
def log() -> spasmlog.Log:
    return spasmlog.read_log(MESSY, errors="quarantine")


def test_every_planted_problem_is_reported_at_its_line(log: spasmlog.Log) -> None:
    found = sorted((Path(str(p.file)).name, int(p.line), str(p.column), str(p.rule)) for p in log.problems.itertuples())
    assert found == sorted(EXPECTED)


def test_rows_in_equal_valid_plus_quarantined(log: spasmlog.Log) -> None:
    assert log.sources.set_index("table")["rows_read"].to_dict() == {
        "daily": 30,
        "spasms": 10,
        "interventions": 2,
    }
    for table, read in (("daily", 30), ("spasms", 10), ("interventions", 2)):
        quarantined = (log.quarantine["table"] == table).sum()
        assert len(log.table(table)) + quarantined == read
    assert len(log.quarantine) == 15  # a dozen and more invalid rows; the warning's row is kept
    assert int(log.sources["blank_rows"].sum()) == 3


def test_the_dialects_were_read(log: spasmlog.Log) -> None:
    first = log.daily.iloc[0]
    assert first["date"].strftime("%Y-%m-%d") == "2026-01-01"  # day-first, read off the column
    assert first["water_ml"] == 1800.0  # decimal comma, litres
    assert first["sitting_h"] == 7.0  # minutes
    assert first["warmup"]  # TRUE
    assert first["notes"] == "new year, long walk"
    assert log.daily["hot bath"].dtype == "boolean"  # a user-defined factor, kept
    notes = log.spasms["notes"].dropna().tolist()
    assert "réveillé par une crampe" in notes  # Windows-1252
    assert log.spasms["start"].iloc[1].strftime("%Y-%m-%d %H:%M") == "2026-01-05 02:10"  # month-first
    assert log.spasms["duration_s"].tolist()[:3] == [90.0, 90.0, 120.0]
    assert log.spasms["side"].tolist()[:2] == ["left", "right"]


def test_raise_mode_lists_the_first_problems_and_how_many_more() -> None:
    with pytest.raises(spasmlog.LogValidationError, match=r"16 problem\(s\)") as caught:
        spasmlog.read_log(MESSY)
    message = str(caught.value)
    assert "daily.csv:4 Water (L) = 'lots'" in message
    assert "... and 6 more" in message
    assert len(caught.value.problems) == 17
