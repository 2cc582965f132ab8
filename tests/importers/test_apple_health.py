"""Apple Health importer: mapping and units, days and time zones, sources, workouts, sleep, hostile files."""

from __future__ import annotations

import contextlib
import io
import pickle
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import require_reference

from spasmlog.errors import ImportFormatError, LogNotFoundError, ParameterError, UnsafeFileError
from spasmlog.importers.apple_health import WORKOUT_TYPES, find_export_xml, read_apple_health

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "formats"
HK = "HKQuantityTypeIdentifier"
WATCH = "Alex’s Apple Watch"
PHONE = "Alex’s iPhone"

# An inline DTD in the shape Apple writes (element and attribute declarations, a comment, no entities).
DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
]>
"""
# iOS 16 exports: an ATTLIST left without its closing '>' (other XML readers stop at it).
BROKEN_IOS16_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 12 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|VisionPrescription)*)>
<!ATTLIST VisionPrescription
  type             CDATA #REQUIRED
  dateIssued       CDATA #REQUIRED
<!ELEMENT Prescription EMPTY>
<!ATTLIST Record
  type          CDATA #REQUIRED
>
]>
"""


def record(
    kind: str, value: str | float, start: str, end: str | None = None, *, unit: str = "", source: str = WATCH
) -> str:
    """One ``<Record>``; ``kind`` without the ``HKQuantityTypeIdentifier`` prefix unless it is a category."""
    full = kind if kind.startswith("HK") else f"{HK}{kind}"
    unit_text = f' unit="{unit}"' if unit else ""
    return (
        f'<Record type="{full}" sourceName="{source}" sourceVersion="17.1"{unit_text} creationDate="{end or start}" '
        f'startDate="{start}" endDate="{end or start}" value="{value}"/>'
    )


def sleep(stage: str, start: str, end: str, *, source: str = WATCH) -> str:
    return record(
        "HKCategoryTypeIdentifierSleepAnalysis", f"HKCategoryValueSleepAnalysis{stage}", start, end, source=source
    )


def workout(
    activity: str,
    start: str,
    end: str,
    *,
    duration: float | None = None,
    events: tuple[tuple[str, str], ...] = (),
    source: str = WATCH,
) -> str:
    length = f' duration="{duration}" durationUnit="min"' if duration is not None else ""
    children = "".join(f'<WorkoutEvent type="HKWorkoutEventType{kind}" date="{when}"/>' for kind, when in events)
    return (
        f'<Workout workoutActivityType="HKWorkoutActivityType{activity}"{length} sourceName="{source}" '
        f'startDate="{start}" endDate="{end}"><MetadataEntry key="HKIndoorWorkout" value="0"/>{children}</Workout>'
    )


def document(*elements: str, prolog: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + '<HealthData locale="en_NZ">\n <ExportDate value="2024-09-01 10:00:00 +1200"/>\n <Me/>\n '
        + "\n ".join(elements)
        + "\n</HealthData>\n"
    )


@pytest.fixture
def read(tmp_path: Path) -> Callable[..., pd.DataFrame]:
    """Write ``elements`` as an export.xml and read it."""

    def _read(*elements: str, prolog: str = "", **options: Any) -> pd.DataFrame:
        path = tmp_path / "export.xml"
        path.write_text(document(*elements, prolog=prolog), encoding="utf-8")
        options.setdefault("progress", False)
        return read_apple_health(path, **options)

    return _read


def value(frame: pd.DataFrame, day: str, column: str) -> Any:
    row = frame.loc[frame["date"] == pd.Timestamp(day), column]
    assert len(row) == 1, f"no single row for {day}"
    return row.iloc[0]


def detail_of(frame: pd.DataFrame, day: str, column: str) -> str:
    rows = [text for date, name, text in frame.attrs["detail"] if date == pd.Timestamp(day) and name == column]
    assert len(rows) == 1
    return str(rows[0])


# ------------------------------------------------------------------------------------------ contract


def test_contract_of_the_imported_table(read: Callable[..., pd.DataFrame], tmp_path: Path) -> None:
    daily = read(
        record("StepCount", 500, "2024-08-08 09:00:00 +1200", unit="count"),
        record("DietaryWater", 250, "2024-08-07 09:00:00 +1200", unit="mL", source="Health"),
        workout("Running", "2024-08-07 07:00:00 +1200", "2024-08-07 07:30:00 +1200", duration=30),
    )
    assert daily["date"].dtype == "datetime64[us]"
    assert daily["date"].is_unique and daily["date"].is_monotonic_increasing
    assert list(daily.columns) == ["date", "water_ml", "exercise_min", "exercise_type", "steps"]
    assert daily["steps"].dtype == "float64" and daily["water_ml"].dtype == "float64"
    assert np.isnan(value(daily, "2024-08-07", "steps"))  # nothing recorded: missing, not zero
    assert daily.attrs["source"] == "apple-health"
    assert daily.attrs["files"] == [str(tmp_path / "export.xml")]
    assert all(isinstance(date, pd.Timestamp) and len(item) == 3 for item in daily.attrs["detail"] for date in item[:1])


