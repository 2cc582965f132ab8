"""Reading CSV files as people have them: old encodings told apart, lines as a text editor numbers them, dates
without leading zeros. Every expected value is the text or line written into the fixture by hand."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import spasmlog
from spasmlog.errors import EncodingError, LogReadError, ParameterError
from spasmlog.io import sources
from spasmlog.io.sources import EncodingGuessWarning, load_csv

Write = Callable[..., Path]

RUSSIAN = [
    "Судорога в икре ночью, проснулась",
    "Свело стопу после бега; растяжка помогла",
    "Магний 300 мг вечером",
]
UKRAINIAN = ["Судома в литці, їла мало", "Ґанок, є біль у стопі"]
WESTERN = [
    "Crampe au mollet après le café",
    "Wadenkrampf, Fuß müde, Übung",
    "Gemüse 3,50 €, Straße",
    "Ça va, très bien",
]


def _daily(notes: list[str]) -> str:
    rows = ["date,water_ml,notes"]
    rows += [f'2026-01-{day:02d},{1500 + day},"{note}"' for day, note in enumerate(notes, start=1)]
    return "\r\n".join(rows) + "\r\n"


def _read_without_guessing(path: Path, **options: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error", EncodingGuessWarning)
        frame, *_ = load_csv(path, **options)
    return frame


# --- encodings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "encoding"),
    [(RUSSIAN, "cp1251"), (UKRAINIAN, "cp1251"), (WESTERN, "cp1252"), (RUSSIAN + WESTERN, "utf-8"),
     (RUSSIAN + WESTERN, "utf-8-sig"), (RUSSIAN + WESTERN, "utf-16"), (RUSSIAN + WESTERN, "utf-16-be")],
)  # fmt: skip
def test_diaries_in_their_encodings_read_back_as_written(write: Write, notes: list[str], encoding: str) -> None:
    text = _daily(notes)
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw  # Python writes no BOM for an explicit byte order; Windows tools do
    frame = _read_without_guessing(write("daily.csv", raw))
    assert list(frame.columns) == ["date", "water_ml", "notes"]  # no BOM glued to the first header
    assert frame["notes"].tolist() == notes


def test_a_cyrillic_diary_validates_with_its_notes(write: Write) -> None:
    path = write("daily.csv", _daily(RUSSIAN), "cp1251")
    with warnings.catch_warnings():
        warnings.simplefilter("error", EncodingGuessWarning)
        log = spasmlog.read_log(path)
    assert log.daily["notes"].tolist() == RUSSIAN


def test_an_uncertain_guess_is_a_warning_naming_the_encoding_and_the_way_out(write: Write) -> None:
    # "€" is byte 0x80: Windows-1252 reads "€", Windows-1251 "Ђ"; no word tells which the file is in.
    path = write("daily.csv", "date,notes\n2026-01-01,Taxi 12 \u20ac\n", "cp1252")
    with pytest.warns(EncodingGuessWarning) as caught:
        frame, *_ = load_csv(path)
    assert frame["notes"].tolist() == ["Taxi 12 \u20ac"]  # the usual encoding of Western spreadsheets
    warning = caught[0].message
    assert isinstance(warning, EncodingGuessWarning)
    assert (warning.file, warning.encoding) == (str(path), "cp1252")
    assert "Windows-1252" in str(warning) and "encoding='cp1251'" in str(warning) and "CSV UTF-8" in str(warning)
    # the way out the warning names
    assert _read_without_guessing(path, encoding="cp1251")["notes"].tolist() == ["Taxi 12 \u0402"]


@pytest.mark.parametrize(("notes", "encoding"), [(RUSSIAN, "cp1251"), (WESTERN, "cp1252")])
def test_the_words_that_tell_may_come_late_in_a_big_file(write: Write, notes: list[str], encoding: str) -> None:
    plain = [f"2020-01-01,{n},plain note" for n in range(60_000)]  # about 1.5 MB of ASCII first
    rows = ["date,water_ml,notes", *plain, *(f'2026-01-{d:02d},1,"{note}"' for d, note in enumerate(notes, 1))]
    frame = _read_without_guessing(write("daily.csv", "\n".join(rows) + "\n", encoding))
    assert frame["notes"].tolist()[-len(notes) :] == notes


def test_a_folder_read_in_the_encoding_given(write: Write) -> None:
    path = write("me/daily.csv", "date,notes\n2026-01-01,Taxi 12 \u20ac\n", "cp1252")
    with warnings.catch_warnings():
        warnings.simplefilter("error", EncodingGuessWarning)
        (raw,) = sources.discover(path.parent, encoding="cp1251")
    assert raw.frame["notes"].tolist() == ["Taxi 12 \u0402"]


def test_words_of_both_kinds_make_the_guess_a_warning(write: Write) -> None:
    # Cyrillic words, and one French word read as "cafй" ("é" is the byte of "й"): evidence both ways
    path = write("daily.csv", _daily([*RUSSIAN, "un cafй"]), "cp1251")
    with pytest.warns(EncodingGuessWarning, match=r"Windows-1251 \(Cyrillic\), a guess \(\d+ words in Cyrillic"):
        frame, *_ = load_csv(path)
    assert frame["notes"].tolist()[:3] == RUSSIAN


def test_a_third_encoding_is_not_passed_off_as_western(write: Write) -> None:
    path = write("daily.csv", 'date,notes\n2026-01-01,"Skurcz łydki, główny ból"\n', "cp1250")
    with pytest.warns(EncodingGuessWarning, match="symbols inside words"):
        load_csv(path)


def test_a_lone_accented_letter_says_nothing(write: Write) -> None:
    # "à" alone reads "а" in Windows-1251: one letter is no evidence either way
    with pytest.warns(EncodingGuessWarning, match="no word shows which"):
        frame, *_ = load_csv(write("daily.csv", "date,notes\n2026-01-01,à la maison\n", "cp1252"))
    assert frame["notes"].tolist() == ["à la maison"]


def test_bytes_no_encoding_reads_as_text_are_refused(write: Write) -> None:
    # Undefined in Windows-1252; Windows-1251 reads them as "ЃЌЏђќ", which is no word of any language.
    with pytest.raises(EncodingError, match="CSV UTF-8"):
        load_csv(write("daily.csv", b"date,notes\n2026-01-01,\x81\x8d\x8f\x90\x9d\n"))


@pytest.mark.parametrize("encoding", ["klingon-8", 1251])
def test_an_unknown_encoding_is_a_parameter_error(write: Write, encoding: object) -> None:
    with pytest.raises(ParameterError, match="encoding"):
        load_csv(write("daily.csv", "date\n2026-01-01\n"), encoding=encoding)  # type: ignore[arg-type]


# --- lines ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rows_below_a_note_on_several_lines_keep_the_line_they_start_on(write: Write, newline: str) -> None:
    lines = [
        "date,water_ml,notes",  # 1
        '2026-01-01,1500,"woke up at 3',  # 2
        "calf cramp, left",  # 3
        'said ""never again"""',  # 4
        "2026-01-02,lots,plain",  # 5: the bad value
        '2026-01-03,1400,"two',  # 6
        'lines"',  # 7
        "2026-01-04,-1,",  # 8: the bad value
    ]
    path = write("daily.csv", newline.join(lines) + newline)
    frame, found, _, _ = load_csv(path)
    assert found.tolist() == [2, 5, 6, 8]
    assert frame["notes"].iloc[0] == newline.join(["woke up at 3", "calf cramp, left", 'said "never again"'])
    log = spasmlog.read_log(path, errors="quarantine")
    assert log.problems[["line", "value"]].values.tolist() == [[5, "lots"], [8, "-1"]]


