"""Property-based: whatever a person types in a cell, the reader gives a table or a SpasmlogError.

Never another exception, never a lost row: rows read = valid rows + quarantined rows.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spasmlog
from spasmlog.errors import SpasmlogError
from spasmlog.logformat.schemas import TABLES, field_specs

HEADERS = {
    "daily": [
        "date",
        "Water (L)",
        "water cups",
        "Magnesium (g)",
        "Sitting (min)",
        "sleep_h",
        "warmup",
        "steps",
        "exercise_min",
        "exercise_type",
        "exercise_rpe",
        "stress",
        "spasm_count",
        "banana",
        "notes",
    ],
    "spasms": ["start", "body_region", "side", "intensity", "duration", "kind", "context", "relief", "extra"],
    "interventions": ["name", "kind", "start", "end", "dose"],
    "people": ["person_id", "sex", "birth_year", "magnesium_target_mg"],
}

plausible = st.sampled_from(
    [
        "",
        " ",
        "0",
        "1",
        "-1",
        "1,5",
        "1.5",
        "1.500",
        "1,234.5",
        "2026-01-27",
        "1/27/2026",
        "27/01/2026",
        "03/04/2026",
        "2026-01-27 23:40",
        "1/27/2026 11:40 PM",
        "TRUE",
        "no",
        "calf",
        "Lower back",
        "L",
        "1:30",
        "1m30s",
        "2 min",
        "stretch;water",
        "n/a",
        "NaN",
        "inf",
        "-inf",
        "1e308",
        "9" * 30,
        "2099-12-31",
        "31/02/2026",
        "0000-00-00",
        "24:00",
        "99:99",
        "—",
        "\u00a0",
        "🦵",
        "=SUM(A1)",
        '"',
        "'",
        ";",
        "\t",
    ]
)
cells = st.one_of(plausible, st.text(max_size=12), st.floats(allow_nan=True).map(repr), st.integers().map(str))


def _rows_read(log: spasmlog.Log) -> int:
    return int(log.sources["rows_read"].sum())


def _check_totals(log: spasmlog.Log) -> None:
    valid = sum(len(log.table(t)) for t in TABLES)
    assert _rows_read(log) == valid + len(log.quarantine)
    for table in TABLES:
        frame = log.table(table)
        for name, spec in field_specs(table).items():
            if name in frame:
                assert str(frame[name].dtype) == spec.dtype, (table, name, frame[name].dtype)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(TABLES),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    errors=st.sampled_from(["raise", "quarantine"]),
)
def test_any_cells_give_a_table_or_a_spasmlog_error(
    table: str, data: st.DataObject, delimiter: str, encoding: str, errors: str
) -> None:
    headers = data.draw(st.lists(st.sampled_from(HEADERS[table]), min_size=1, max_size=6, unique=True))
    rows = data.draw(st.lists(st.lists(cells, min_size=len(headers), max_size=len(headers)), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{table}.csv"
        try:
            path.write_bytes(buffer.getvalue().encode(encoding))
        except UnicodeEncodeError:
            path.write_bytes(buffer.getvalue().encode("utf-8"))
        try:
            log = spasmlog.read_log(path, errors=errors)  # type: ignore[arg-type]
        except SpasmlogError:
            return
        _check_totals(log)


@pytest.mark.slow  # ~14 s: 100 validations; the file-based property test above stays in the everyday suite
@settings(max_examples=100, deadline=None)
@given(
    frame=st.lists(
        st.fixed_dictionaries(
            {
                "person_id": st.sampled_from(["a", "b", ""]),
                "date": cells,
                "water_ml": cells,
                "warmup": cells,
                "steps": cells,
                "sleep_h": cells,
                "sitting_h": cells,
                "mood": cells,
            }
        ),
        max_size=10,
    )
)
def test_in_memory_tables_too(frame: list[dict[str, str]]) -> None:
    table = pd.DataFrame(frame, columns=["person_id", "date", "water_ml", "warmup", "steps", "sleep_h", "sitting_h"])
    try:
        log = spasmlog.validate_tables({"daily": table}, errors="quarantine")
    except SpasmlogError:
        return
    assert len(log.daily) + len(log.quarantine) == len(table)
