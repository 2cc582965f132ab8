"""read_generic: any app's long export through a mapping file (TOML or CSV), with nasty rows of our own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spasmlog.cli import main
from spasmlog.errors import ImportFormatError
from spasmlog.importers import read_generic
from spasmlog.importers.generic import read_mapping, split_people

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "mappings"

MAPPING_TOML = """
[names."Leg cramps"]
as = "spasms"
scale = "0-4"

[names."Krämpfe (Anzahl)"]
as = "spasms"
count = "value"

[names.Magnesium]
as = "factor"
column = "magnesium_mg"
unit = "g"

[names.Wasser]
as = "factor"
column = "water_ml"

[names."Hot bath"]
as = "factor"
column = "hot bath"

[names."Mg glycinate"]
as = "intervention"
kind = "supplement"

[names.Diary]
as = "text"

[names.Mood]
as = "ignore"
"""

# BOM, CRLF, semicolons and decimal commas (a German spreadsheet's CSV); the unit column where the mapping has none.
LONG = (
    "Datum;Name;Wert;Einheit\r\n"
    "2026-03-01;Leg cramps;2;\r\n"  # line 2
    "2026-03-01;Krämpfe (Anzahl);3;\r\n"
    "2026-03-01;Magnesium;0,25;\r\n"  # 0.25 g → 250 mg
    "2026-03-01;Wasser;1,5;L\r\n"  # 1.5 L → 1500 mL
    "2026-03-01;Wasser;500;ml\r\n"  # added to the day: 2000 mL
    "2026-03-01;Hot bath;ja;\r\n"
    "2026-03-01;Mg glycinate;2 x 150 mg;\r\n"  # 300 mg, added to magnesium_mg: 550
    "2026-03-01;Diary;Waden hart, wenig geschlafen;\r\n"
    "2026-03-02;Leg cramps;0;\r\n"  # line 10
    "2026-03-02;Magnesium;;\r\n"  # empty: not recorded
    "2026-03-02;Hot bath;nein;\r\n"
    "2026-03-02;Mg glycinate;Not taken;\r\n"
    "2026-03-02;Mood;good;\r\n"
    "2026-03-02;Steps walked;8000;\r\n"  # unknown name
    "2026-03-02;Wasser;viel;\r\n"  # line 16: unreadable value
    "morgen;Leg cramps;4;\r\n"  # line 17: broken date
    "2026-03-03 22:10;Muskelkrämpfe;1;\r\n"  # a date-time; not in the mapping, but means cramps in German
)


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(MAPPING_TOML, encoding="utf-8")
    return path


@pytest.fixture
def long(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + LONG.encode("utf-8"))
    return path


def test_long_export_through_a_toml_mapping(long: Path, mapping: Path) -> None:
    table = read_generic(long, mapping=mapping)
    assert table["date"].dt.strftime("%F").tolist() == ["2026-03-01", "2026-03-02", "2026-03-03"]
    np.testing.assert_array_equal(table["water_ml"], [2000.0, np.nan, np.nan])
    np.testing.assert_array_equal(table["magnesium_mg"], [550.0, np.nan, np.nan])  # 250 food + 300 supplement
    # A count (3) wins over the rating's "at least one" on 1 March; 2 March rated 0; 3 March rated 1.
    np.testing.assert_array_equal(table["spasm_count"], [3.0, 0.0, 1.0])
    np.testing.assert_array_equal(table["app_spasm_severity"], [2.0, 0.0, 1.0])
    assert table["hot_bath"].tolist() == [True, False, pd.NA]
    np.testing.assert_array_equal(table["mg_glycinate_mg"], [300.0, 0.0, np.nan])
    assert table["mg_glycinate_taken"].tolist() == [True, False, pd.NA]
    assert table["notes"].tolist()[0] == "Waden hart, wenig geschlafen"
    notes = " ".join(table.attrs["notes"])
    assert "'Steps walked' (1 row)" in notes
    assert "line 16: 'viel'" in notes
    assert "(lines 17)" in notes
    assert "Mood" in notes  # left out because the mapping says so, and said
    (entry,) = table.attrs["interventions"]
    assert entry["name"] == "Mg glycinate" and entry["kind"] == "supplement" and entry["dose"] == "2 x 150 mg"
    assert entry["start"] == entry["end"] == pd.Timestamp("2026-03-01")


def test_csv_mapping_and_several_people(tmp_path: Path) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text("name,as,column,unit,kind,intake,count\nCramp,spasms,,,,,value\nMg,factor,magnesium_mg,g,,,\n")
    long = tmp_path / "long.csv"
    long.write_text(
        "person,date,name,value\n"
        "p1,2026-01-01,Cramp,2\n"
        "p1,2026-01-02,Cramp,0\n"
        "p2,2026-01-01,Mg,0.4\n"
        "p2,2026-01-01,Cramp,1\n"
    )
    table = read_generic(long, mapping=mapping)
    people = dict(split_people(table))
    assert people["p1"]["spasm_count"].tolist() == [2.0, 0.0]
    assert "magnesium_mg" not in people["p1"]
    assert people["p2"]["magnesium_mg"].tolist() == [400.0]
    assert people["p2"]["spasm_count"].tolist() == [1.0]


def test_a_unit_that_does_not_convert_is_reported_not_guessed(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('prefix = "My Tracker"\n[names.Magnesium]\nas = "factor"\ncolumn = "magnesium_mg"\n'
                       'unit = "tablets"\n[names.Cramps]\nas = "spasms"\n')  # fmt: skip
    long = tmp_path / "long.csv"
    long.write_text("date,name,value\n2026-01-01,Magnesium,2\n2026-01-01,Cramps,1\n")
    table = read_generic(long, mapping=mapping)
    assert "magnesium_mg" not in table
    assert table["my_tracker_spasm_severity"].tolist() == [1.0]
    assert any("'Magnesium' (1 row) was not imported: its unit (tablets)" in n for n in table.attrs["notes"])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[names.X]\nas = "spasm-ish"\n', "as = 'spasm-ish'"),
        ('[names.X]\nas = "factor"\n', "needs a column"),
        ("[other]\na = 1\n", "no \\[names"),
        ("[names.X\n", "not a readable TOML"),
    ],
)
def test_bad_mapping_files_name_the_entry(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(text)
    with pytest.raises(ImportFormatError, match=match):
        read_mapping(path)


def test_nothing_placed_is_an_error(tmp_path: Path, mapping: Path) -> None:
    long = tmp_path / "long.csv"
    long.write_text("date,name,value\n2026-01-01,Unknown thing,1\n")
    with pytest.raises(ImportFormatError, match="Unknown thing"):
        read_generic(long, mapping=mapping)


def test_cli_generic_import_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "me"
    example = SAMPLES / "generic_long.csv"
    assert main(["import", "generic", str(example), "--into", str(log)]) == 2
    assert "needs --mapping" in capsys.readouterr().err
    args = ["import", "generic", str(example), "--into", str(log), "--mapping", str(SAMPLES / "generic_mapping.toml")]
    assert main(args) == 0
    assert "'Steps walked' (1 row)" in capsys.readouterr().out
    daily = pd.read_csv(log / "daily.csv")
    assert daily["magnesium_mg"].tolist()[0] == 550  # 0.25 g + 300 mg of glycinate
    assert main(args) == 0
    assert "nothing was changed" in capsys.readouterr().out
    assert main(["validate", str(log)]) == 0


def test_records_and_unreadable_rows_are_counted_for_the_import_summary(tmp_path: Path) -> None:
    export = tmp_path / "long.csv"
    export.write_text("date,name,value\n2026-01-01,Cramps,2\nsoon,Cramps,1\n2026-01-02,,3\n2026-01-03,Mood,ok\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[names.Cramps]\nas = "spasms"\n')
    table = read_generic(export, mapping=mapping)
    assert (table.attrs["records"], table.attrs["unreadable"]) == (4, 2)  # no date; no name


def test_several_people_placed_together_keep_each_persons_order_and_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rows of two people interleaved; every expected value worked out by hand from the rows.
    monkeypatch.chdir(tmp_path)
    Path("map.toml").write_text(
        '[names.Cramps]\nas = "spasms"\ncount = "value"\n[names."Mg glycinate"]\nas = "intervention"\n'
        'kind = "supplement"\n[names.Zinc]\nas = "intervention"\n[names."Hot bath"]\nas = "factor"\n'
        'column = "hot bath"\n[names.Mood]\nas = "ignore"\n',
        encoding="utf-8",
    )
    Path("long.csv").write_text(
        "person,date,name,value\n"
        "p1,2026-01-01,Mg glycinate,\n"  # line 2: not recorded, but p1 names Mg glycinate first
        "p1,2026-01-01,Zinc,25 mg\n"
        "p1,2026-01-02,Mg glycinate,300 mg\n"
        "p2,2026-01-01,Cramps,2\n"
        "p1,2026-01-02,Cramps,x\n"  # line 6: not a number
        "p2,2026-01-02,Cramps,1\n"
        "p2,2026-01-02,Hot bath,ja\n"
        "p2,2026-01-03,Hot bath,nein\n"
        "p1,2026-01-01,Mood,good\n"
        "p2,2026-01-01,Mood,bad\n",
        encoding="utf-8",
    )
    table = read_generic("long.csv", mapping="map.toml")
    assert table["person_id"].tolist() == ["p1", "p1", "p2", "p2", "p2"]
    people = dict(split_people(table))
    p1, p2 = people["p1"], people["p2"]
    assert p1["date"].dt.strftime("%F").tolist() == ["2026-01-01", "2026-01-02"]
    np.testing.assert_array_equal(p1["zinc_mg"], [25.0, np.nan])
    np.testing.assert_array_equal(p1["mg_glycinate_mg"], [np.nan, 300.0])
    np.testing.assert_array_equal(p1["magnesium_mg"], [np.nan, 300.0])  # glycinate is magnesium; zinc is not
    assert p1["zinc_taken"].tolist() == [True, pd.NA] and p1["mg_glycinate_taken"].tolist() == [pd.NA, True]
    assert "spasm_count" not in p1  # its only count could not be read
    assert p2["date"].dt.strftime("%F").tolist() == ["2026-01-01", "2026-01-02", "2026-01-03"]
    np.testing.assert_array_equal(p2["spasm_count"], [2.0, 1.0, np.nan])
    assert p2["hot_bath"].tolist() == [pd.NA, True, False]
    assert [(i["person_id"], i["name"], i["dose"]) for i in table.attrs["interventions"]] == [
        ("p1", "Mg glycinate", "300 mg"),  # in the order p1 first named them, the empty row included
        ("p1", "Zinc", "25 mg"),
    ]
    # One file, one label: a sentence that two people would get is said once.
    assert table.attrs["notes"] == [
        "long.csv: the 'Mg glycinate' doses in mg were added to magnesium_mg (supplement only: food is not in it "
        "unless another name adds it).",
        "long.csv: 1 value of 'Cramps' could not be read as a number and was left out (line 6: 'x').",
        "long.csv: left out as the mapping says: Mood.",
    ]