def test_lines_count_the_sep_line_a_bom_and_blank_lines(write: Write) -> None:
    text = '\ufeffsep=;\r\n\r\ndate;notes;water_ml\r\n2026-01-01;"a\r\nb";1\r\n\r\n2026-01-02;"c\rd";x\r\n'
    path = write("daily.csv", text)
    _, found, decimal_comma, skip = load_csv(path)
    # 1 sep=, 2 blank, 3 header, 4-5 first row, 6 blank, 7-8 second row (a lone CR is a line break too)
    assert skip == 2 and not decimal_comma
    assert found.tolist() == [4, 6, 7]
    assert spasmlog.read_log(path, errors="quarantine").problems["line"].tolist() == [7]


@pytest.mark.parametrize(
    ("text", "expected"),
    [('date,notes\n2026-01-01,"a\nb"', [2]), ("date,notes\n2026-01-01,a\n2026-01-02,b", [2, 3]),
     ('date,notes\n2026-01-01,"a\r\nb"\r\n\r\n\r\n', [2, 4, 5]), ("date,notes\r2026-01-01,a\r\r", [2, 3]),
     ('date,notes\n"2026-01-01",a\n2026-01-02,"b"\n', [2, 3])],
)  # fmt: skip
def test_lines_at_the_end_of_a_file(write: Write, text: str, expected: list[int]) -> None:
    """With and without a line break after the last row, with blank lines after it, with quotes but no break."""
    assert load_csv(write("daily.csv", text))[1].tolist() == expected


def test_a_header_written_on_two_lines(write: Write) -> None:
    frame, found, _, _ = load_csv(write("daily.csv", 'date,"Water\n(L)"\n2026-01-01,1.5\n2026-01-02,2\n'))
    assert list(frame.columns) == ["date", "Water\n(L)"]
    assert found.tolist() == [3, 4]


