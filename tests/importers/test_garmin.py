"""read_garmin on Garmin Connect's Activities.csv: durations, types, translated headers, Excel re-saves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from spasmlog.errors import ImportFormatError
from spasmlog.importers._csv import exercise_type_from_name, normalise_header
from spasmlog.importers.detection import detect
from spasmlog.importers.garmin import read_garmin
from spasmlog.importers.garmin_words import ACTIVITY_TYPES, HEADER_WORDS, LANGUAGES, ROLES
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


# --- other languages ----------------------------------------------------------------------------------------
# Hand-written in the form of real exports. The Portuguese header is the one seen in public Brazilian exports;
# the Danish, Swedish, Hungarian, Japanese and Russian words are from knowledge of Garmin Connect's translations.

PORTUGUESE = (
    "Tipo de atividade,Data,Favorito,Título,Distância,Calorias,Tempo total,FC Média,FC máxima,Ritmo médio,"
    "Passos,Descompressão,Tempo da melhor volta,Número de voltas,Tempo em movimento,Tempo transcorrido\n"
    'Corrida,2026-07-10 17:55:15,false,"São Paulo Corrida","2.49","296","00:44:17","119","157","17:46","5,312",'
    '"Não","00:00:07.3","5","00:44:07","00:49:23"\n'
    'Corrida em esteira,2026-07-10 20:08:02,false,"Esteira","3.11","434","00:33:54","174","189","10:53","5,620",'
    '"Não","00:00:05.0","6","00:31:51","00:36:29"\n'
    'Cardiovascular,2026-07-11 12:57:14,false,"Cardio","0.00","58","00:05:06.6","154","170","--","--","Não",'
    '"00:05:06.6","1","00:00:00","00:05:06.6"\n'
    'Natação em piscina,2026-07-12 07:00:00,false,"Piscina","1.50","320","00:40:00","--","--","--","--","Não",'
    '"--","1","00:38:00","00:41:00"\n'
)
DANISH = (
    "Aktivitetstype,Dato,Favorit,Titel,Distance,Kalorier,Tid,Gns. puls,Maks. puls,Skridt,Tid i bevægelse,"
    "Forløbet tid\n"
    'Løb,2026-05-01 06:30:00,false,"Morgenløb","5,02","412","00:30:00","148","163","4.808","00:29:10","00:31:00"\n'
    'Styrketræning,2026-05-01 17:00:00,true,"Styrke","0,00","250","00:45:00","110","140","--","--","--"\n'
    'Gåtur,2026-05-02 12:00:00,false,"Frokosttur","1,80","90","00:20:00","95","110","2.300","--","--"\n'
)
SWEDISH = (  # re-saved by a Swedish Excel: semicolons, BOM, CRLF
    "\ufeffAktivitetstyp;Datum;Favorit;Titel;Distans;Kalorier;Tid;Medelpuls;Maxpuls;Steg;Tid i rörelse;"
    "Förfluten tid\r\n"
    "Löpning;2026-04-03 18:00:00;false;Kvällslöpning;8,1;610;00:52:10;151;170;7912;00:51:00;00:55:00\r\n"
    "Simning i bassäng;2026-04-04 07:15:00;false;Simning;2,0;500;01:05:00;--;--;--;--;--\r\n"
    "Inomhuscykling;2026-04-04 19:00:00;false;Trainer;15,0;300;00:30:00;130;150;--;--;--\r\n"
)
HUNGARIAN = (
    "\ufeffTevékenység típusa,Dátum,Kedvenc,Cím,Távolság,Kalória,Idő,Átlagos pulzusszám,Maximális pulzusszám,"
    "Lépések,Mozgásban töltött idő,Eltelt idő\n"
    'Futás,2026-03-05 07:12:44,false,"Reggeli futás","5.20","420","00:31:40","150","171","4,900","--","--"\n'
    'Jóga,2026-03-05 18:00:00,false,"Jóga","0.00","150","01:00:00","90","110","--","--","--"\n'
    'Túrázás,2026-03-06 09:00:00,false,"Bükk","11.3","800","02:10:00","110","140","15,020","--","--"\n'
    'Elliptikus tréner,2026-03-07 10:00:00,false,"Gép","0.00","200","00:25:00","125","150","--","--","--"\n'
)
JAPANESE = (
    "アクティビティタイプ,日付,お気に入り,タイトル,距離,カロリー,タイム,平均心拍,最大心拍,歩数\n"
    'ランニング,2026-02-01 06:00:00,false,"朝ラン","4.00","300","00:25:00","145","160","3,900"\n'
    'ヨガ,2026-02-02 20:00:00,false,"ヨガ","0.00","100","00:50:00","80","95","--"\n'
)
RUSSIAN = (
    "Тип занятия,Дата,Избранное,Название,Расстояние,Калории,Время,Средняя ЧСС,Максимальная ЧСС,Шаги\n"
    'Бег,2026-09-01 07:00:00,false,"Утренний бег","6.00","450","00:36:00","150","168","6,100"\n'
    'Силовая тренировка,2026-09-02 18:30:00,false,"Зал","0.00","300","00:50:30","115","150","--"\n'
)
ESTONIAN = (  # a language without words in garmin_words: placed by the shape of the values
    "Tegevuse tüüp,Kuupäev,Lemmik,Pealkiri,Vahemaa,Kalorid,Aeg,Keskmine pulss,Keskmine tempo,Sammud,Liikumisaeg\n"
    'Jooksmine,2026-06-01 07:00:00,false,"Hommikujooks","5.00","400","00:30:00","150","6:00","4,800","00:29:00"\n'
    'Ujumine,2026-06-01 19:00:00,false,"Bassein","1.0","200","00:40:00","--","--","--","00:39:00"\n'
    'Jooksmine,2026-06-02 07:00:00,false,"Hommikujooks","5.00","400","01:02:03","150","6:00","4,800","--"\n'
)


@pytest.mark.parametrize(
    ("text", "language", "dates", "minutes", "types", "steps"),
    [
        (
            PORTUGUESE,
            "Portuguese",
            ["2026-07-10", "2026-07-11", "2026-07-12"],
            [44 + 17 / 60 + 33 + 54 / 60, 5 + 6.6 / 60, 40.0],  # 'Tempo total', not moving or lap time
            ["running", "other", "swimming"],
            [5312 + 5620, None, None],
        ),
        (
            DANISH,
            "Danish",
            ["2026-05-01", "2026-05-02"],
            [75.0, 20.0],
            ["strength", "walking"],
            [4808, 2300],  # "4.808": Danish thousands
        ),
        (
            SWEDISH,
            "Swedish",
            ["2026-04-03", "2026-04-04"],
            [52 + 10 / 60, 95.0],
            ["running", "swimming"],
            [7912, None],
        ),
        (
            HUNGARIAN,
            "Hungarian",
            ["2026-03-05", "2026-03-06", "2026-03-07"],
            [91 + 40 / 60, 130.0, 25.0],
            ["yoga_pilates", "walking", "other"],
            [4900, 15020, None],
        ),
        (JAPANESE, "Japanese", ["2026-02-01", "2026-02-02"], [25.0, 50.0], ["running", "yoga_pilates"], [3900, None]),
        (RUSSIAN, "Russian", ["2026-09-01", "2026-09-02"], [36.0, 50.5], ["running", "strength"], [6100, None]),
    ],
)
def test_other_languages(
    write: Write,
    text: str,
    language: str,
    dates: list[str],
    minutes: list[float],
    types: list[str],
    steps: list[float | None],
) -> None:
    table = read_garmin(write(f"{language}.csv", text))
    assert table["date"].dt.strftime("%F").tolist() == dates
    assert table["exercise_min"].tolist() == pytest.approx(minutes)
    assert table["exercise_type"].tolist() == types
    got = [None if np.isnan(v) else v for v in table["activity_steps_garmin"]]
    assert got == steps
    assert any(f"Garmin Connect headers in {language}." in note for note in table.attrs["notes"])


def test_unknown_types_are_named_in_the_notes(write: Write) -> None:
    table = read_garmin(write("hu.csv", HUNGARIAN))
    assert any("1 activity of a type read as 'other'" in n and "Elliptikus tréner" in n for n in table.attrs["notes"])
    assert ("2026-03-07" in str(table.attrs["detail"][2][0])) and "Elliptikus tréner" in table.attrs["detail"][2][2]


def test_an_unknown_language_is_read_by_the_shape_of_its_values(write: Write) -> None:
    table = read_garmin(write("et.csv", ESTONIAN))
    assert table["date"].dt.strftime("%F").tolist() == ["2026-06-01", "2026-06-02"]
    assert table["exercise_min"].tolist() == pytest.approx([70.0, 62.05])  # 'Aeg', not 'Liikumisaeg'
    assert "activity_steps_garmin" not in table  # 'Sammud' could not be placed
    (note,) = [n for n in table.attrs["notes"] if "does not know" in n]
    assert "activity type 'Tegevuse tüüp', date 'Kuupäev', time 'Aeg'" in note
    assert (
        "could not be placed (not read): 'Lemmik', 'Pealkiri', 'Vahemaa', 'Kalorid', 'Keskmine pulss', "
        "'Keskmine tempo', 'Sammud', 'Liikumisaeg'." in note
    )


@pytest.mark.parametrize(
    "text",
    [
        # dates without a time of day: not the shape of Garmin's activity list
        "Tegevuse tüüp,Kuupäev,Pealkiri,Aeg\nJooksmine,2026-06-01,x,00:30:00\n",
        # no hh:mm:ss column (paces m:ss only)
        "Tegevuse tüüp,Kuupäev,Pealkiri,Tempo\nJooksmine,2026-06-01 07:00:00,x,6:00\n",
        # the first column holds numbers, not activity names
        "Id,Kuupäev,Pealkiri,Aeg\n17,2026-06-01 07:00:00,x,00:30:00\n",
        # one date that is not a date-time makes the column ambiguous
        "Tegevuse tüüp,Kuupäev,Pealkiri,Aeg\nA,2026-06-01 07:00:00,x,00:30:00\nB,eile,y,00:10:00\n",
        # three columns: too few to be told from a person's own table
        "Tegevuse tüüp,Kuupäev,Aeg\nJooksmine,2026-06-01 07:00:00,00:30:00\n",
    ],
)
def test_an_ambiguous_shape_is_refused(write: Write, text: str) -> None:
    with pytest.raises(ImportFormatError, match="is not a Garmin Connect export"):
        read_garmin(write("x.csv", text))


def test_a_known_language_without_a_time_header_finds_it_by_shape(write: Write) -> None:
    text = "Aktivitetstyp,Datum,Titel,Varaktighet\nLöpning,2026-04-03 18:00:00,x,00:52:10\n"
    table = read_garmin(write("sv.csv", text))
    assert table["exercise_min"].tolist() == pytest.approx([52 + 10 / 60])
    assert any("'Varaktighet' was read as it" in note for note in table.attrs["notes"])


def test_the_word_lists_are_consistent() -> None:
    assert len(LANGUAGES) >= 20
    assert {"Portuguese", "Danish", "Swedish", "Hungarian", "Korean", "Greek", "Turkish"} <= set(LANGUAGES)
    role_of: dict[str, str] = {}
    for roles in HEADER_WORDS.values():
        assert set(roles) == set(ROLES)
        for role, words in roles.items():
            for word in words:
                assert role_of.setdefault(normalise_header(word), role) == role, word  # one role per word
    type_of: dict[str, str] = {}
    for names in ACTIVITY_TYPES.values():
        for name, kind in names.items():
            assert kind in EXERCISE_TYPES and kind not in ("none", "other")
            assert type_of.setdefault(normalise_header(name), kind) == kind, name  # one type per name


@pytest.mark.parametrize("text", [PORTUGUESE, DANISH, SWEDISH, HUNGARIAN, JAPANESE, RUSSIAN, ESTONIAN])
def test_auto_detection_in_every_language(write: Write, text: str) -> None:
    assert detect(write("download (3).csv", text)) == "garmin"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # symptom apps' long formats: a date first, never an activity name; their own importers take them
        (
            "date,weekday,time of day,category,rating/amount,detail,notes\n"
            "2020-09-22,Tue,am,Symptom,2,Cramps (Mild),\n",
            "bearable",
        ),
        (
            "observation_date,tracker_name,tracker_category,observation_value\n2024-01-01 00:00:00,Fatigue,Symptom,2\n",
            "visible",
        ),
    ],
)
def test_symptom_app_tables_are_not_taken_for_garmin(write: Write, text: str, expected: str) -> None:
    assert detect(write("x.csv", text)) == expected


def test_a_persons_own_long_table_is_not_taken_for_garmin(write: Write) -> None:
    # text, date-time and duration, but dates without seconds and only 3 columns
    with pytest.raises(ImportFormatError, match="Cannot tell which app"):
        detect(write("x.csv", "what,when,how long\nwalk,2026-01-01 07:00,00:30:00\n"))


def test_odd_encodings_of_a_russian_export(write: Write) -> None:
    utf16 = read_garmin(write("ru16.csv", RUSSIAN, encoding="utf-16"))
    assert utf16["exercise_type"].tolist() == ["running", "strength"]
    # Re-saved by a Russian Windows in cp1251: its Cyrillic words tell it from Windows-1252, so it reads as the
    # UTF-16 file does (before, it was read as Windows-1252: garbled names, every exercise 'other').
    cyrillic = read_garmin(write("ru1251.csv", RUSSIAN, encoding="cp1251"))
    assert cyrillic["exercise_min"].tolist() == pytest.approx([36.0, 50.5])
    assert cyrillic["exercise_type"].tolist() == ["running", "strength"]
