"""Diaries in the person's own language: headers, units, categories, yes/no and durations in six languages."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

import spasmlog
from spasmlog.cli import main
from spasmlog.io import parsing
from spasmlog.io.sources import detect_table
from spasmlog.logformat import vocabulary
from spasmlog.logformat.schemas import BODY_REGIONS, EXERCISE_TYPES, SIDES, TABLES, field_specs
from spasmlog.logformat.units import COFFEE_CUP_MG, date_time_part, resolve_header, suggest_header
from spasmlog.logformat.vocabulary import is_spasm_symptom
from spasmlog.report.validation_text import validation_text as report_text

# --- the vocabulary itself --------------------------------------------------------------------------------


def test_every_canonical_column_has_header_words_in_every_language() -> None:
    for table in TABLES:
        assert set(vocabulary.HEADER_WORDS[table]) == set(field_specs(table)), table
        for column, words in vocabulary.HEADER_WORDS[table].items():
            for language in vocabulary.LANGUAGES:
                assert words.get(language), f"{table}.{column} has no {language} header word"


@pytest.mark.parametrize("table", TABLES)
def test_no_header_word_means_two_columns_of_one_table(table: str) -> None:
    seen: dict[str, str] = {}
    for column, aliases in vocabulary.header_aliases(table).items():
        for alias in (*aliases, column):
            for spelling in vocabulary.spellings(alias):
                assert seen.setdefault(spelling, column) == column, f"'{spelling}': {seen[spelling]} or {column}"


@pytest.mark.parametrize("group", list(vocabulary.CATEGORY_WORDS))
def test_no_category_word_means_two_values_of_one_set(group: str) -> None:
    seen: dict[str, str] = {}
    for value, words in vocabulary.CATEGORY_WORDS[group].items():
        for word in (w for language in vocabulary.LANGUAGES for w in words.get(language, ())):
            for spelling in vocabulary.spellings(word):
                assert seen.setdefault(spelling, value) == value, f"'{spelling}': {seen[spelling]} or {value}"


def test_category_words_name_only_values_of_the_log_format() -> None:
    sets = {
        "body_region": BODY_REGIONS,
        "side": SIDES,
        "exercise_type": EXERCISE_TYPES,
        "kind": list(field_specs("spasms")["kind"].allowed),
        "context": list(field_specs("spasms")["context"].allowed),
        "relief": list(field_specs("spasms")["relief"].allowed),
        "intervention_kind": list(field_specs("interventions")["kind"].allowed),
        "sex": list(field_specs("people")["sex"].allowed),
    }
    assert set(vocabulary.CATEGORY_WORDS) == set(sets)
    for group, values in sets.items():
        assert set(vocabulary.CATEGORY_WORDS[group]) <= set(values), group


def test_yes_and_no_words_never_overlap_and_broad_words_are_no_region() -> None:
    assert not vocabulary.folded_set(vocabulary.TRUE_WORDS) & vocabulary.folded_set(vocabulary.FALSE_WORDS)
    regions = vocabulary.category_words(tuple(BODY_REGIONS))
    assert not vocabulary.folded_set(vocabulary.BROAD_BODY_WORDS) & set(regions)
    for language in vocabulary.LANGUAGES:
        assert vocabulary.VAGUE_DURATIONS[language] and vocabulary.BROAD_BODY_WORDS[language]


@pytest.mark.parametrize("header", ["Krämpfe", "Kraempfe", "Krampfe", "KRÄMPFE", " krämpfe "])
def test_umlauts_and_accents_do_not_matter_in_headers(header: str) -> None:
    match = resolve_header(header, "daily")
    assert match is not None and match.field == "spasm_count"


# --- headers and units ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "table", "field", "factor"),
    [
        ("Wasser (L)", "daily", "water_ml", 1000.0),
        ("Wasser (Gläser)", "daily", "water_ml", 240.0),
        ("Schlaf (Std)", "daily", "sleep_h", 1.0),
        ("Schlaf (Stunden)", "daily", "sleep_h", 1.0),
        ("Sitzen (min)", "daily", "sitting_h", 1 / 60),
        ("Schritte", "daily", "steps", 1.0),
        ("eau (litres)", "daily", "water_ml", 1000.0),
        ("sommeil (heures)", "daily", "sleep_h", 1.0),
        ("Agua (vasos)", "daily", "water_ml", 240.0),
        ("sonno (ore)", "daily", "sleep_h", 1.0),
        ("slaap (uur)", "daily", "sleep_h", 1.0),
        ("Magnesio (g)", "daily", "magnesium_mg", 1000.0),
        ("Stärke (1-10)", "spasms", "intensity", 1.0),
        ("Dauer (min)", "spasms", "duration_s", 60.0),
        ("durée (s)", "spasms", "duration_s", 1.0),
        ("Geschlecht", "people", "sex", 1.0),
        ("objectif magnésium (mg)", "people", "magnesium_target_mg", 1.0),
        ("Behandlung", "interventions", "name", 1.0),
        ("Ende", "interventions", "end", 1.0),
    ],
)
def test_headers_in_other_languages(header: str, table: str, field: str, factor: float) -> None:
    match = resolve_header(header, table)
    assert match is not None and match.problem is None
    assert match.field == field
    assert match.factor == pytest.approx(factor)


@pytest.mark.parametrize(
    ("header", "cups_said"),
    [("Kaffee (Tassen)", True), ("coffee (cups)", True), ("cafés", False), ("Kaffee", False), ("koffie", False),
     ("Koffein (Tassen)", True), ("caffè (tazzine)", True)],
)  # fmt: skip
def test_cups_of_coffee_convert_at_the_declared_size_and_say_so(header: str, cups_said: bool) -> None:
    assert COFFEE_CUP_MG == 90.0  # EFSA 2015: a 200 mL cup of filter coffee
    match = resolve_header(header, "daily")
    assert match is not None
    assert (match.field, match.factor, match.to_unit) == ("caffeine_mg", 90.0, "mg")
    assert "1 cup of coffee = 90 mg caffeine" in match.note and "EFSA 2015" in match.note
    assert ("no unit in the header" in match.note) is not cups_said


def test_coffee_in_milligrams_is_milligrams() -> None:
    match = resolve_header("Kaffee (mg)", "daily")
    assert match is not None and (match.field, match.factor) == ("caffeine_mg", 1.0)


@pytest.mark.parametrize("header", ["Magnesium (Tabl.)", "Magnesium (Tabletten)", "magnesium (capsules)"])
def test_tablets_are_not_a_unit_spasmlog_guesses(header: str) -> None:
    match = resolve_header(header, "daily")
    assert match is not None and match.problem is not None
    assert "tablet" in match.problem and "Magnesium (mg)" in match.problem


@pytest.mark.parametrize(
    ("header", "table", "expected"),
    [("Wassr (L)", "daily", "water_ml"), ("Schlaff (Std)", "daily", "sleep_h"), ("Magnesum", "daily", "magnesium_mg"),
     ("slep (h)", "daily", "sleep_h"), ("Kramfe", "daily", "spasm_count"), ("Intensitt", "spasms", "intensity"),
     ("banana", "daily", None), ("hot bath", "daily", None), ("Seite", "daily", None)],
)  # fmt: skip
def test_suggestions_only_when_reasonably_close(header: str, table: str, expected: str | None) -> None:
    assert resolve_header(header, table) is None
    assert suggest_header(header, table) == expected


@pytest.mark.parametrize(
    ("header", "part"),
    [("Datum", "date"), ("date", "date"), ("fecha", "date"), ("data", "date"), ("Uhrzeit", "time"),
     ("heure", "time"), ("hora", "time"), ("ora", "time"), ("tijd", "time"), ("Time (hh:mm)", "time"), ("Wo", None)],
)  # fmt: skip
def test_date_and_time_columns_of_a_spasm(header: str, part: str | None) -> None:
    assert date_time_part(header) == part


# --- cells ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("ja", True), ("Nein", False), ("oui", True), ("non", False), ("sí", True), ("Si", True), ("sì", True),
     ("no", False), ("nee", False), ("wahr", True), ("FALSCH", False), ("vrai", True)],
)  # fmt: skip
def test_yes_and_no_in_six_languages(cell: str, expected: bool) -> None:
    parsed = parsing.parse_boolean(pd.Series([cell]))
    assert parsed.errors.empty
    assert bool(parsed.values.iloc[0]) is expected


@pytest.mark.parametrize(
    ("cell", "allowed", "expected"),
    [("Wade", BODY_REGIONS, "calf"), ("Fuß", BODY_REGIONS, "foot"), ("Fuss", BODY_REGIONS, "foot"),
     ("mollet", BODY_REGIONS, "calf"), ("pied", BODY_REGIONS, "foot"), ("pantorrilla", BODY_REGIONS, "calf"),
     ("polpaccio", BODY_REGIONS, "calf"), ("kuit", BODY_REGIONS, "calf"), ("Zehen", BODY_REGIONS, "toes"),
     ("li", SIDES, "left"), ("re.", SIDES, "right"), ("links", SIDES, "left"), ("rechts", SIDES, "right"),
     ("gauche", SIDES, "left"), ("droite", SIDES, "right"), ("izq", SIDES, "left"), ("der", SIDES, "right"),
     ("sx", SIDES, "left"), ("dx", SIDES, "right"), ("beide", SIDES, "both"), ("L", SIDES, "left"),
     ("Radfahren", EXERCISE_TYPES, "cycling"), ("Laufen", EXERCISE_TYPES, "running"),
     ("natation", EXERCISE_TYPES, "swimming"), ("yoga", EXERCISE_TYPES, "yoga_pilates"),
     ("fietsen", EXERCISE_TYPES, "cycling"), ("kein Sport", EXERCISE_TYPES, "none")],
)  # fmt: skip
def test_category_words_in_six_languages(cell: str, allowed: list[str], expected: str) -> None:
    parsed = parsing.parse_category(pd.Series([cell]), tuple(allowed))
    assert parsed.errors.empty
    assert parsed.values.iloc[0] == expected


def test_a_word_means_what_it_means_in_its_column() -> None:
    reliefs = field_specs("spasms")["relief"].allowed
    assert parsing.normalise_category("gehen", reliefs) == "walk"
    assert parsing.normalise_category("gehen", tuple(EXERCISE_TYPES)) == "walking"
    assert parsing.normalise_category("walk", reliefs) == "walk"


@pytest.mark.parametrize("cell", ["Oberschenkel", "thigh", "cuisse", "muslo", "coscia", "bovenbeen", "Bein"])
def test_a_broad_body_word_is_read_as_other_and_reported(cell: str) -> None:
    parsed = parsing.parse_category(pd.Series(["Wade", cell]), tuple(BODY_REGIONS))
    assert parsed.values.tolist() == ["calf", "other"]
    assert parsed.errors.to_dict() == {1: "broad_category"}


@pytest.mark.parametrize(
    ("cell", "seconds"),
    [("30 Sek", 30.0), ("30 Sek.", 30.0), ("45 Sekunden", 45.0), ("2 min", 120.0), ("2 Min.", 120.0),
     ("1 Std", 3600.0), ("1,5 Minuten", 90.0), ("30 s", 30.0), ("2 minutes", 120.0), ("1 h", 3600.0),
     ("20 secondes", 20.0), ("30 seg", 30.0), ("2 minutos", 120.0), ("10 secondi", 10.0), ("2 minuti", 120.0),
     ("45 seconden", 45.0), ("1 uur", 3600.0), ("1 min 30 sek", 90.0)],
)  # fmt: skip
def test_duration_words_in_six_languages(cell: str, seconds: float) -> None:
    parsed = parsing.parse_duration(pd.Series([cell]), decimal_comma=True)
    assert parsed.errors.empty, parsed.errors
    assert parsed.values.iloc[0] == seconds


@pytest.mark.parametrize(
    "cell", ["kurz", "Kurz", "court", "corto", "breve", "kort", "short", "lang", "ein paar Sekunden"]
)
def test_a_vague_duration_is_reported_never_given_a_number(cell: str) -> None:
    parsed = parsing.parse_duration(pd.Series(["30", cell]))
    assert parsed.errors.to_dict() == {1: "vague_duration"}
    assert math.isnan(parsed.values.iloc[1])


# --- which table --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "headers", "table"),
    [
        ("Krämpfe", ["Datum", "Uhrzeit", "Wo", "Seite", "Stärke (1-10)", "Dauer", "Notiz"], "spasms"),
        ("export", ["Datum", "Uhrzeit", "Wo", "Seite"], "spasms"),
        ("daily", ["date", "time", "region", "intensity"], "spasms"),
        ("Tagebuch", ["Datum", "Wasser (L)", "Krämpfe", "Schlaf (Std)"], "daily"),
        ("Krämpfe", ["Datum", "Krämpfe", "Wasser (L)"], "daily"),
        ("cramp diary", ["Date", "Cramps", "Water (L)"], "daily"),
        ("daily", ["date", "water", "sleep", "where"], "daily"),
        ("crampes", ["date", "heure", "où"], "spasms"),
        ("calambres", [], "spasms"),
        ("journal", [], "daily"),
        ("dagboek", ["datum", "water (L)"], "daily"),
        ("Behandlungen", ["Maßnahme", "Beginn"], "interventions"),
        ("spasms", ["body_region", "intensity"], "spasms"),
        ("Patient 3", [], None),  # a physiotherapist's client file is named after the client
        ("Kramp", [], None),
        ("Frau Krampf", ["Datum", "Uhrzeit", "Wo"], "spasms"),
    ],
)
def test_which_table_a_file_holds(name: str, headers: list[str], table: str | None) -> None:
    assert detect_table(name, headers) == table


# --- the German diary, exactly as the issue describes it ----------------------------------------------------

GERMAN_DIARY_HEADER = "Datum;Wasser (L);Magnesium (mg);Krämpfe;Kaffee (Tassen);Sport;Schlaf (Std);Bemerkung"
GERMAN_EVENTS = [
    "Datum;Uhrzeit;Wo;Seite;Stärke (1-10);Dauer;Notiz",
    "01.03.2025;23:40;Wade;li;7;30 Sek;nachts",
    "02.03.2025;02:15;Fuß;re;5;kurz;",
    "04.03.2025;03:00;Oberschenkel;li;8;2 min;beim Umdrehen",
    "05.03.2025;22:10;Wade;re;6;45 Sekunden;",
    "07.03.2025;01:05;Wade;beide;4;1 Min.;",
]
CUPS = [i % 4 for i in range(30)]


def _german_log(folder: Path, sport: list[str]) -> Path:
    """Excel's German CSV: cp1252 bytes, ';', CRLF, DD.MM.YYYY, decimal commas, 30 days."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [GERMAN_DIARY_HEADER]
    for i in range(30):
        day = dt.date(2025, 3, 1) + dt.timedelta(days=i)
        water = f"{1.5 + 0.1 * (i % 6):.1f}".replace(".", ",")
        sleep = f"{6.5 + 0.5 * (i % 4):.1f}".replace(".", ",")
        note = "schlecht geschlafen, Wade hart" if i % 7 == 0 else ""
        magnesium = "300" if i % 3 else ""
        rows.append(f"{day:%d.%m.%Y};{water};{magnesium};{i % 3};{CUPS[i]};{sport[i % len(sport)]};{sleep};{note}")
    (folder / "Tagebuch.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    (folder / "Krämpfe.csv").write_bytes(("\r\n".join(GERMAN_EVENTS) + "\r\n").encode("cp1252"))
    return folder


def test_the_german_diary_and_its_events_file(tmp_path: Path) -> None:
    folder = _german_log(tmp_path / "Anna", ["ja", "nein", ""])
    log = spasmlog.read_log(folder, errors="quarantine")

    sources = log.sources.set_index(log.sources["file"].map(lambda f: Path(f).name))
    assert sources.loc["Krämpfe.csv", "table"] == "spasms"
    assert sources.loc["Tagebuch.csv", "table"] == "daily"
    assert len(log.daily) == 30 and len(log.quarantine) == 0
    assert "duplicate" not in set(log.problems["rule"])
    assert not len(log.errors)

    spasms = log.spasms
    assert spasms["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-03-01 23:40",
        "2025-03-02 02:15",
        "2025-03-04 03:00",
        "2025-03-05 22:10",
        "2025-03-07 01:05",
    ]
    assert spasms["body_region"].tolist() == ["calf", "foot", "other", "calf", "calf"]
    assert spasms["side"].tolist() == ["left", "right", "left", "right", "both"]
    assert spasms["intensity"].tolist() == [7.0, 5.0, 8.0, 6.0, 4.0]
    durations = spasms["duration_s"].tolist()
    assert durations[0] == 30.0 and math.isnan(durations[1]) and durations[2:] == [120.0, 45.0, 60.0]

    # `kurz` is reported with a hint, the spasm kept, no number guessed
    kurz = log.problems[log.problems["rule"] == "vague_duration"]
    assert kurz[["value", "line", "column", "severity"]].values.tolist() == [["kurz", 3, "Dauer", "warning"]]
    assert "30 s, 2 min" in kurz["message"].iloc[0]
    thigh = log.problems[log.problems["rule"] == "broad_category"]
    assert thigh[["value", "line", "severity"]].values.tolist() == [["Oberschenkel", 4, "warning"]]
    assert "quadriceps (front) or hamstring (back)" in thigh["message"].iloc[0]

    daily = log.daily
    assert daily["caffeine_mg"].tolist() == [c * 90.0 for c in CUPS]
    assert daily["water_ml"].iloc[:6].round(6).tolist() == [1500.0, 1600.0, 1700.0, 1800.0, 1900.0, 2000.0]
    assert daily["sleep_h"].iloc[:4].tolist() == [6.5, 7.0, 7.5, 8.0]
    assert daily["spasm_count"].iloc[:3].tolist() == [0, 1, 2]
    assert daily["notes"].iloc[0] == "schlecht geschlafen, Wade hart"
    coffee = log.conversions[log.conversions["column"] == "Kaffee (Tassen)"]
    assert coffee[["field", "factor"]].values.tolist() == [["caffeine_mg", 90.0]]
    assert "1 cup of coffee = 90 mg caffeine" in coffee["note"].iloc[0]

    # every header understood, or listed with a suggestion; nothing lost
    understood = set(log.conversions["column"]) | {"Uhrzeit"}
    assert log.conversions.loc[log.conversions["column"] == "Datum", "note"].str.contains("Uhrzeit").any()
    unknown = log.unknown_columns
    assert unknown[["column", "suggestion"]].values.tolist() == [["Sport", "exercise_min"]]
    headers = set(GERMAN_DIARY_HEADER.split(";")) | set(GERMAN_EVENTS[0].split(";"))
    assert headers <= understood | set(unknown["column"])
    assert daily["Sport"].iloc[:3].tolist() == [True, False, pd.NA]  # kept as her own yes/no factor

    text = report_text(log, folder)
    assert "Headers not understood" in text and "`Sport`: did you mean exercise_min?" in text
    assert "1 cup of coffee = 90 mg caffeine (EFSA 2015" in text


@pytest.mark.parametrize(
    ("sport", "field", "expected"),
    [(["30", "0", "45"], "exercise_min", [30.0, 0.0, 45.0]),
     (["Radfahren", "Laufen", "Yoga"], "exercise_type", ["cycling", "running", "yoga_pilates"])],
)  # fmt: skip
def test_a_sport_column_is_read_by_what_its_cells_hold(
    tmp_path: Path, sport: list[str], field: str, expected: list[object]
) -> None:
    log = spasmlog.read_log(_german_log(tmp_path / "Anna", sport), errors="quarantine")
    assert log.daily[field].iloc[:3].tolist() == expected
    assert "Sport" not in set(log.unknown_columns["column"])


def test_validate_lists_every_header_it_did_not_understand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "me"
    folder.mkdir()
    text = "Datum;Wassr (L);Schlaff (Std);Bananen\r\n13.03.2025;1,5;7;2\r\n14.03.2025;2;8;1\r\n"
    (folder / "Tagebuch.csv").write_bytes(text.encode("cp1252"))
    code = main(["validate", str(folder)])
    out = capsys.readouterr().out
    assert code == 0
    assert "`Wassr (L)`: did you mean water_ml?" in out
    assert "`Schlaff (Std)`: did you mean sleep_h?" in out
    assert "`Bananen`\n" in out  # listed, without a guess
    log = spasmlog.read_log(folder)
    assert list(log.unknown_columns.columns) == ["table", "file", "column", "suggestion", "note"]
    assert log.unknown_columns["column"].tolist() == ["Wassr (L)", "Schlaff (Std)", "Bananen"]
    assert log.daily["Bananen"].tolist() == [2.0, 1.0]  # kept: nothing lost
    code = main(["validate", str(folder), "--format", "json"])
    out = capsys.readouterr().out
    assert '"suggestion": "sleep_h"' in out


# --- smaller diaries in French, Spanish, Italian, Dutch ---------------------------------------------------

OTHER_LANGUAGES = {
    "fr": (
        "date;eau (L);magnésium (mg);crampes;cafés;sport (min);sommeil (h);remarques",
        "13/03/2025;1,5;300;1;2;30;7,5;bien dormi",
        "date;heure;où;côté;intensité;durée;note",
        "13/03/2025;23:40;mollet;gauche;6;30 s;la nuit",
        ("calf", "left", 30.0),
    ),
    "es": (
        "fecha;agua (L);magnesio (mg);calambres;café (tazas);deporte (min);sueño (horas);notas",
        "13/03/2025;1,5;300;1;2;30;7,5;",
        "fecha;hora;dónde;lado;intensidad;duración;notas",
        "13/03/2025;23:40;pantorrilla;izq;6;30 seg;",
        ("calf", "left", 30.0),
    ),
    "it": (
        "data;acqua (L);magnesio (mg);crampi;caffè;sport (min);sonno (ore);note",
        "13/03/2025;1,5;300;1;2;30;7,5;",
        "data;ora;dove;lato;intensità;durata;note",
        "13/03/2025;23:40;piede;dx;6;2 minuti;",
        ("foot", "right", 120.0),
    ),
    "nl": (
        "datum;water (L);magnesium (mg);krampen;koffie (kopjes);sport (min);slaap (uur);opmerkingen",
        "13-03-2025;1,5;300;1;2;30;7,5;",
        "datum;tijd;waar;kant;pijn;duur;notitie",
        "13-03-2025;23:40;kuit;beide;6;45 seconden;",
        ("calf", "both", 45.0),
    ),
}


@pytest.mark.parametrize("language", list(OTHER_LANGUAGES))
def test_diaries_in_other_languages(tmp_path: Path, language: str) -> None:
    daily_header, daily_row, events_header, events_row, (region, side, seconds) = OTHER_LANGUAGES[language]
    folder = tmp_path / language
    folder.mkdir()
    (folder / "a.csv").write_bytes(f"{daily_header}\r\n{daily_row}\r\n".encode("cp1252"))
    (folder / "b.csv").write_bytes(f"{events_header}\r\n{events_row}\r\n".encode("cp1252"))
    log = spasmlog.read_log(folder)
    assert log.unknown_columns.empty, log.unknown_columns
    row = log.daily.iloc[0]
    assert (row["water_ml"], row["magnesium_mg"], row["spasm_count"], row["caffeine_mg"]) == (1500.0, 300.0, 1, 180.0)
    assert (row["exercise_min"], row["sleep_h"]) == (30.0, 7.5)
    event = log.spasms.iloc[0]
    assert event["start"] == pd.Timestamp("2025-03-13 23:40")
    assert (event["body_region"], event["side"], event["intensity"], event["duration_s"]) == (
        region,
        side,
        6.0,
        seconds,
    )


def test_a_wide_export_lists_its_unknown_headers_briefly(tmp_path: Path) -> None:
    headers = ["date", *(f"Wassr {i}" for i in range(250))]
    path = tmp_path / "export.csv"
    path.write_text(",".join(headers) + "\n2025-03-13," + ",".join("1" for _ in range(250)) + "\n", encoding="utf-8")
    log = spasmlog.read_log(path)
    assert len(log.unknown_columns) == 250  # every one listed in the structured data
    assert log.unknown_columns["suggestion"].isna().all()  # too many to be a diary's typos: no guesses
    text = report_text(log, path)
    assert text.count("`Wassr ") == 40 and "... and 210 more" in text


# --- the names of activities in the apps' exports ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # issue 11: names a real import mapped to the wrong type, or to none
        ("Stair-treadmill ergometer, general", "other"),  # a stair climber, not a run on a treadmill
        ("Entrenamiento en cinta", "running"),  # es: treadmill training
        ("push ups", "strength"),
        ("Push-ups", "strength"),
        ("Pushups", "strength"),
        ("Rowing, stationary, moderate effort", "other"),
        ("Indoor Rower", "other"),
        ("Elliptical trainer, moderate effort", "other"),
        ("HIIT", "other"),
        ("High Intensity Interval Training", "other"),
        # other languages
        ("Liegestütze", "strength"),  # de: push-ups, umlaut or not
        ("Liegestuetze", "strength"),
        ("Klimmzüge", "strength"),
        ("Rudergerät", "other"),
        ("Treppensteigen", "other"),
        ("Crosstrainer", "other"),
        ("Skilanglauf", "other"),  # ends in "lauf", but is no run
        ("Dauerlauf", "running"),
        ("Freiwasserschwimmen", "swimming"),
        ("Rennradfahren", "cycling"),
        ("Pompes", "strength"),  # fr
        ("Vélo elliptique", "other"),
        ("Aviron", "other"),
        ("Tapis de course", "running"),
        ("Flexiones", "strength"),  # es
        ("Bicicleta elíptica", "other"),  # an elliptical, not a bike
        ("Bicicleta estática", "cycling"),
        ("Caminar en cinta", "walking"),  # a walk on the treadmill
        ("Máquina de remo", "other"),
        ("Flessioni", "strength"),  # it
        ("Tapis roulant", "running"),
        ("Cyclette", "cycling"),
        ("Opdrukken", "strength"),  # nl
        ("Roeien", "other"),
        ("Hometrainer", "cycling"),
        ("Loopband", "running"),
        # unchanged readings
        ("Walking, 3.5 mph, brisk pace", "walking"),
        ("Treadmill walking", "walking"),
        ("Running (jogging), 5 mph (12 min mile)", "running"),
        ("Weight loss walk", "walking"),
        ("Barbell row", "strength"),
        ("Swimming, laps, freestyle", "swimming"),
        ("Yoga, Hatha", "yoga_pilates"),
        ("Soccer/Football", "team_sport"),
        ("Calcio", "team_sport"),
        # no type: never a guess from a part of a word
        ("Motorcycling", "other"),
        ("Recycling", "other"),
        ("Marching band", "other"),
        ("Gardening, general", "other"),
        ("", "other"),
    ],
)
def test_exercise_type_of_an_activity_name(name: str, expected: str) -> None:
    assert vocabulary.exercise_type_of_name(name) == expected
    assert expected in EXERCISE_TYPES