def test_a_row_with_too_many_cells_after_a_note_on_several_lines(write: Write) -> None:
    text = 'sep=,\ndate,water_ml,notes\n2026-01-01,1500,"a\nb\nc"\n2026-01-02,1,ok,extra\n'
    with pytest.raises(LogReadError, match=r"line 6: this row has 4 cells where the header has 3") as caught:
        load_csv(write("daily.csv", text))
    assert caught.value.line == 6


def test_rows_with_too_many_cells_are_set_aside_when_asked_with_the_lines_of_the_rest(write: Write) -> None:
    text = 'date,notes,notes\n2026-01-01,"a\nb",x\n2026-01-02,1,5,extra\n\n2026-01-03,"c, d"\n2026-01-04,e,f,g\n'
    apart: list[sources.SetAside] = []
    frame, found, _, _ = load_csv(write("daily.csv", text), set_aside=apart)
    assert list(frame.columns) == ["date", "notes", "notes.1"]  # as pandas names a repeated header
    assert frame.values.tolist() == [["2026-01-01", "a\nb", "x"], ["", "", ""], ["2026-01-03", "c, d", ""]]
    assert found.tolist() == [2, 5, 6]
    assert apart == [
        sources.SetAside(4, ["2026-01-02", "1", "5", "extra"], 3, ","),
        sources.SetAside(7, ["2026-01-04", "e", "f", "g"], 3, ","),
    ]


def test_a_quote_never_closed_names_the_line_it_opens_on(write: Write) -> None:
    text = 'date,water_ml,notes\n2026-01-01,1500,"a\nb"\n2026-01-02,1,"never closed\n2026-01-03,2,ok\n'
    with pytest.raises(LogReadError, match="never closed") as caught:
        load_csv(write("daily.csv", text))
    assert caught.value.line == 4


def test_the_fast_reader_numbers_lines_as_the_careful_one(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'date,water_ml,notes\n2026-01-01,1500,"a\nb"\n2026-01-02,1600,c\n2026-01-03,1700,"d\r\ne\r\nf"\n'
    text += "2026-01-04,1,g\n"
    path = write("daily.csv", text)
    careful = load_csv(path)
    monkeypatch.setattr(sources, "FAST_CSV_BYTES", 0)
    fast = load_csv(path)
    assert careful[1].tolist() == fast[1].tolist() == [2, 4, 5, 8]
    assert careful[0].to_dict("list") == fast[0].to_dict("list")


# --- dates ----------------------------------------------------------------------------------------------


def test_a_hand_written_daily_file_with_unpadded_dates(write: Write) -> None:
    text = (
        "\ufeffdate,water_ml\n"
        "2011-4-18,1500\n"  # 2
        " 2011-04-19 ,1600\n"  # 3
        "2011-4-2,1700\n"  # 4
        "2011-4-31,1800\n"  # 5: April has 30 days
        "2011-13-1,1900\n"  # 6: no 13th month
        "2011-04-8,2000\n"  # 7
    )
    log = spasmlog.read_log(write("daily.csv", text), errors="quarantine")
    days = log.daily["date"].dt.strftime("%Y-%m-%d").tolist()
    assert days == ["2011-04-18", "2011-04-19", "2011-04-02", "2011-04-08"]
    problems = log.problems[["line", "value", "rule"]].values.tolist()
    assert problems == [[5, "2011-4-31", "not_a_date"], [6, "2011-13-1", "not_a_date"]]
    assert len(log.quarantine) == 2


def test_spasm_times_with_unpadded_dates(write: Write) -> None:
    split = write("split/spasms.csv", "date,time,body_region\n2011-4-18,7:05,calf\n2011-4-8,23:40,foot\n")
    joined = write(
        "joined/spasms.csv", "start,body_region\n2011-4-18 7:05,calf\n2011-04-8 23:40,foot\n2011-4-31 10:00,calf\n"
    )
    expected = [pd.Timestamp("2011-04-18 07:05"), pd.Timestamp("2011-04-08 23:40")]
    assert spasmlog.read_log(split.parent).spasms["start"].tolist() == expected
    log = spasmlog.read_log(joined.parent, errors="quarantine")
    assert log.spasms["start"].tolist() == expected
    assert log.problems[["line", "value", "rule"]].values.tolist() == [[4, "2011-4-31 10:00", "not_a_datetime"]]


def test_a_macedonian_letter_windows_1252_cannot_read(write: Write) -> None:
    # Ѓ (0x81) and ќ (0x9D) have no Windows-1252 character: only Windows-1251 reads this diary, and its words agree
    notes = ["Ѓорѓи: грч во листот", "Грч ноќе, по трчање"]
    assert _read_without_guessing(write("daily.csv", _daily(notes), "cp1251"))["notes"].tolist() == notes