def test_an_export_without_anything_spasmlog_uses_gives_an_empty_table(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(record("HeartRate", 61, "2024-08-07 09:00:00 +1200", unit="count/min"))
    assert list(daily.columns) == ["date"] and len(daily) == 0
    assert "1 records of 1 types spasmlog does not use skipped (most: HeartRate 1)" in daily.attrs["notes"]


# ------------------------------------------------------------------------------------------ mapping


def test_water_in_millilitres_litres_and_us_fluid_ounces(read: Callable[..., pd.DataFrame]) -> None:
    day = "2024-08-07 {} +1200"
    daily = read(
        record("DietaryWater", 250, day.format("08:00:00"), unit="mL", source="Health"),
        record("DietaryWater", 0.5, day.format("12:00:00"), unit="L", source="Health"),
        record("DietaryWater", 8, day.format("18:00:00"), unit="fl_oz_us", source="Health"),
    )
    assert value(daily, "2024-08-07", "water_ml") == pytest.approx(250 + 500 + 8 * 29.5735295625)


@pytest.mark.parametrize(
    ("kind", "column", "amounts", "expected"),
    [
        ("DietaryMagnesium", "magnesium_mg", [(0.1, "g"), (50, "mg"), (25000, "mcg")], 175.0),
        ("DietaryCalcium", "calcium_mg", [(1, "g"), (200, "mg")], 1200.0),
        ("DietaryPotassium", "potassium_mg", [(2.5, "g")], 2500.0),
        ("DietarySodium", "sodium_mg", [(1500, "mg"), (500000, "mcg")], 2000.0),
        ("DietaryCaffeine", "caffeine_mg", [(0.095, "g"), (64, "mg")], 159.0),
        ("DietaryMagnesium", "magnesium_mg", [(10, "mmol&lt;24.305&gt;")], 243.05),  # mmol<molar mass>, escaped
        ("DietaryEnergyConsumed", "energy_kcal", [(500, "kcal"), (300, "Cal"), (418.4, "kJ")], 900.0),
        ("NumberOfAlcoholicBeverages", "alcohol_g", [(2, "count")], 20.0),
        ("AppleStandTime", "stand_h", [(30, "min"), (45, "min"), (300, "s")], 1.333333),
    ],
)
def test_quantities_are_converted_to_the_canonical_unit(
    read: Callable[..., pd.DataFrame], kind: str, column: str, amounts: list[tuple[float, str]], expected: float
) -> None:
    daily = read(
        *(
            record(kind, amount, f"2024-08-07 {8 + i}:00:00 +1200", unit=unit)
            for i, (amount, unit) in enumerate(amounts)
        )
    )
    assert value(daily, "2024-08-07", column) == pytest.approx(expected, rel=1e-5)


def test_a_unit_that_cannot_be_converted_is_skipped_and_noted(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(
        record("DietaryWater", 300, "2024-08-07 08:00:00 +1200", unit="mL"),
        record("DietaryWater", 2, "2024-08-07 09:00:00 +1200", unit="kg"),
        record("DietaryMagnesium", "lots", "2024-08-07 09:00:00 +1200", unit="mg"),
    )
    assert value(daily, "2024-08-07", "water_ml") == 300
    notes = " | ".join(daily.attrs["notes"])
    assert f"1 {HK}DietaryWater records skipped: their unit 'kg' cannot be converted" in notes
    assert f"1 {HK}DietaryMagnesium records skipped: no readable number" in notes


def test_stand_hours_count_hours_stood_and_stand_time_is_kept_apart(read: Callable[..., pd.DataFrame]) -> None:
    hour = "HKCategoryTypeIdentifierAppleStandHour"
    daily = read(
        record(hour, "HKCategoryValueAppleStandHourStood", "2024-08-07 09:00:00 +1200", "2024-08-07 10:00:00 +1200"),
        record(hour, "HKCategoryValueAppleStandHourIdle", "2024-08-07 10:00:00 +1200", "2024-08-07 11:00:00 +1200"),
        record(hour, "HKCategoryValueAppleStandHourStood", "2024-08-07 11:00:00 +1200", "2024-08-07 12:00:00 +1200"),
        record(hour, "HKCategoryValueAppleStandHourIdle", "2024-08-08 09:00:00 +1200", "2024-08-08 10:00:00 +1200"),
        record("AppleStandTime", 12, "2024-08-07 09:00:00 +1200", unit="min"),
    )
    assert value(daily, "2024-08-07", "apple_stand_hours") == 2
    assert value(daily, "2024-08-08", "apple_stand_hours") == 0  # worn, never stood: zero, not missing
    assert value(daily, "2024-08-07", "stand_h") == pytest.approx(0.2)
    assert "sitting_h" not in daily  # not derivable (see the docstring's Notes)


def test_records_inside_correlations_are_not_counted_twice(read: Callable[..., pd.DataFrame]) -> None:
    when = "2024-08-07 12:30:00 +1200"
    water = record("DietaryWater", 200, when, unit="mL", source="Cronometer")
    magnesium = record("DietaryMagnesium", 80, when, unit="mg", source="Cronometer")
    correlation = (
        f'<Correlation type="HKCorrelationTypeIdentifierFood" sourceName="Cronometer" startDate="{when}" '
        f'endDate="{when}"><MetadataEntry key="HKFoodType" value="Soup"/>{water}{magnesium}</Correlation>'
    )
    daily = read(water, magnesium, correlation, record("DietaryWater", 100, when, unit="mL", source="Cronometer"))
    assert value(daily, "2024-08-07", "water_ml") == 300
    assert value(daily, "2024-08-07", "magnesium_mg") == 80
    assert any("2 records inside food entries (Correlation elements)" in note for note in daily.attrs["notes"])


def test_blood_pressure_correlations_are_named_as_such(read: Callable[..., pd.DataFrame]) -> None:
    when = "2024-08-07 08:30:00 +1200"
    systolic = record("BloodPressureSystolic", 128, when, unit="mmHg", source="Withings")
    diastolic = record("BloodPressureDiastolic", 84, when, unit="mmHg", source="Withings")
    correlation = (
        f'<Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Withings" startDate="{when}" '
        f'endDate="{when}">{systolic}{diastolic}</Correlation>'
    )
    notes = read(systolic, diastolic, correlation, record("StepCount", 5, when, unit="count")).attrs["notes"]
    assert any(note.startswith("2 records inside blood-pressure readings (Correlation") for note in notes)
    assert not any("food" in note for note in notes)
    assert any("2 records of 2 types spasmlog does not use skipped" in note for note in notes)


# ------------------------------------------------------------------------------------------ days


def test_each_record_counts_on_the_local_day_of_its_own_offset(read: Callable[..., pd.DataFrame]) -> None:
    # A trip from Auckland (+1200) to San Francisco (-0700): in UTC these all fall on 2024-08-07 or 08.
    daily = read(
        record("StepCount", 100, "2024-08-07 23:30:00 +1200", unit="count"),  # 11:30 UTC on the 7th
        record("StepCount", 200, "2024-08-08 06:00:00 +1200", unit="count"),  # 18:00 UTC on the 7th
        record("StepCount", 400, "2024-08-07 16:00:00 -0700", unit="count"),  # 23:00 UTC on the 7th
        record("StepCount", 800, "2024-08-07 23:59:59 -0700", unit="count"),  # 06:59 UTC on the 8th
    )
    assert value(daily, "2024-08-07", "steps") == 100 + 400 + 800
    assert value(daily, "2024-08-08", "steps") == 200


def test_a_record_spanning_midnight_counts_on_its_start_day(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(record("StepCount", 300, "2024-08-07 23:58:00 +1200", "2024-08-08 00:04:00 +1200", unit="count"))
    assert daily["date"].tolist() == [pd.Timestamp("2024-08-07")]


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2024-03-30 23:00:00 +0000", "2024-03-31 07:00:00 +0100", 7.0),  # UK clocks go forward at 01:00
        ("2024-10-26 23:00:00 +0100", "2024-10-27 07:00:00 +0000", 9.0),  # and back at 02:00
    ],
)
def test_a_daylight_saving_night_counts_real_hours_on_the_day_it_ends(
    read: Callable[..., pd.DataFrame], start: str, end: str, hours: float
) -> None:
    daily = read(sleep("AsleepUnspecified", start, end))
    assert daily["date"].tolist() == [pd.Timestamp(end[:10])]
    assert value(daily, end[:10], "sleep_h") == pytest.approx(hours)


# ------------------------------------------------------------------------------------------ sleep


def test_sleep_counts_asleep_stages_only_and_the_night_belongs_to_the_day_it_ends(
    read: Callable[..., pd.DataFrame],
) -> None:
    daily = read(
        sleep("InBed", "2024-08-06 22:30:00 +1200", "2024-08-07 07:00:00 +1200", source=PHONE),
        sleep("AsleepCore", "2024-08-06 23:00:00 +1200", "2024-08-06 23:40:00 +1200"),  # ends before midnight
        sleep("Awake", "2024-08-06 23:40:00 +1200", "2024-08-06 23:55:00 +1200"),
        sleep("AsleepDeep", "2024-08-06 23:55:00 +1200", "2024-08-07 01:25:00 +1200"),
        sleep("AsleepREM", "2024-08-07 01:25:00 +1200", "2024-08-07 02:25:00 +1200"),
        sleep("AsleepCore", "2024-08-07 02:25:00 +1200", "2024-08-07 06:25:00 +1200"),
        sleep("Awake", "2024-08-07 06:25:00 +1200", "2024-08-07 06:45:00 +1200"),
    )
    assert daily["date"].tolist() == [pd.Timestamp("2024-08-07")]
    assert value(daily, "2024-08-07", "sleep_h") == pytest.approx((40 + 90 + 60 + 240) / 60)
    assert detail_of(daily, "2024-08-07", "sleep_h") == WATCH  # the phone's InBed is not sleep


def test_overlapping_sleep_from_one_source_is_merged_and_a_nap_is_its_own_session(
    read: Callable[..., pd.DataFrame],
) -> None:
    daily = read(
        sleep("Asleep", "2024-08-06 23:00:00 +1200", "2024-08-07 06:00:00 +1200"),
        sleep("AsleepCore", "2024-08-07 01:00:00 +1200", "2024-08-07 07:00:00 +1200"),  # overlaps: 8 h in all
        sleep("AsleepCore", "2024-08-07 01:00:00 +1200", "2024-08-07 07:00:00 +1200"),  # an exact duplicate
        sleep("AsleepUnspecified", "2024-08-07 14:00:00 +1200", "2024-08-07 14:30:00 +1200"),  # a nap
        sleep("AsleepCore", "2024-08-07 20:00:00 +1200", "2024-08-07 20:30:00 +1200"),  # an evening doze
        sleep("AsleepCore", "2024-08-07 23:30:00 +1200", "2024-08-08 06:30:00 +1200"),
    )
    assert value(daily, "2024-08-07", "sleep_h") == pytest.approx(8.0 + 0.5 + 0.5)
    assert value(daily, "2024-08-08", "sleep_h") == pytest.approx(7.0)


def test_in_bed_records_chained_for_days_do_not_pile_sleep_on_one_day(read: Callable[..., pd.DataFrame]) -> None:
    in_bed = [
        sleep(
            "InBed", f"2024-08-{day:02d} {start}:00:00 +1200", f"2024-08-{day:02d} {end}:00:00 +1200", source="Pillow"
        )
        for day in (6, 7, 8)
        for start, end in (("00", "12"), ("12", "23"), ("23", "23"))
    ]
    nights = [
        sleep("Asleep", f"2024-08-{day:02d} 01:00:00 +1200", f"2024-08-{day:02d} 07:00:00 +1200", source="Pillow")
        for day in (6, 7, 8)
    ]
    daily = read(*in_bed, *nights)
    assert daily["sleep_h"].tolist() == [6.0, 6.0, 6.0]


def test_sleep_from_two_sources_is_taken_from_one(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(
        sleep("AsleepCore", "2024-08-06 23:00:00 +1200", "2024-08-07 06:00:00 +1200"),
        sleep("Asleep", "2024-08-06 22:45:00 +1200", "2024-08-07 06:15:00 +1200", source="AutoSleep"),
    )
    assert value(daily, "2024-08-07", "sleep_h") == pytest.approx(7.0)
    overridden = read(
        sleep("AsleepCore", "2024-08-06 23:00:00 +1200", "2024-08-07 06:00:00 +1200"),
        sleep("Asleep", "2024-08-06 22:45:00 +1200", "2024-08-07 06:15:00 +1200", source="AutoSleep"),
        source_priority=["autosleep"],
    )
    assert value(overridden, "2024-08-07", "sleep_h") == pytest.approx(7.5)


# ------------------------------------------------------------------------------------------ workouts


def test_workout_pauses_are_excluded(read: Callable[..., pd.DataFrame]) -> None:
    def hour(day: int, clock: str = "08:00") -> str:
        return f"2024-08-{day:02d} {clock}:00 +1200"

    def events(day: int) -> tuple[tuple[str, str], ...]:
        return (
            ("Pause", hour(day, "07:10")),
            ("Resume", hour(day, "07:20")),
            ("MotionPaused", hour(day, "07:30")),
            ("MotionResumed", hour(day, "07:35")),
            ("Lap", hour(day, "07:40")),
        )

    daily = read(
        workout("Running", hour(7, "07:00"), hour(7), events=events(7)),  # no duration: 60 - 10 - 5
        workout("Walking", hour(8, "07:00"), hour(8), duration=45, events=events(8)),
        workout("Cycling", hour(9, "07:00"), hour(9), duration=60, events=events(9)),
        workout("Swimming", hour(10, "07:00"), hour(10), events=events(10)[:1]),
    )
    assert value(daily, "2024-08-07", "exercise_min") == pytest.approx(45)
    assert value(daily, "2024-08-08", "exercise_min") == pytest.approx(45)  # Apple's duration: pauses already out
    assert value(daily, "2024-08-09", "exercise_min") == pytest.approx(45)  # a duration that included its pauses
    assert value(daily, "2024-08-10", "exercise_min") == pytest.approx(10)  # paused at 07:10, never resumed
    assert daily["exercise_type"].tolist() == ["running", "walking", "cycling", "swimming"]
    assert "exercise_min: 95 min of workout pauses left out" in daily.attrs["notes"]  # 15 + 15 + 15 + 50


def test_exercise_type_is_the_longest_workout_and_flexibility_is_stretching(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(
        workout("Yoga", "2024-08-07 07:00:00 +1200", "2024-08-07 07:20:00 +1200", duration=20),
        workout("TraditionalStrengthTraining", "2024-08-07 17:00:00 +1200", "2024-08-07 17:50:00 +1200", duration=50),
        workout("Flexibility", "2024-08-07 18:00:00 +1200", "2024-08-07 18:15:00 +1200", duration=15),
        workout("Elliptical", "2024-08-08 07:00:00 +1200", "2024-08-08 07:30:00 +1200", duration=30),
        workout("Soccer", "2024-08-09 19:00:00 +1200", "2024-08-09 20:30:00 +1200", duration=90),
        workout("Pilates", "2024-08-10 19:00:00 +1200", "2024-08-10 20:00:00 +1200", duration=0),  # skipped
    )
    assert value(daily, "2024-08-07", "exercise_min") == 70
    assert value(daily, "2024-08-07", "exercise_type") == "strength"
    assert value(daily, "2024-08-07", "stretching_min") == 15
    assert value(daily, "2024-08-08", "exercise_type") == "other"
    assert value(daily, "2024-08-09", "exercise_type") == "team_sport"
    assert pd.Timestamp("2024-08-10") not in set(daily["date"])
    assert daily["exercise_type"].dtype == "str"
    assert set(WORKOUT_TYPES.values()) - {"stretching"} <= {
        "walking", "running", "cycling", "swimming", "strength", "yoga_pilates", "team_sport", "other",
    }  # fmt: skip


# ------------------------------------------------------------------------------------------ sources


def test_sources_are_added_up_unless_their_times_overlap(read: Callable[..., pd.DataFrame]) -> None:
    # The Health app's rule: a glass typed in by hand at 15:00 adds to a water app's glasses at other times;
    # phone and watch count the same walk (overlapping times), so only the watch's steps count there.
    daily = read(
        record("DietaryWater", 250, "2024-08-07 08:00:00 +1200", unit="mL", source="WaterMinder"),
        record("DietaryWater", 300, "2024-08-07 12:00:00 +1200", unit="mL", source="WaterMinder"),
        record("DietaryWater", 200, "2024-08-07 15:00:00 +1200", unit="mL", source="Health"),
        record("StepCount", 1000, "2024-08-07 09:00:00 +1200", "2024-08-07 09:10:00 +1200", unit="count"),
        record(
            "StepCount", 900, "2024-08-07 09:05:00 +1200", "2024-08-07 09:15:00 +1200", unit="count", source=PHONE
        ),  # overlaps the watch: left out
        record(
            "StepCount", 400, "2024-08-07 09:10:00 +1200", "2024-08-07 09:12:00 +1200", unit="count", source=PHONE
        ),  # starts as the watch's sample ends, but overlaps the phone's own first: the phone never excludes itself
        record(
            "StepCount", 700, "2024-08-07 18:00:00 +1200", "2024-08-07 18:20:00 +1200", unit="count", source=PHONE
        ),  # watch off the wrist: the phone fills the gap
    )
    assert value(daily, "2024-08-07", "water_ml") == 250 + 300 + 200
    assert value(daily, "2024-08-07", "steps") == 1000 + 400 + 700
    assert detail_of(daily, "2024-08-07", "water_ml") == "Health + WaterMinder"
    assert detail_of(daily, "2024-08-07", "steps") == f"{WATCH} + {PHONE}"
    notes = daily.attrs["notes"]
    assert (
        f"steps: 1 sample(s) from '{PHONE}' (900 steps) left out on 1 day(s): their times overlap samples from "
        f"'{WATCH}', ranked higher (default priority: entries typed into the Health app first, then Apple Watch, "
        "then iPhone, iPad or iPod, then other apps and devices)"
    ) in notes
    assert not any(note.startswith("water_ml:") for note in notes)  # nothing of the water was left out


def test_an_instant_overlaps_another_at_the_same_second_and_nothing_is_counted_twice(
    read: Callable[..., pd.DataFrame],
) -> None:
    # The water app and a hand entry at the very same second: the same glass, counted once (Health ranks first).
    daily = read(
        record("DietaryWater", 250, "2024-08-07 08:00:00 +1200", unit="mL", source="WaterMinder"),
        record("DietaryWater", 250, "2024-08-07 08:00:00 +1200", unit="mL", source="Health"),
        record("DietaryWater", 100, "2024-08-07 08:00:01 +1200", unit="mL", source="WaterMinder"),  # a second later
        record("DietaryWater", 500, "2024-08-07 07:00:00 +1200", "2024-08-07 09:00:00 +1200", unit="mL", source="Z"),
    )
    assert value(daily, "2024-08-07", "water_ml") == 250 + 100  # the long "Z" interval overlaps both: left out
    notes = " | ".join(daily.attrs["notes"])
    assert "water_ml: 1 sample(s) from 'WaterMinder' (250 mL) left out on 1 day(s)" in notes
    assert "water_ml: 1 sample(s) from 'Z' (500 mL) left out on 1 day(s): their times overlap samples from " in notes
    assert "'Health', 'WaterMinder', ranked higher (default priority" in notes  # both ranked above 'Z' by name


@pytest.mark.parametrize("health", ["Health", "Santé", "Salud", "Gezondheid", "ヘルスケア"])
def test_entries_typed_into_the_health_app_rank_first_in_the_phones_language(
    read: Callable[..., pd.DataFrame], health: str
) -> None:
    daily = read(
        record("DietaryWater", 300, "2024-08-07 08:00:00 +1200", unit="mL", source="WaterMinder"),
        record("DietaryWater", 250, "2024-08-07 08:00:00 +1200", unit="mL", source=health),
        record("StepCount", 10, "2024-08-07 09:00:00 +1200", "2024-08-07 09:01:00 +1200", unit="count"),
        record("StepCount", 99, "2024-08-07 09:00:00 +1200", "2024-08-07 09:01:00 +1200", unit="count", source=health),
    )
    assert value(daily, "2024-08-07", "water_ml") == 250
    assert value(daily, "2024-08-07", "steps") == 99  # typed in by hand: over the watch too, as the Health app does


def test_overlap_is_judged_in_real_time_across_utc_offsets(read: Callable[..., pd.DataFrame]) -> None:
    # 09:00 +1200 is 21:00 UTC the day before, and so is the phone's 10:45 +1345 (a Chatham Islands offset):
    # they overlap although the clock faces differ. The phone's 10:30 +1200 is after the watch's sample.
    daily = read(
        record("StepCount", 1000, "2024-08-07 09:00:00 +1200", "2024-08-07 09:30:00 +1200", unit="count"),
        record("StepCount", 900, "2024-08-07 10:45:00 +1345", "2024-08-07 11:00:00 +1345", unit="count", source=PHONE),
        record("StepCount", 50, "2024-08-07 10:30:00 +1200", "2024-08-07 10:31:00 +1200", unit="count", source=PHONE),
    )
    assert value(daily, "2024-08-07", "steps") == 1050


def test_source_priority_overrides_the_default(read: Callable[..., pd.DataFrame]) -> None:
    elements = (
        record("StepCount", 6000, "2024-08-07 12:00:00 +1200", "2024-08-07 13:00:00 +1200", unit="count", source=PHONE),
        record("StepCount", 8000, "2024-08-07 12:30:00 +1200", "2024-08-07 13:30:00 +1200", unit="count", source=WATCH),
        record("DietaryWater", 500, "2024-08-07 12:00:00 +1200", unit="mL", source="Health"),
        record("DietaryWater", 1500, "2024-08-07 12:00:00 +1200", unit="mL", source="Cronometer"),
    )
    default = read(*elements)
    assert value(default, "2024-08-07", "steps") == 8000
    assert value(default, "2024-08-07", "water_ml") == 500
    daily = read(*elements, source_priority=["IPHONE", "cronometer"])
    assert value(daily, "2024-08-07", "steps") == 6000
    assert value(daily, "2024-08-07", "water_ml") == 1500
    assert (
        f"steps: 1 sample(s) from '{WATCH}' (8,000 steps) left out on 1 day(s): their times overlap samples from "
        f"'{PHONE}', ranked higher (your source_priority (--prefer))"
    ) in daily.attrs["notes"]
    assert value(read(*elements, source_priority="iPhone"), "2024-08-07", "steps") == 6000  # one string: a list of one


def test_every_left_out_sample_is_counted_in_the_notes(read: Callable[..., pd.DataFrame]) -> None:
    # Three sources, three days, built so the expected totals are known by hand.
    rows = []
    expected_total = {}
    for day in ("2024-08-07", "2024-08-08", "2024-08-09"):
        rows += [
            record("StepCount", 100, f"{day} 08:00:00 +1200", f"{day} 08:10:00 +1200", unit="count"),
            record("StepCount", 90, f"{day} 08:05:00 +1200", f"{day} 08:20:00 +1200", unit="count", source=PHONE),
            record("StepCount", 80, f"{day} 08:08:00 +1200", f"{day} 08:30:00 +1200", unit="count", source="Oura"),
            record("StepCount", 60, f"{day} 08:21:00 +1200", f"{day} 08:24:00 +1200", unit="count", source="Oura"),
            record("StepCount", 70, f"{day} 20:00:00 +1200", f"{day} 20:30:00 +1200", unit="count", source="Oura"),
        ]
        # The phone overlaps the watch; Oura's first overlaps the watch; Oura's 08:21 overlaps only the phone's
        # sample, which is not counted: it counts (counted samples of different sources never overlap).
        expected_total[day] = 100 + 60 + 70
    daily = read(*rows)
    assert daily["steps"].tolist() == list(expected_total.values())
    notes = daily.attrs["notes"]
    assert f"steps: 3 sample(s) from '{PHONE}' (270 steps) left out on 3 day(s)" in " | ".join(notes)
    assert "steps: 3 sample(s) from 'Oura' (240 steps) left out on 3 day(s): their times overlap samples from " in (
        " | ".join(notes)
    )
    # read in = counted + left out, value by value
    assert daily["steps"].sum() + 270 + 240 == 3 * (100 + 90 + 80 + 60 + 70)


def test_workouts_from_two_apps_count_once_where_they_overlap(read: Callable[..., pd.DataFrame]) -> None:
    # Strava copies the watch's run into Health: summing would count the run twice; its evening ride adds up.
    daily = read(
        workout("Running", "2024-08-07 07:00:00 +1200", "2024-08-07 07:40:00 +1200", duration=40),
        workout("Running", "2024-08-07 07:00:00 +1200", "2024-08-07 07:41:00 +1200", duration=41, source="Strava"),
        workout("Cycling", "2024-08-07 18:00:00 +1200", "2024-08-07 19:00:00 +1200", duration=60, source="Strava"),
    )
    assert value(daily, "2024-08-07", "exercise_min") == 100
    assert value(daily, "2024-08-07", "exercise_type") == "cycling"  # the longest workout counted
    assert detail_of(daily, "2024-08-07", "exercise_type") == f"{WATCH} + Strava"
    assert "exercise_min: 1 sample(s) from 'Strava' (41 min) left out on 1 day(s)" in " | ".join(daily.attrs["notes"])


def test_sleep_from_a_nap_app_adds_to_the_watch_night(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(
        sleep("AsleepCore", "2024-08-06 23:00:00 +1200", "2024-08-07 06:00:00 +1200"),
        sleep("Asleep", "2024-08-07 14:00:00 +1200", "2024-08-07 14:30:00 +1200", source="Pillow"),
    )
    assert value(daily, "2024-08-07", "sleep_h") == pytest.approx(7.5)


@pytest.mark.parametrize("priority", [[""], ["Watch", "  "], [3], [None], ""])
def test_source_priority_must_be_names(read: Callable[..., pd.DataFrame], priority: Any) -> None:
    with pytest.raises(ParameterError, match="The 'source_priority' parameter of read_apple_health must be") as caught:
        read(record("StepCount", 1, "2024-08-07 12:00:00 +1200", unit="count"), source_priority=priority)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.function, error.parameter, error.value) == ("read_apple_health", "source_priority", priority)
    assert "non-empty parts of source names" in error.allowed
    assert pickle.loads(pickle.dumps(error)).value == priority


# ------------------------------------------------------------------------------------------ finding the file


def test_a_translated_file_name_inside_a_zip_is_found_by_its_root(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export_cda.xml", '<?xml version="1.0"?>\n<ClinicalDocument/>')
        zf.writestr("apple_health_export/workout-routes/route_2024-08-07.gpx", "<gpx/>")
        zf.writestr(
            "apple_health_export/eksport.xml",
            document(record("StepCount", 42, "2024-08-07 12:00:00 +0200", unit="count"), prolog=DTD),
        )
    assert find_export_xml(archive) == "apple_health_export/eksport.xml"
    daily = read_apple_health(archive, progress=False)
    assert value(daily, "2024-08-07", "steps") == 42
    assert daily.attrs["notes"][0] == "read apple_health_export/eksport.xml inside export.zip"


def test_an_unzipped_folder_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "apple_health_export"
    folder.mkdir()
    (folder / "export_cda.xml").write_text("<ClinicalDocument/>", encoding="utf-8")
    (folder / "exportar.xml").write_text(document(record("StepCount", 7, "2024-08-07 12:00:00 +0200", unit="count")))
    assert value(read_apple_health(tmp_path, progress=False), "2024-08-07", "steps") == 7
    assert value(read_apple_health(folder, progress=False), "2024-08-07", "steps") == 7


def test_apples_inline_dtd_and_the_broken_ios16_one_are_accepted(read: Callable[..., pd.DataFrame]) -> None:
    step = record("StepCount", 42, "2024-08-07 12:00:00 +0200", unit="count")
    assert value(read(step, prolog=DTD), "2024-08-07", "steps") == 42
    assert value(read(step, prolog=BROKEN_IOS16_DTD), "2024-08-07", "steps") == 42


def test_control_characters_xml_forbids_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    text = document(record("StepCount", 42, "2024-08-07 12:00:00 +0200", unit="count", source="Alex\x0bs Watch"))
    path.write_text(text, encoding="utf-8")
    daily = read_apple_health(path, progress=False)
    assert detail_of(daily, "2024-08-07", "steps") == "Alexs Watch"
    assert any("1 control characters" in note for note in daily.attrs["notes"])


# ------------------------------------------------------------------------------------------ not Apple Health


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("Date,Water (mL)\n2024-08-07,250\n", "does not start with XML markup"),
        ('<?xml version="1.0"?>\n<gpx version="1.1"/>', "its first element is <gpx>, not <HealthData>"),
        ("", "no XML element"),
        ("\ufeff<?xml version='1.0' encoding='UTF-16'?><HealthData/>".encode("utf-16"), "UTF-16"),
    ],
)
def test_a_file_that_is_not_an_apple_health_export(
    write: Callable[..., Path], content: str | bytes, match: str
) -> None:
    path = write("export.xml", content)
    with pytest.raises(ImportFormatError, match=match) as caught:
        read_apple_health(path, progress=False)
    assert caught.value.file == str(path)
    assert "Export All Health Data" in str(caught.value)


def test_a_truncated_export_names_the_line(write: Callable[..., Path]) -> None:
    text = document(record("StepCount", 1, "2024-08-07 12:00:00 +0200", unit="count"))
    path = write("export.xml", text[: text.index("</HealthData>") - 20])
    with pytest.raises(ImportFormatError, match=r"not well-formed XML at line \d+.*truncated") as caught:
        read_apple_health(path, progress=False)
    assert caught.value.detail["line"] >= 4


def test_a_zip_without_an_apple_health_export(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
    with pytest.raises(ImportFormatError, match=r"holds no Apple Health export.*export_cda\.xml"):
        read_apple_health(archive, progress=False)


def test_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(LogNotFoundError, match="does not exist"):
        read_apple_health(tmp_path / "nowhere.zip")


# ------------------------------------------------------------------------------------------ hostile files

_opened: list[str] = []
_connected: list[Any] = []
_watching = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watching:
        return
    if event == "open":
        _opened.append(str(args[0]))
    elif event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _connected.append(args)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only records while a test watches


@contextlib.contextmanager
def watching() -> Iterator[tuple[list[str], list[Any]]]:
    """Files opened and network connections attempted (Python's audit events) inside the block."""
    global _watching
    _opened.clear()
    _connected.clear()
    _watching = True
    try:
        yield _opened, _connected
    finally:
        _watching = False


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE HealthData [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<HealthData><Record type="HKQuantityTypeIdentifierStepCount" sourceName="&lol9;" value="1"
 startDate="2024-08-07 12:00:00 +0200" endDate="2024-08-07 12:00:00 +0200"/></HealthData>
"""


def _xxe(target: str) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData ANY>
<!ENTITY xxe SYSTEM "{target}">
]>
<HealthData><Record type="HKQuantityTypeIdentifierStepCount" sourceName="&xxe;" value="1"
 startDate="2024-08-07 12:00:00 +0200" endDate="2024-08-07 12:00:00 +0200"/></HealthData>
"""


@pytest.mark.parametrize(
    ("name", "make", "match"),
    [
        ("billion laughs", lambda secret: BILLION_LAUGHS, "declares entities"),
        ("XXE, local file", lambda secret: _xxe(secret.as_uri()), "declares entities"),
        ("XXE, URL", lambda secret: _xxe("http://127.0.0.1:9/health.txt"), "declares entities"),
        (
            "parameter entity",
            lambda secret: f'<!DOCTYPE HealthData [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]><HealthData/>',
            "declares entities",
        ),
        (
            "external DTD",
            lambda secret: f'<!DOCTYPE HealthData SYSTEM "{secret.as_uri()}"><HealthData/>',
            "refers to an external DTD",
        ),
        (
            "public DTD",
            lambda secret: '<!DOCTYPE HealthData PUBLIC "-//X//EN" "http://127.0.0.1:9/x.dtd"><HealthData/>',
            "refers to an external DTD",
        ),
    ],
)
def test_hostile_xml_is_refused_without_reading_or_fetching_anything(
    tmp_path: Path, name: str, make: Callable[[Path], str], match: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "export.xml"
    path.write_text(make(secret), encoding="utf-8")
    with watching() as (opened, connected), pytest.raises(UnsafeFileError, match=match) as caught:
        read_apple_health(path, progress=False)
    assert str(path) in opened  # the watch works: it saw the export itself being opened
    assert str(secret) not in opened, f"{name}: the file named by the entity was opened"
    assert connected == [], f"{name}: a network connection was attempted"
    assert "TOP-SECRET" not in str(caught.value)
    assert caught.value.file == str(path)
    assert pickle.loads(pickle.dumps(caught.value)).file == str(path)


def test_hostile_xml_inside_a_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("apple_health_export/export.xml", BILLION_LAUGHS)
    with pytest.raises(UnsafeFileError, match="billion laughs"):
        read_apple_health(archive, progress=False)


@pytest.mark.parametrize("entry", ["../../evil.xml", "apple_health_export/../../evil.xml", "/etc/evil.xml", "C:evil"])
def test_a_zip_with_a_path_traversal_entry_is_refused(tmp_path: Path, entry: str) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("apple_health_export/export.xml", document())
        zf.writestr(zipfile.ZipInfo(entry), "<HealthData/>")  # ZipInfo keeps the name as given
    with pytest.raises(UnsafeFileError, match="path traversal") as caught:
        read_apple_health(archive, progress=False)
    assert caught.value.detail["entry"] == entry


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    filler = b" " * (1 << 20)
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("apple_health_export/export.xml", "w") as member,
    ):
        member.write(b'<?xml version="1.0"?>\n<HealthData locale="en_US">')
        for _ in range(80):  # 80 MiB of blanks: about 1000:1
            member.write(filler)
        member.write(b"</HealthData>")
    assert archive.stat().st_size < 1 << 20
    with pytest.raises(UnsafeFileError, match=r"zip bomb") as caught:
        read_apple_health(archive, progress=False)
    assert caught.value.detail["ratio"] > 100


# ------------------------------------------------------------------------------------------ progress


def test_progress_bar_shows_bytes_read(read: Callable[..., pd.DataFrame], capsys: pytest.CaptureFixture[str]) -> None:
    read(record("StepCount", 1, "2024-08-07 12:00:00 +0200", unit="count"), progress=True)
    assert "B/s" in capsys.readouterr().err
    read(record("StepCount", 1, "2024-08-07 12:00:00 +0200", unit="count"))  # auto: stderr is captured, no bar
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------------------------------ real exports


def _reference(name: str) -> Path:
    path = FORMATS / name
    require_reference(path)
    return path


def test_reference_export_with_inline_dtd_pauses_and_emoji_sources() -> None:
    daily = read_apple_health(_reference("applehealth_sampleexport-2__opendroid-hk.xml"), progress=False)
    assert value(daily, "2014-09-19", "steps") == 143 + 66 + 223
    # 204.68 min: Apple's duration already leaves out the 10.6 min pause between 12:34:32 and 12:45:08
    assert value(daily, "2018-02-10", "exercise_min") == pytest.approx(204.681023834149)
    assert value(daily, "2018-02-10", "exercise_type") == "walking"
    assert value(daily, "2016-02-25", "exercise_min") == pytest.approx(50)  # two Lose It! entries
    assert value(daily, "2015-07-14", "apple_stand_hours") == 1
    assert any("types spasmlog does not use skipped" in note for note in daily.attrs["notes"])


def test_reference_export_of_healthkit_to_sqlite(tmp_path: Path) -> None:
    source = _reference("applehealth_export__healthkit-to-sqlite_tests.xml")
    daily = read_apple_health(source, progress=False)
    assert value(daily, "2016-11-14", "exercise_min") == pytest.approx(5.19412346680959)
    assert value(daily, "2016-11-14", "exercise_type") == "running"
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # the same file in a zip, read from a temporary copy
        zf.writestr("apple_health_export/export.xml", source.read_bytes())
    pd.testing.assert_frame_equal(read_apple_health(archive, progress=False), daily)


def test_find_export_xml_accepts_an_open_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a/export.xml", "<HealthData/>")
    with zipfile.ZipFile(buffer) as zf:
        assert find_export_xml(zf) == "a/export.xml"


# ------------------------------------------------------------------------------------------ standard drink


def test_drink_g_sets_the_grams_of_each_alcoholic_beverage(read: Callable[..., pd.DataFrame]) -> None:
    drinks = record("NumberOfAlcoholicBeverages", 2, "2024-08-07 20:00:00 +0200", unit="count")
    assert value(read(drinks), "2024-08-07", "alcohol_g") == 20.0  # the WHO's 10 g by default
    daily = read(drinks, drink_g=14)
    assert value(daily, "2024-08-07", "alcohol_g") == 28.0
    assert "counted as 14 g of ethanol each" in " ".join(daily.attrs["notes"])


@pytest.mark.parametrize("bad", [0, -10, float("nan"), "14"])
def test_a_drink_size_that_is_no_positive_number_is_refused(read: Callable[..., pd.DataFrame], bad: object) -> None:
    from spasmlog.errors import ParameterError

    with pytest.raises(ParameterError, match="'drink_g' parameter of read_apple_health"):
        read(record("NumberOfAlcoholicBeverages", 2, "2024-08-07 20:00:00 +0200", unit="count"), drink_g=bad)


def test_spasmlog_import_passes_drink_g_to_apple_health_and_to_the_merge(tmp_path: Path) -> None:
    from spasmlog.cli import main

    export = tmp_path / "export.xml"
    export.write_text(
        document(
            record("NumberOfAlcoholicBeverages", 2, "2024-08-07 20:00:00 +0200", unit="count"),
            record("NumberOfAlcoholicBeverages", 1, "2024-08-08 20:00:00 +0200", unit="count"),
        ),
        encoding="utf-8",
    )
    grams, counted = tmp_path / "grams", tmp_path / "counted"
    grams.mkdir()
    counted.mkdir()
    (grams / "daily.csv").write_text("date,stress\n2024-08-07,3\n", encoding="utf-8")
    (counted / "daily.csv").write_text("date,Alcohol (drinks)\n2024-08-07,\n", encoding="utf-8")
    for folder in (grams, counted):
        assert main(["import", "apple-health", str(export), "--into", str(folder), "--drink-g", "14"]) == 0
    assert pd.read_csv(grams / "daily.csv")["alcohol_g"].tolist() == [28.0, 14.0]
    # the person's own column counts drinks of 14 g: 28 g and 14 g are written back as 2 and 1 drinks
    assert pd.read_csv(counted / "daily.csv")["Alcohol (drinks)"].tolist() == [2, 1]


# ------------------------------------------------------------------------------------------ iOS 8 and 9 exports


def old_record(
    kind: str, value: str | float, start: str, end: str, *, source: str, unit: str = "", extra: str = ""
) -> str:
    """A ``<Record>`` as iOS 8 and 9 wrote it: ``source=``, compact dates, metadata as attributes."""
    full = kind if kind.startswith("HK") else f"{HK}{kind}"
    unit_text = f' unit="{unit}"' if unit else ""
    return (
        f'<Record type="{full}" source="{source}"{unit_text} startDate="{start}" endDate="{end}" value="{value}"'
        f"{extra}/>"
    )


def old_document(*elements: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="de_DE">\n'
        ' <ExportDate value="20151201090000+0100"/>\n'
        ' <Me HKCharacteristicTypeIdentifierDateOfBirth="19800101" '
        'HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>\n '
        + "\n ".join(elements)
        + "\n</HealthData>\n"
    )


def test_an_ios8_export_with_compact_dates_and_source_attributes_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(
        old_document(
            old_record(
                "StepCount",
                23,
                "20151107171924+0100",
                "20151107172924+0100",
                source="Annas iPhone",
                unit="count",
                extra=' HKMetadataKeyDeviceName="iPhone"',
            ),
            old_record(
                "StepCount", 1200, "20151107235000+0100", "20151108000500+0100", source="Annas iPhone", unit="count"
            ),  # spans midnight: counts on its start day
            old_record(
                "DietaryWater",
                0.25,
                "20151107120000+0100",
                "20151107120000+0100",
                source="Health",
                unit="L",
                extra=' HKWasUserEntered="1"',
            ),
            old_record(
                "DietaryWater", 330, "20151107150000+0100", "20151107150000+0100", source="Waterlogged", unit="mL"
            ),
            old_record(
                "HKCategoryTypeIdentifierSleepAnalysis",
                "HKCategoryValueSleepAnalysisAsleep",
                "20151107233000+0100",
                "20151108061500+0100",
                source="Sleep Cycle",
            ),
            '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="31.5" durationUnit="min" '
            'totalDistance="5.1" totalDistanceUnit="km" source="Runtastic" startDate="20151108080000+0100" '
            'endDate="20151108083130+0100"/>',
        ),
        encoding="utf-8",
    )
    daily = read_apple_health(path, progress=False)
    assert daily["date"].dt.strftime("%Y-%m-%d").tolist() == ["2015-11-07", "2015-11-08"]
    assert value(daily, "2015-11-07", "steps") == 1223
    assert value(daily, "2015-11-07", "water_ml") == 580
    assert value(daily, "2015-11-08", "sleep_h") == pytest.approx(6.75)
    assert value(daily, "2015-11-08", "exercise_min") == 31.5
    assert value(daily, "2015-11-08", "exercise_type") == "running"
    assert detail_of(daily, "2015-11-07", "steps") == "Annas iPhone"
    assert detail_of(daily, "2015-11-08", "sleep_h") == "Sleep Cycle"
    assert "5 records with dates in the iOS 8/9 form (20151107171924+0100) read" in daily.attrs["notes"]


def test_old_and_new_records_in_one_export_overlap_by_real_time(read: Callable[..., pd.DataFrame]) -> None:
    # A long-time user's export: a 2015 record in the iOS 8 form beside the same walk in today's form.
    daily = read(
        old_record("StepCount", 500, "20150601090000+0200", "20150601091000+0200", source="Health Mate", unit="count"),
        record("StepCount", 480, "2015-06-01 09:02:00 +0200", "2015-06-01 09:08:00 +0200", unit="count"),
    )
    assert value(daily, "2015-06-01", "steps") == 480  # the watch outranks Health Mate where they overlap


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20151107171924+0100", "2015-11-07 17:19:24 +0100"),
        ("20151107171924 -0430", "2015-11-07 17:19:24 -0430"),
        ("20151107T171924Z", "2015-11-07 17:19:24 +0000"),
        ("2015-11-07T17:19:24+01:00", "2015-11-07 17:19:24 +0100"),
        ("2015-11-07 7:19:24 +0100", "2015-11-07 07:19:24 +0100"),
        ("2015-11-07 17:19:24 +0100", "2015-11-07 17:19:24 +0100"),
        ("gestern", "gestern"),
    ],
)
def test_dates_of_every_ios_version_are_read(text: str, expected: str) -> None:
    from spasmlog.importers.apple_health import _canonical

    assert _canonical(text) == expected


def test_an_export_whose_records_are_all_unreadable_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(
        old_document(
            old_record("StepCount", 23, "gestern", "heute", source="iPhone", unit="count"),
            old_record(
                "DietaryWater", "viel", "20151107120000+0100", "20151107120000+0100", source="Health", unit="mL"
            ),
            old_record("DietaryWater", 2, "20151107120000+0100", "20151107120000+0100", source="Health", unit="Eimer"),
            old_record("HeartRate", 60, "20151107120000+0100", "20151107120000+0100", source="Watch", unit="count/min"),
        ),
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError, match=r"none of its 3 records of the kinds spasmlog uses could be read") as c:
        read_apple_health(path, progress=False)
    message = str(c.value)
    assert "\n" not in message
    assert f"1 {HK}StepCount: unreadable date" in message
    assert f"1 {HK}DietaryWater: no number in the value" in message
    assert f"1 {HK}DietaryWater: unit 'Eimer' cannot be converted" in message
    assert "HeartRate" not in message


def test_values_that_are_no_finite_number_are_skipped_not_summed(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(
        record("DietaryWater", 250, "2024-08-07 08:00:00 +1200", unit="mL"),
        record("DietaryWater", "NaN", "2024-08-07 09:00:00 +1200", unit="mL"),
        record("DietaryWater", "inf", "2024-08-07 10:00:00 +1200", unit="mL"),
    )
    assert value(daily, "2024-08-07", "water_ml") == 250
    assert f"2 {HK}DietaryWater records skipped: no readable number in their value" in daily.attrs["notes"]


def test_an_export_with_nothing_spasmlog_uses_is_not_an_error(read: Callable[..., pd.DataFrame]) -> None:
    daily = read(record("HeartRate", 60, "2024-08-07 12:00:00 +1200", unit="count/min"))
    assert len(daily) == 0


def spaced_record(day: str, steps: int) -> str:
    return (
        f'<Record type="{HK}StepCount" source="Health Mate" unit="count" startDate="{day}120000+0100" '
        f'endDate="{day}121000+0100" value="{steps}" Health Mate App Version="2.6.2" '
        'Withings User Identifier="1234" Gerät Modell = "Pulse Ox"/>'
    )


def test_attribute_names_with_spaces_are_repaired(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(old_document(spaced_record("20151107", 4000), spaced_record("20151108", 5000)), encoding="utf-8")
    daily = read_apple_health(path, progress=False)
    assert daily["steps"].tolist() == [4000, 5000]
    notes = " | ".join(daily.attrs["notes"])
    assert (
        "6 attribute names with spaces, which XML does not allow, read as if written with underscores: "
        "'Health Mate App Version' (2), 'Withings User Identifier' (2), 'Gerät Modell' (2)"
    ) in notes


def test_attribute_names_with_spaces_across_chunk_boundaries_are_repaired(tmp_path: Path) -> None:
    # Over 3 MiB: the 1 MiB chunks cut some of these tags in two, wherever they fall.
    count = 14_000
    days = [f"2015{month:02d}{day:02d}" for month in range(1, 13) for day in range(1, 29)]
    path = tmp_path / "export.xml"
    path.write_text(
        old_document(*(spaced_record(days[i % len(days)], 1 + i % 7) for i in range(count))), encoding="utf-8"
    )
    assert path.stat().st_size > 3 * (1 << 20)
    daily = read_apple_health(path, progress=False)
    expected = {day: 0 for day in days}
    for i in range(count):
        expected[days[i % len(days)]] += 1 + i % 7
    assert daily["steps"].tolist() == list(expected.values())
    assert f"{3 * count:,} attribute names with spaces" in " | ".join(daily.attrs["notes"])


def test_the_repair_gives_the_same_bytes_wherever_the_chunks_are_cut() -> None:
    from spasmlog.importers.apple_health import _Collected, _NameRepair

    text = old_document(spaced_record("20151107", 1), spaced_record("20151108", 2)).encode("utf-8")
    whole = _NameRepair(_Collected())(text, True)
    assert b"Health_Mate_App_Version=" in whole and "Gerät_Modell =".encode() in whole
    assert whole.count(b"\n") == text.count(b"\n")
    for cut in range(1, len(text)):
        repair = _NameRepair(_Collected())
        assert repair(text[:cut], False) + repair(text[cut:], False) + repair(b"", True) == whole, cut


def test_a_damaged_export_with_spaced_names_is_still_called_damaged(write: Callable[..., Path]) -> None:
    text = old_document(spaced_record("20151107", 1), spaced_record("20151108", 2))
    path = write("export.xml", text[: text.index("</HealthData>") - 30])
    with pytest.raises(ImportFormatError, match=r"not well-formed XML at line \d+.*truncated"):
        read_apple_health(path, progress=False)


def test_a_zipped_export_with_spaced_names_is_read_again_from_the_zip(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/Export.xml", old_document(spaced_record("20151107", 4000)))
    assert value(read_apple_health(archive, progress=False), "2015-11-07", "steps") == 4000


def test_spasmlog_import_of_an_unreadable_export_exits_non_zero_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spasmlog.cli import main

    export = tmp_path / "export.xml"
    export.write_text(old_document(old_record("StepCount", 2, "gestern", "heute", source="iPhone")), encoding="utf-8")
    log = tmp_path / "log"
    log.mkdir()
    (log / "daily.csv").write_text("date,stress\n2015-11-07,3\n", encoding="utf-8")
    assert main(["import", "apple-health", str(export), "--into", str(log)]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "none of its 1 records of the kinds spasmlog uses could be read" in err
    assert (log / "daily.csv").read_text(encoding="utf-8") == "date,stress\n2015-11-07,3\n"


@pytest.mark.parametrize("shift", [-15, -9, -6, -3, 0, 2, 6])
def test_a_first_spaced_name_cut_by_the_first_chunk_boundary_is_still_repaired(tmp_path: Path, shift: int) -> None:
    # The reader takes the first 64 KiB, then 1 MiB blocks: put "Health Mate App Version" across byte 65,536.
    filler = record("StepCount", 1, "2015-11-06 10:00:00 +0100", unit="count", source="Health Mate")
    head = old_document(*[filler] * 200).split("\n</HealthData>")[0] + "\n "
    spaced = spaced_record("20151107", 4000)
    cut_at = 65_536 + shift - len(head.encode()) - spaced.index("Mate App") - len("<!---->")
    assert cut_at > 0
    path = tmp_path / "export.xml"
    path.write_text(head + "<!--" + "x" * cut_at + "-->" + spaced + "\n</HealthData>\n", encoding="utf-8")
    data = path.read_bytes()
    name = data.index(b"Health Mate App Version")
    assert name < 65_536 < name + len("Health Mate App Version")
    daily = read_apple_health(path, progress=False)
    assert value(daily, "2015-11-07", "steps") == 4000
    assert value(daily, "2015-11-06", "steps") == 200


# ------------------------------------------------------------------------------------------ fast paths


def test_attributes_are_found_in_any_order_even_when_it_changes_from_record_to_record(
    read: Callable[..., pd.DataFrame],
) -> None:
    # The reader remembers where each type's attributes sat last time: records of one type whose attributes
    # come in other orders, or go missing, must each be read by name.
    water = f"{HK}DietaryWater"
    daily = read(
        record("DietaryWater", 250, "2024-08-07 08:00:00 +1200", unit="mL", source="Health"),
        f'<Record value="0.5" unit="L" startDate="2024-08-07 09:00:00 +1200" type="{water}" sourceName="Health" '
        'endDate="2024-08-07 09:00:00 +1200"/>',  # 500 mL, every attribute elsewhere
        f'<Record type="{water}" sourceName="Health" startDate="2024-08-07 10:00:00 +1200" value="100"/>',  # no unit
        f'<Record type="{water}" source="Health" unit="mL" startDate="2024-08-07 11:00:00 +1200" value="40"/>',  # iOS 8
        f'<Record type="{water}" sourceName="Health" unit="mL" startDate="2024-08-07 12:00:00 +1200"/>',  # no value
        record("DietaryWater", 60, "2024-08-07 13:00:00 +1200", unit="mL", source="Health"),
    )
    # 250 + 500 + 40 (no endDate: an instant) + 60; the record without a unit and the one without a value are
    # reported, not counted.
    assert value(daily, "2024-08-07", "water_ml") == 850.0
    notes = " ".join(daily.attrs["notes"])
    assert f"1 {water} records skipped: their unit None cannot be converted" in notes
    assert f"1 {water} records skipped: no readable number in their value" in notes


def test_a_day_seen_in_two_utc_offsets_keeps_each_offset(read: Callable[..., pd.DataFrame]) -> None:
    # A flight from Auckland (+1200) to Sydney (+1000) on 7 August. The reader caches each day's midnight for
    # the offset it saw first, and each clock time: 12:00 in Sydney must not be read as 12:00 in Auckland.
    daily = read(
        record("StepCount", 100, "2024-08-07 09:00:00 +1200", "2024-08-07 09:10:00 +1200", unit="count"),
        record("StepCount", 200, "2024-08-07 12:00:00 +1200", "2024-08-07 12:10:00 +1200", unit="count"),  # 00:00 UTC
        record("StepCount", 300, "2024-08-07 12:00:00 +1000", "2024-08-07 12:10:00 +1000", unit="count"),  # 02:00 UTC
        # the phone, ranked lower: 02:05-02:15 UTC overlaps the watch's Sydney walk (02:00-02:10 UTC) only
        record("StepCount", 70, "2024-08-07 12:05:00 +1000", "2024-08-07 12:15:00 +1000", unit="count", source=PHONE),
        # 20:00-20:10 UTC of the 6th... written as Auckland time, 08:00 +1200, overlaps nothing
        record("StepCount", 50, "2024-08-07 08:00:00 +1200", "2024-08-07 08:10:00 +1200", unit="count", source=PHONE),
    )
    assert value(daily, "2024-08-07", "steps") == 100 + 200 + 300 + 50
    assert "steps: 1 sample(s) from 'Alex’s iPhone' (70 steps) left out" in " ".join(daily.attrs["notes"])


def test_control_characters_are_removed_wherever_they_fall(tmp_path: Path) -> None:
    # Chunks are checked for forbidden control characters before any is removed: one in the first chunk,
    # one past the first MiB, and a file without any, give the same total.
    filler = record("HeartRate", 60, "2024-08-07 08:00:00 +1200", unit="count/min") + "\n"
    body = [filler] * (2 * (1 << 20) // len(filler))
    water = record("DietaryWater", "25\x0b0", "2024-08-07 08:00:00 +1200", unit="mL", source="Health")
    late = record("DietaryWater", "5\x0c0", "2024-08-07 09:00:00 +1200", unit="mL", source="Health")
    path = tmp_path / "export.xml"
    path.write_text(document(water, *body, late), encoding="utf-8")
    daily = read_apple_health(path, progress=False)
    assert value(daily, "2024-08-07", "water_ml") == 300.0
    assert "2 control characters that XML forbids" in " ".join(daily.attrs["notes"])


def test_common_unit_factors_are_pints() -> None:
    # The units every export carries are converted without building pint's registry: by pint's own factors.
    from spasmlog.importers.apple_health import _APPLE_UNITS, _COMMON_FACTORS
    from spasmlog.logformat.units import convert_factor

    for (unit, target), factor in _COMMON_FACTORS.items():
        assert factor == convert_factor(_APPLE_UNITS[unit], target), (unit, target)


def test_a_sleep_record_with_one_date_without_offset_is_unreadable_not_a_crash(
    read: Callable[..., pd.DataFrame],
) -> None:
    # Found by a fuzzer: a naive end compared with an aware start raised TypeError and stopped the import.
    daily = read(
        sleep("AsleepCore", "2024-08-07 01:00:00 +1200", "2024-08-07 07:00:00"),
        sleep("AsleepCore", "2024-08-08 01:00:00 +1200", "2024-08-08 07:00:00 +1200"),
    )
    assert value(daily, "2024-08-08", "sleep_h") == 6.0
    assert "1 sleep records skipped: unreadable start or end date" in daily.attrs["notes"]


def test_records_and_unreadable_records_are_counted_for_the_import_summary(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    record = '<Record type="{}" sourceName="{}" unit="{}" startDate="{}" endDate="{}" value="{}"/>\n'
    at = "2024-01-01 10:00:00 +0100"
    export.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="de_DE">\n'
        + record.format(f"{HK}StepCount", PHONE, "count", at, at, "120")
        + record.format(f"{HK}StepCount", PHONE, "count", "gestern", "gestern", "80")  # unreadable date
        + record.format(f"{HK}HeartRate", WATCH, "count/min", at, at, "61")  # a kind spasmlog does not use
        + "</HealthData>\n",
        encoding="utf-8",
    )
    table = read_apple_health(export)
    assert (table.attrs["records"], table.attrs["unreadable"]) == (3, 1)


def test_attribute_values_are_read_as_xml_defines_them(read: Callable[..., pd.DataFrame]) -> None:
    # XML 1.0 section 3.3.3: references are replaced, and a tab or line end written in a value reads as a space
    # (a line feed written as &#10; stays one). Hand-written: the value 2&#53;0 is 250, the sources below are
    # "Tom & Jerry’s" and "Water App".
    daily = read(
        record("DietaryWater", "2&#53;0", "2024-08-07 08:00:00 +1200", unit="mL", source="Tom &amp; Jerry&#x2019;s"),
        record("DietaryWater", "100", "2024-08-07 13:00:00 +1200", unit="m&#76;", source="Water\tApp"),
    )
    assert value(daily, "2024-08-07", "water_ml") == 350
    assert detail_of(daily, "2024-08-07", "water_ml") == "Tom & Jerry’s + Water App"


def test_an_undeclared_entity_is_called_damaged_and_names_its_line(write: Callable[..., Path]) -> None:
    # No DTD is loaded, so &nbsp; is declared nowhere: the file is not well-formed, and nothing is fetched.
    text = document(
        record("StepCount", 1, "2024-08-07 12:00:00 +0200", unit="count"),
        record("StepCount", 2, "2024-08-07 13:00:00 +0200", unit="count", source="Alex&nbsp;Phone"),
    )
    path = write("export.xml", text)
    with pytest.raises(ImportFormatError, match=r"not well-formed XML at line 6, .*undefined entity") as caught:
        read_apple_health(path, progress=False)
    assert caught.value.detail["line"] == 6


# ------------------------------------------------------------------------------------------ the person (<Me>)

CHAR = "HKCharacteristicTypeIdentifier"
STEPS = record("StepCount", 900, "2024-08-07 09:00:00 +1200", "2024-08-07 09:30:00 +1200", unit="count")


def me(sex: str | None = "HKBiologicalSexFemale", born: str | None = "1984-06-02", **others: str) -> str:
    """A ``<Me>`` element as Apple writes it; ``None`` leaves an attribute out."""
    attributes = {"DateOfBirth": born, "BiologicalSex": sex, **others}
    return "<Me " + " ".join(f'{CHAR}{name}="{text}"' for name, text in attributes.items() if text is not None) + "/>"


@pytest.fixture
def read_profile(tmp_path: Path) -> Callable[..., pd.DataFrame]:
    """Write an export.xml whose ``<Me/>`` is ``element`` (``""``: no ``<Me>`` at all) and read it."""

    def _read(element: str, *elements: str) -> pd.DataFrame:
        path = tmp_path / "export.xml"
        path.write_text(document(*(elements or (STEPS,))).replace("<Me/>", element), encoding="utf-8")
        return read_apple_health(path, progress=False)

    return _read


def facts(frame: pd.DataFrame) -> list[dict[str, str]]:
    """``attrs["people"]`` without each entry's ``detail`` (how each value was got)."""
    return [{key: text for key, text in entry.items() if key != "detail"} for entry in frame.attrs["people"]]


def profile_notes(frame: pd.DataFrame) -> list[str]:
    return [note for note in frame.attrs["notes"] if "Health profile" in note or "<Me>" in note]


def test_the_health_profile_gives_sex_and_the_year_of_birth_only(read_profile: Callable[..., pd.DataFrame]) -> None:
    frame = read_profile(
        me(
            BloodType="HKBloodTypeNotSet",
            FitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet",
            CardioFitnessMedicationsUse="None",
        )
    )
    assert facts(frame) == [{"sex": "female", "birth_year": "1984"}]
    assert frame.attrs["people"][0]["detail"] == {
        "sex": "the Health profile's HKBiologicalSexFemale",
        "birth_year": "the year of the Health profile's date of birth (the full date is not kept)",
    }
    notes = profile_notes(frame)
    assert len(notes) == 1
    assert notes[0].startswith("Health profile (<Me>): sex female and birth year 1984 for people.csv")
    assert "the full date of birth is more identifying than the analysis needs" in notes[0]
    assert "06-02" not in " ".join(frame.attrs["notes"])  # the full date is said nowhere
    assert frame["steps"].tolist() == [900.0]  # the days are read as before


def test_sex_other_is_kept_and_characteristics_spasmlog_does_not_use_are_named(
    read_profile: Callable[..., pd.DataFrame],
) -> None:
    frame = read_profile(me("HKBiologicalSexOther", BloodType="HKBloodTypeANegative"))
    assert facts(frame) == [{"sex": "other", "birth_year": "1984"}]
    assert "Health profile: BloodType not imported (spasmlog does not use them)" in frame.attrs["notes"]
    assert "ANegative" not in " ".join(frame.attrs["notes"])


def test_what_the_person_left_unset_is_not_recorded_never_guessed(read_profile: Callable[..., pd.DataFrame]) -> None:
    frame = read_profile(me("HKBiologicalSexNotSet", ""))
    assert "people" not in frame.attrs
    assert profile_notes(frame) == ["Health profile: sex and date of birth not set in the Health app: not recorded"]
    frame = read_profile(me(None, "1990-02-02"))  # no sex attribute at all (older exports, other writers)
    assert facts(frame) == [{"birth_year": "1990"}]
    assert "Health profile: sex not set in the Health app: not recorded" in frame.attrs["notes"]


def test_an_export_without_a_me_element_says_so(read_profile: Callable[..., pd.DataFrame]) -> None:
    frame = read_profile("")
    assert "people" not in frame.attrs
    assert profile_notes(frame) == [
        "no <Me> element (the Health profile) in the export: sex and birth year not imported"
    ]
    assert frame["steps"].tolist() == [900.0]


@pytest.mark.parametrize(
    ("born", "why"),
    [
        ("2999-01-01", "lies in the future"),
        ("1984-13-45", "is not a date of the calendar"),
        ("02/06/1984", "is not a date in the form Apple writes (1984-06-02)"),
        ("1850-03-01", "is before 1900, the earliest birth year the log format accepts"),
    ],
)
def test_a_date_of_birth_in_the_future_or_unreadable_is_reported_and_sex_still_kept(
    read_profile: Callable[..., pd.DataFrame], born: str, why: str
) -> None:
    frame = read_profile(me("HKBiologicalSexMale", born))
    assert facts(frame) == [{"sex": "male"}]
    assert f"Health profile: date of birth {born!r} {why}: birth year not recorded" in frame.attrs["notes"]


def test_a_sex_apple_does_not_write_is_reported_not_guessed(read_profile: Callable[..., pd.DataFrame]) -> None:
    frame = read_profile(me("2", "1984-06-02"))  # HealthKit's raw code for male, as a third-party tool might write
    assert facts(frame) == [{"birth_year": "1984"}]
    said = "Health profile: sex '2' is none of HKBiologicalSexFemale"
    assert any(note.startswith(said) for note in frame.attrs["notes"])


def test_several_me_elements_the_first_is_read_and_a_difference_said(
    read_profile: Callable[..., pd.DataFrame],
) -> None:
    frame = read_profile(me() + "\n " + me("HKBiologicalSexMale", "1970-01-01"))
    assert facts(frame) == [{"sex": "female", "birth_year": "1984"}]
    assert (
        "2 <Me> elements in the export (Apple writes one): the first one read; the others say something else"
        in frame.attrs["notes"]
    )


def test_an_ios8_profile_with_a_compact_date_of_birth_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text(
        old_document(
            old_record("StepCount", 23, "20151107171924+0100", "20151107172924+0100", source="Anna", unit="count")
        ),
        encoding="utf-8",
    )  # <Me DateOfBirth="19800101" BiologicalSex="HKBiologicalSexFemale"/>
    assert facts(read_apple_health(path, progress=False)) == [{"sex": "female", "birth_year": "1980"}]


def test_several_exports_read_together_keep_the_first_profile(tmp_path: Path) -> None:
    from spasmlog.importers import read_export

    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    first.write_text(document(STEPS).replace("<Me/>", me()), encoding="utf-8")
    second.write_text(document(STEPS).replace("<Me/>", me(born="1985-06-02")), encoding="utf-8")
    combined = read_export("apple-health", [first, second], progress=False)
    assert facts(combined) == [{"sex": "female", "birth_year": "1984"}]
    assert any("its Health profile says something else" in note for note in combined.attrs["notes"])
    none_first = tmp_path / "c.xml"
    none_first.write_text(document(STEPS), encoding="utf-8")  # <Me/>: nothing set
    assert facts(read_export("apple-health", [none_first, second], progress=False)) == [
        {"sex": "female", "birth_year": "1985"}
    ]


@pytest.mark.parametrize(
    ("name", "people"),
    [
        ("applehealth_export__healthkit-to-sqlite_tests.xml", [{"sex": "male", "birth_year": "1990"}]),
        ("applehealth_sampleexport-2__opendroid-hk.xml", [{"sex": "male", "birth_year": "1971"}]),
    ],
)
def test_the_profiles_of_the_reference_exports(name: str, people: list[dict[str, str]]) -> None:
    path = FORMATS / name
    require_reference(path)
    assert facts(read_apple_health(path, progress=False)) == people
