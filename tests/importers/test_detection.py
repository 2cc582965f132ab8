"""detect(): the app an export comes from, by content only, peeking at the first bytes."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import require_reference

from spasmlog.errors import ImportFormatError
from spasmlog.importers.detection import FORMATS, PEEK_BYTES, detect

Write = Callable[..., Path]

FORMATS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "formats"

HEALTH_DTD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!-- HealthKit Export Version: 11 -->\n'
    + "".join(f"<!ATTLIST Record attribute{i} CDATA #IMPLIED>\n" for i in range(400))  # about 16 KB of DTD
    + "]>\n"
)
HEALTH_XML = (
    HEALTH_DTD + '<HealthData locale="en_NZ">\n <ExportDate value="2026-01-05 10:00:00 +1300"/>\n</HealthData>\n'
)

CSV_EXPORTS = {
    "cronometer-summary": (
        "cronometer",
        "Date,Energy (kcal),Water (g),Magnesium (mg),Completed\n2026-01-05,1,2,3,false\n",
    ),
    "cronometer-exercises": ("cronometer", "Day,Group,Exercise,Minutes,Calories Burned\n2026-01-05,U,Walk,30,-90\n"),
    "cronometer-biometrics": ("cronometer", "Day,Time,Group,Metric,Unit,Amount\n2026-01-05,,U,Sleep,hours,7\n"),
    "cronometer-servings": ("cronometer", "Day,Time,Group,Food Name,Amount,Energy (kcal)\n2026-01-05,,L,Tea,1,2\n"),
    "mfp-nutrition": (
        "myfitnesspal",
        "\ufeffDate,Meal,Calories,Fat (g),Sodium (mg),Potassium,Calcium,Iron,Note\r\n2026-01-05,Lunch,1,2,3,4,5,6,\r\n",
    ),
    "mfp-exercise": (
        "myfitnesspal",
        "Date,Exercise,Type,Exercise Calories,Exercise Minutes,Sets,Reps Per Set,Kilograms,Steps,Note\n"
        "2026-01-05,Walking,Cardio,100,20,,,,,\n",
    ),
    "garmin-english": (
        "garmin",
        'Activity Type,Date,Favorite,Title,Time\nRunning,2026-01-05 07:00:00,false,"x","00:20:33"\n',
    ),
    "garmin-german": (
        "garmin",
        "Aktivitätstyp,Datum,Favorit,Titel,Distanz,Zeit\nLaufen,2026-01-05 07:00:00,false,x,5,00:20:33\n",
    ),
    "garmin-french": (
        "garmin",
        "Type d'activité,Date,Favori,Titre,Durée\nCourse à pied,2026-01-05 07:00:00,false,x,00:20:33\n",
    ),
    "garmin-spanish": ("garmin", "Tipo de actividad,Fecha,Título,Tiempo\nCarrera,2026-01-05 07:00:00,x,00:20:33\n"),
    "garmin-semicolons": ("garmin", "sep=;\nActivity Type;Date;Time\nRunning;2026-01-05 07:00:00;00:20:33\n"),
}


@pytest.mark.parametrize("case", sorted(CSV_EXPORTS))
def test_csv_exports_by_header_not_by_name(write: Write, case: str) -> None:
    expected, text = CSV_EXPORTS[case]
    # A misleading name on purpose: detection reads content only.
    assert detect(write("Nutrition-Summary.csv", text)) == expected
    assert detect(write("export.txt", text, encoding="cp1252" if "é" in text else "utf-8")) == expected


def test_german_header_in_windows_1252(write: Write) -> None:
    text = "Aktivitätstyp,Datum,Zeit\nLaufen,2026-01-05 07:00:00,00:20:33\n"
    assert detect(write("a.csv", text, encoding="cp1252")) == "garmin"


def test_apple_health_xml_past_a_long_dtd(write: Write) -> None:
    assert len(HEALTH_DTD) > 4096
    assert detect(write("eksport.xml", HEALTH_XML)) == "apple-health"
    assert detect(write("activities.csv", HEALTH_XML)) == "apple-health"  # the name says nothing


def test_apple_health_zip_with_a_translated_entry_name(tmp_path: Path) -> None:
    archive = tmp_path / "download"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("apple_health_export/exportar.xml", HEALTH_XML)
        bundle.writestr(
            "apple_health_export/export_cda.xml", '<?xml version="1.0"?>\n<ClinicalDocument>' + "x" * 90_000
        )
        bundle.writestr("apple_health_export/workout-routes/route_1.gpx", "<gpx/>")
    assert detect(archive) == "apple-health"


def test_an_unzipped_apple_health_folder_and_the_folder_holding_it(write: Write, tmp_path: Path) -> None:
    # As the Files app and macOS's Archive Utility leave it: export/apple_health_export/export.xml, with the
    # clinical document, routes and ECG CSVs beside it.
    write("export/apple_health_export/export.xml", HEALTH_XML)
    write("export/apple_health_export/export_cda.xml", '<?xml version="1.0"?>\n<ClinicalDocument/>')
    write("export/apple_health_export/workout-routes/route_1.gpx", "<gpx/>")
    write("export/apple_health_export/electrocardiograms/ecg_2026-01-05.csv", "Name,Alex\nDate,2026-01-05\n")
    assert detect(tmp_path / "export") == "apple-health"
    assert detect(tmp_path / "export" / "apple_health_export") == "apple-health"
    write("export/cronometer.csv", CSV_EXPORTS["cronometer-summary"][1])
    with pytest.raises(ImportFormatError, match=r"several apps: cronometer\.csv \(cronometer\), apple_health_export/"):
        detect(tmp_path / "export")


def test_a_folder_of_sub_folders_without_an_export_is_still_unknown(write: Write, tmp_path: Path) -> None:
    write("photos/holiday/notes.xml", '<?xml version="1.0"?>\n<notes/>')
    write("photos/holiday/deep/export.xml", HEALTH_XML)  # two levels down: not looked at
    with pytest.raises(ImportFormatError, match="no file in the folder is a known export"):
        detect(tmp_path / "photos")


def test_myfitnesspal_zip(tmp_path: Path) -> None:
    archive = tmp_path / "File-Export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("Nutrition-Summary-2026.csv", CSV_EXPORTS["mfp-nutrition"][1])
        bundle.writestr("Exercise-Summary-2026.csv", CSV_EXPORTS["mfp-exercise"][1])
        bundle.writestr("Measurement-Summary-2026.csv", "Date,Weight\n2026-01-05,85.5\n")
    assert detect(archive) == "myfitnesspal"


def test_folders(write: Write, tmp_path: Path) -> None:
    write("cronometer/dailysummary.csv", CSV_EXPORTS["cronometer-summary"][1])
    write("cronometer/exercises.csv", CSV_EXPORTS["cronometer-exercises"][1])
    write("cronometer/readme.txt", "exported on Monday\n")
    assert detect(tmp_path / "cronometer") == "cronometer"
    write("mixed/a.csv", CSV_EXPORTS["cronometer-summary"][1])
    write("mixed/b.csv", CSV_EXPORTS["garmin-english"][1])
    with pytest.raises(ImportFormatError, match=r"several apps: a\.csv \(cronometer\), b\.csv \(garmin\)"):
        detect(tmp_path / "mixed")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("daily.csv", "Date,Water (L),Magnesium (mg),Sodium (mg)\n2026-01-05,2,300,2000\n"),  # a person's own log
        ("log.csv", "Date,Activity type,Water (L)\n2026-01-05,running,2\n"),  # ... with an activity column
        ("spasms.csv", "start,body_region\n2026-01-05 23:40,calf\n"),
        ("weights.csv", "Date,Weight\n2026-01-05,85.5\n"),  # too generic to call MyFitnessPal's
        ("empty.csv", ""),
        ("blank.csv", "\n\n  \n"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        ("notes.xml", '<?xml version="1.0"?>\n<notes><note>cramp</note></notes>\n'),
    ],
)
def test_not_an_export(write: Write, name: str, content: str | bytes) -> None:
    with pytest.raises(ImportFormatError, match="Cannot tell which app") as caught:
        detect(write(name, content))
    assert caught.value.detail["formats"] == FORMATS
    for words in ("Apple Health", "Cronometer", "MyFitnessPal", "Garmin Connect"):
        assert words in str(caught.value)


def test_bad_zip_and_missing_path(tmp_path: Path) -> None:
    broken = tmp_path / "export.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(ImportFormatError, match="zip that cannot be read"):
        detect(broken)
    with pytest.raises(ImportFormatError, match="does not exist"):
        detect(tmp_path / "absent.zip")
    unknown = tmp_path / "other.zip"
    with zipfile.ZipFile(unknown, "w") as bundle:
        bundle.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(ImportFormatError, match="holds no file of a known export"):
        detect(unknown)


def test_only_the_first_bytes_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "export.xml"
    with path.open("wb") as stream:
        stream.write(HEALTH_XML.replace("</HealthData>\n", "").encode())
        stream.truncate(3 << 30)  # a 3 GB export (sparse: nothing is written)
    read: list[int] = []
    original: Any = Path.open

    def counting_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        stream = original(self, *args, **kwargs)
        real_read = stream.read

        def read_some(size: int = -1) -> bytes:
            data = real_read(size)
            read.append(len(data))
            return data

        stream.read = read_some
        return stream

    monkeypatch.setattr(Path, "open", counting_open)
    assert detect(path) == "apple-health"
    assert sum(read) <= PEEK_BYTES
    assert os.path.getsize(path) == 3 << 30


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cronometer_dailysummary__dawndrain.csv", "cronometer"),
        ("cronometer_biometrics__dhjelmar.csv", "cronometer"),
        ("cronometer_servings_head25__dhjelmar.csv", "cronometer"),
        ("myfitnesspal_nutrition__dawndrain.csv", "myfitnesspal"),
        ("applehealth_export__healthkit-to-sqlite_tests.xml", "apple-health"),
        ("applehealth_sampleexport-2__opendroid-hk.xml", "apple-health"),
    ],
)
def test_reference_exports(name: str, expected: str) -> None:
    path = FORMATS_DIR / name
    require_reference(path)
    assert detect(path) == expected