def test_exercise_name_words_name_only_types_and_no_word_two_types() -> None:
    assert set(vocabulary.EXERCISE_NAME_WORDS) <= set(EXERCISE_TYPES) - {"none"}
    assert next(iter(vocabulary.EXERCISE_NAME_WORDS)) == "other"  # checked first
    owner: dict[str, str] = {}
    for value, words in vocabulary.EXERCISE_NAME_WORDS.items():
        assert set(words) == set(vocabulary.LANGUAGES), value
        for language_words in words.values():
            for word in language_words:
                assert owner.setdefault(vocabulary.fold(word), value) == value, word


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Stretching, mild", True), ("Dehnübungen", True), ("Étirements", True), ("Estiramientos", True),
     ("Allungamento", True), ("Rekoefeningen", True), ("Walking", False), ("Stair stepper", False)],
)  # fmt: skip
def test_stretching_names_in_six_languages(name: str, expected: bool) -> None:
    assert vocabulary.names_stretching(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Muscle cramps", True),
        ("Leg cramps (Unbearable)", True),
        ("cramping", True),
        ("Charley horse", True),
        ("Wadenkrämpfe nachts", True),
        ("Muskelkrampf", True),
        ("Krämpfe", True),
        ("spierkrampen", True),
        ("Crampes musculaires", True),
        ("Calambres", True),
        ("Espasmos", True),
        ("Crampi", True),
        ("Spasms (Mild)", True),
        ("Tetany", True),
        ("Headache", False),
        ("Crampons", False),
        ("Fatigue", False),
        ("Brain fog", False),
        ("", False),
        ("Schmerzen", False),
        ("Migraine", False),
    ],
)
def test_is_spasm_symptom_names_in_the_apps_languages(name: str, expected: bool) -> None:
    assert is_spasm_symptom(name) is expected
