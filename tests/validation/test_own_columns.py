"""Yes/no and number cells that cannot be read say what they are not: a ``maybe`` in a yes/no column is not yes
or no (with the spellings read), and a column of the person's own that a cell or two keep from being yes/no or
numbers is named, since it is then kept as text and not analysed. Fixtures and expected values by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

import spasmlog

Write = Callable[..., Path]


def test_maybe_in_the_warm_up_column_is_not_yes_or_no_and_the_message_lists_the_spellings(write: Write) -> None:
    text = "Date;Warm-up;Water (L)\n2026-01-01;ja;1,5\n2026-01-02;maybe;2\n2026-01-03;Nee;2\n"
    log = spasmlog.read_log(write("daily.csv", text), errors="quarantine")
    assert log.daily["warmup"].tolist() == [True, False]
    problem = log.problems.iloc[0]
    where = (problem["line"], problem["column"], problem["value"], problem["rule"])
    assert where == (3, "Warm-up", "maybe", "not_yes_no")
    message = problem["message"]
    assert message.startswith("'maybe' is not yes or no.")
    assert "number" not in message
    for spelling in ("yes, y, true", "ja", "oui", "no, n, false", "nein", "non", "nee"):
        assert spelling in message


DAYS = [f"2026-02-{day:02d}" for day in range(1, 7)]


def _own(write: Write, column: str, cells: list[str]) -> spasmlog.Log:
    rows = "\n".join(f"{day},{count},{cell}" for day, count, cell in zip(DAYS, [1, 0, 2, 1, 0, 3], cells, strict=True))
    return spasmlog.read_log(write("me/daily.csv", f"date,spasm_count,{column}\n{rows}\n").parent)


def test_an_own_yes_no_column_with_one_maybe_is_named_not_silently_made_text(write: Write) -> None:
    log = _own(write, "hot bath", ["yes", "no", "maybe", "yes", "", "no"])
    assert log.daily["hot bath"].tolist()[:3] == ["yes", "no", "maybe"]  # kept as written: nothing lost
    warned = log.problems
    assert warned[["line", "column", "value", "rule", "severity"]].values.tolist() == [
        [4, "hot bath", "maybe", "own_column_not_yes_no", "warning"]
    ]
    message = warned["message"].iloc[0]
    assert "1 cell of your own column 'hot bath' is not yes or no: 'maybe' (line 4)" in message
    assert "not analysed as a factor" in message and "ja" in message


def test_an_own_number_column_with_a_stray_letter_is_named(write: Write) -> None:
    log = _own(write, "steps_watch", ["5000", "6200", "x", "4800", "n/a", "7100"])
    warned = log.problems
    assert warned[["line", "value", "rule"]].values.tolist() == [[4, "x", "own_column_not_a_number"]]
    assert "is not a number: 'x' (line 4)" in warned["message"].iloc[0]


def test_own_columns_that_read_whole_or_are_free_text_get_no_warning(write: Write) -> None:
    flags = _own(write, "hot_bath", ["yes", "no", "Ja", "x", "", "0"])
    assert flags.daily["hot_bath"].tolist() == [True, False, True, True, pd.NA, False]
    assert not len(flags.problems)
    words = _own(write, "mood", ["yes", "tired", "ok", "no", "grumpy", "fine"])  # a few yes/no among words
    assert not len(words.problems)
