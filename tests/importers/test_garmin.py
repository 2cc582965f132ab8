"""read_garmin on Garmin Connect's Activities.csv: durations, types, translated headers, Excel re-saves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from spasmlog.errors import ImportFormatError
from spasmlog.importers._csv import exercise_type_from_name
from spasmlog.importers.garmin import read_garmin
from spasmlog.logformat.schemas import EXERCISE_TYPES

Write = Callable[..., Path]

ENGLISH = (
    "Activity Type,Date,Favorite,Title,Distance,Calories,Time,Avg HR,Max HR,Aerobic TE,Avg Pace,Steps,"
    "Moving Time,Elapsed Time\n"
    'Running,2026-01-05 07:30:12,false,"Leeds Running","5.02","412","00:31:40","148","163","3.1","6:18",'
    '"4,808","00:31:08","00:32:57"\n'
    'Strength Training,2026-01-05 18:00:00,false,"Strength","0.00","250","00:09:18.8","110","140","1.2","--",'
    '"--","--","--"\n'
    'Treadmill Running,2026-01-06 06:30:00,false,"Intervals, 6x400","4.50","380","1:02:03","155","178","3.8",'
    '"6:15","2,552","00:58:00","01:05:00"\n'
    'Walking,2026-01-06 12:00:00,false,"Walk","2.1","120","00:30:00","95","110","0.5","--","3,100","--","--"\n'
    'Open Water Swimming,2026-01-07 23:40:00,false,"Night swim","1.0","300","00:45:00","--","--","--","--","--",'
    '"--","--"\n'
)
GERMAN = (
    "Aktivitätstyp,Datum,Favorit,Titel,Distanz,Kalorien,Zeit,Ø Herzfrequenz,Maximale Herzfrequenz,Schritte,"
    "Zeit in Bewegung,Verstrichene Zeit\n"
    'Laufen,2026-02-28 07:10:05,false,"Morgenlauf","5,25","1,020","00:30:00","145","170","6,123","00:29:00",'
    '"00:31:00"\n'
    'Krafttraining,2026-02-28 18:00:00,false,"Kraft","0,00","300","00:45:00","--","--","--","--","--"\n'
    'Indoor-Radfahren,2026-03-01 09:00:00,false,"Rolle","20,5","600","01:02:03","130","160","--","--","--"\n'
    'Schwimmbadschwimmen,2026-03-02 19:00:00,false,"Bahnen","1,5","400","00:40:00,5","--","--","--","--","--"\n'
)
FRENCH = (
    "Type d'activité,Date,Favori,Titre,Distance,Calories,Durée,Fréquence cardiaque moyenne,Pas,"
    "Temps de déplacement\n"
    'Course à pied,2026-08-10 10:52:21,false,"Sortie du matin","3.95","407","00:35:20","151","4,404","00:35:08"\n'
    'Musculation,2026-08-11 10:04:15,false,"Musculation","0.00","540","00:57:59","129","--","\'-17"\n'
    'Randonnée,2026-08-12 13:18:54,false,"Randonnée en forêt","9.70","943","02:49:38","105","12,426","01:57:11"\n'
)
SPANISH = (
    "Tipo de actividad,Fecha,Título,Distancia,Calorías,Tiempo,Frecuencia cardiaca media\n"
    'Carrera,2026-07-11 06:30:54,"Metepec Carrera","8.68","630","01:06:47","124"\n'
    'Ciclismo,2026-07-12 06:09:23,"Bici","20.1","400","00:47:00","129"\n'
)


def test_english_activities(write: Write) -> None:
    table = read_garmin(write("Activities.csv", ENGLISH))
    assert table["date"].dtype == "datetime64[us]"
    assert table["date"].dt.strftime("%F").tolist() == ["2026-01-05", "2026-01-06", "2026-01-07"]
    assert table["exercise_min"].tolist() == pytest.approx(
        [31 + 40 / 60 + 9 + 18.8 / 60, 62 + 3 / 60 + 30, 45]  # 00:09:18.8 and 1:02:03 read as written
    )
    assert table["exercise_type"].tolist() == ["running", "running", "swimming"]  # the longest of the day
    assert table["activity_steps_garmin"].tolist()[:2] == [4808.0, 5652.0]  # "4,808"; "--" is not 0
    assert np.isnan(table["activity_steps_garmin"].iloc[2])
    assert "steps" not in table  # activity steps are not the day's count
    assert table.attrs["source"] == "garmin"
    assert table.attrs["files"] == [str(write("Activities.csv", ENGLISH))]
    assert table.attrs["detail"][1][2] == "Garmin activity 'Treadmill Running'"
    assert all(table[c].dtype == "float64" for c in ("exercise_min", "activity_steps_garmin"))


def test_an_activity_past_midnight_counts_on_the_day_it_started(write: Write) -> None:
    text = "Activity Type,Date,Time\nHiking,2026-01-07 23:40:00,02:00:00\n"
    table = read_garmin(write("a.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == ["2026-01-07"]
    assert table["exercise_min"].tolist() == [120.0]
    assert table["exercise_type"].tolist() == ["walking"]


def test_german_header(write: Write) -> None:
    table = read_garmin(write("Aktivitäten.csv", GERMAN))
    assert table["date"].dt.strftime("%F").tolist() == ["2026-02-28", "2026-03-01", "2026-03-02"]
    assert table["exercise_min"].tolist() == pytest.approx([75.0, 62.05, 40 + 0.5 / 60])  # "00:40:00,5"
    assert table["exercise_type"].tolist() == ["strength", "cycling", "swimming"]
    assert table["activity_steps_garmin"].iloc[0] == 6123.0
    assert any("'Schritte'" in note for note in table.attrs["notes"])


def test_french_header_and_excel_apostrophes(write: Write) -> None:
    table = read_garmin(write("activites.csv", FRENCH))
    assert table["exercise_type"].tolist() == ["running", "strength", "walking"]
    assert table["exercise_min"].tolist() == pytest.approx([35 + 20 / 60, 57 + 59 / 60, 169 + 38 / 60])
    assert table["activity_steps_garmin"].tolist()[::2] == [4404.0, 12426.0]


def test_spanish_header(write: Write) -> None:
    table = read_garmin(write("Actividades.csv", SPANISH))
    assert table["exercise_type"].tolist() == ["running", "cycling"]
    assert table["exercise_min"].tolist() == pytest.approx([66 + 47 / 60, 47.0])
    assert "activity_steps_garmin" not in table


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Running", "running"),
        ("Treadmill Running", "running"),
        ("Trail Running", "running"),
        ("Cycling", "cycling"),
        ("Indoor Cycling", "cycling"),
        ("Road Cycling", "cycling"),
        ("Mountain Biking", "cycling"),
        ("Pool Swim", "swimming"),
        ("Open Water Swimming", "swimming"),
        ("Walking", "walking"),
        ("Hiking", "walking"),
        ("Strength Training", "strength"),
        ("Yoga", "yoga_pilates"),
        ("Pilates", "yoga_pilates"),
        ("Soccer/Football", "team_sport"),
        ("Elliptical", "other"),
        ("Indoor Rowing", "other"),
        ("Breathwork", "other"),
        ("Laufband", "running"),
        ("Gehen", "walking"),
        ("Wandern", "walking"),
        ("Course sur tapis de course", "running"),
        ("Vélo d'intérieur", "cycling"),
        ("Natation en piscine", "swimming"),
        ("Entrenamiento de fuerza", "strength"),
        ("Senderismo", "walking"),
    ],
)
def test_activity_types(name: str, expected: str) -> None:
    assert exercise_type_from_name(name) == expected
    assert expected in EXERCISE_TYPES


def test_duration_column_fallback_and_its_absence(write: Write) -> None:
    table = read_garmin(write("a.csv", "Activity Type,Date,Moving Time\nRunning,2026-01-05 07:30:00,00:20:33\n"))
    assert table["exercise_min"].tolist() == pytest.approx([20.55])
    assert any("'Moving Time' was used" in note for note in table.attrs["notes"])
    with pytest.raises(ImportFormatError, match="no duration column") as caught:
        read_garmin(write("b.csv", "Activity Type,Date,Distance\nRunning,2026-01-05 07:30:00,5\n"))
    assert caught.value.detail["column"] == "Time"


def test_missing_and_unreadable_durations(write: Write) -> None:
    text = "Activity Type,Date,Time\nRunning,2026-01-05 07:30:00,--\nCycling,2026-01-06 07:30:00,soon\n"
    table = read_garmin(write("a.csv", text))
    assert np.isnan(table["exercise_min"]).all()  # "--": nothing measured; never 0
    assert table["exercise_type"].tolist() == ["running", "cycling"]
    assert any("a.csv:3 Time = 'soon'" in note for note in table.attrs["notes"])


def test_excel_resaved_dates(write: Write) -> None:
    text = "Activity Type,Date,Time\nCycling,7/4/2020 15:36,0:49:12\nRunning,7/14/2020 06:00,0:30:00\n"
    table = read_garmin(write("a.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == ["2020-07-04", "2020-07-14"]
    ambiguous = write("b.csv", "Activity Type,Date,Time\nCycling,7/4/2020 15:36,0:49:12\n")
    with pytest.raises(ImportFormatError, match="dayfirst"):
        read_garmin(ambiguous)
    assert read_garmin(ambiguous, dayfirst=True)["date"].dt.strftime("%F").tolist() == ["2020-04-07"]


def test_bom_crlf_and_extra_columns(write: Write) -> None:
    text = (
        "\ufeffActivity Type,Date,Favorite,Unknown Future Column,Time\r\nYoga,2026-01-05 07:30:00,true,x,01:00:00\r\n"
    )
    table = read_garmin(write("a.csv", text))
    assert table.columns.tolist() == ["date", "exercise_min", "exercise_type"]
    assert table["exercise_type"].tolist() == ["yoga_pilates"]


def test_not_garmin(write: Write) -> None:
    with pytest.raises(ImportFormatError, match="is not a Garmin Connect export: expected the activity list"):
        read_garmin(write("Activities.csv", "Date,Energy (kcal),Sodium (mg)\n2026-01-05,1800,2000\n"))
    with pytest.raises(ImportFormatError, match="does not exist"):
        read_garmin(Path("/nonexistent/Activities.csv"))
