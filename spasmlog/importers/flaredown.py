"""Flaredown exports (a person's ``data.csv`` and the long research export) as an imported ``daily`` table.

Two shapes are read, told apart by the header row:

- the per-user ``data.csv`` Flaredown e-mails (wide): ``Date``, one column per condition and per symptom
  rated 0 (not active) – 4 (extremely active), one per treatment holding a dose (``400 mg``,
  ``3 x 5 mg``) or ``Taken``/``Not Taken``, then ``Tags`` and ``Foods`` (``; ``-separated) and, in later
  exports, weather columns. Names are in the person's language;
- the research export (long, many people): ``user_id,age,sex,country,checkin_date,trackable_id,
  trackable_type,trackable_name,trackable_value`` with ``trackable_type`` one of ``Condition``,
  ``Symptom``, ``Treatment``, ``Tag``, ``Food``, ``Weather``, ``HBI``. Each ``user_id`` is a person.

How each trackable is placed
----------------------------
- a condition or symptom whose name means cramps or spasms (any language of
  :func:`spasmlog.logformat.vocabulary.is_spasm_symptom`: ``Muscle cramps``, ``Muskelkrämpfe``,
  ``calambres``) → ``spasm_count`` = **0 on a day rated 0 and 1 ("at least one spasm") on a day rated
  1–4** (Flaredown records how active, not how many), and the rating itself, on Flaredown's 0–4 scale,
  never rescaled, in ``flaredown_spasm_severity`` (the highest of the day when several names are spasms);
- any other condition or symptom → an extra column ``flaredown_<name>`` (0–4), kept for the analysis;
- a treatment → an entry of ``attrs["interventions"]`` (first and last day taken, most frequent dose)
  and the extra columns ``flaredown_<name>_taken`` (yes/no: ``Not Taken`` is no) and, for doses in a
  mass unit, ``flaredown_<name>_mg`` (``Not Taken`` is 0); magnesium, calcium, potassium and sodium
  doses in mg are also added to ``magnesium_mg`` … (supplement only);
- a tag → a yes/no column ``flaredown_tag_<name>``: yes on the check-ins that list it, no on the other
  check-ins of that person;
- foods → text, ``flaredown_foods`` (``; ``-separated); weather → ``flaredown_weather_<name>``, as
  Flaredown wrote it (no unit conversion: the export does not say the unit); HBI → ``flaredown_hbi``.

An empty cell is "not recorded" (nothing is written); ``0`` is zero. Rows of the research export without
a date, user or name, and values that cannot be read, are reported with their line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from spasmlog.errors import ImportFormatError
from spasmlog.importers._csv import (
    ExportFile,
    Notes,
    PathInput,
    Tally,
    count,
    days,
    export_files,
    load_export,
    wrong_format,
)
from spasmlog.importers._symptom_apps import supplement_kind
from spasmlog.importers.generic import Mapping, Placed, Placement, parse_dose, place, slug, table_of
from spasmlog.io.parsing import is_missing, parse_number
from spasmlog.logformat.vocabulary import fold, is_spasm_symptom

__all__ = ["export_kind", "read_flaredown"]

SOURCE = "flaredown"
PREFIX = "flaredown"
RESEARCH_COLUMNS = ("user_id", "checkin_date", "trackable_type", "trackable_name", "trackable_value")
_DATE = ("date", "datum", "fecha", "data")
_TAGS = ("tags", "etiquetas", "etiquettes", "schlagworte")
_FOODS = ("foods", "lebensmittel", "alimentos", "aliments", "alimenti")
_WEATHER = {"icon", "temperature_min", "temperature_max", "precip_intensity", "pressure", "humidity"}


def export_kind(headers: Iterable[str]) -> str | None:
    """``"research"`` or ``"data"`` for a Flaredown export's normalised headers, else ``None``.

    Examples
    --------
    >>> export_kind(["user_id", "age", "sex", "country", "checkin_date", "trackable_id", "trackable_type",
    ...              "trackable_name", "trackable_value"])
    'research'
    >>> export_kind(["date", "crohn's disease", "fatigue", "tags", "foods"])
    'data'
    >>> export_kind(["date", "water (l)"]) is None
    True
    """
    h = list(headers)
    if set(RESEARCH_COLUMNS) <= set(h):
        return "research"
    if h and h[0] in _DATE and set(h) & set(_TAGS) and set(h) & set(_FOODS):
        return "data"
    return None


def _placement(kind: str, name: str) -> Placement | None:
    kind = fold(kind)
    if kind in ("condition", "symptom"):
        if is_spasm_symptom(name):
            return Placement("spasms", scale="0-4")
        return Placement("factor", column=f"{PREFIX}_{slug(name)}")
    if kind == "treatment":
        return Placement("intervention", kind=supplement_kind(name))  # Magnesium a supplement, Ibuprofen not
    if kind == "tag":
        return Placement("tag", column=f"{PREFIX}_tag_{slug(name)}")
    if kind == "food":
        return Placement("text", column=f"{PREFIX}_foods")
    if kind == "weather":
        return Placement("factor", column=f"{PREFIX}_weather_{slug(name)}")
    if kind == "hbi":
        return Placement("factor", column=f"{PREFIX}_hbi")
    return None


def _mapping() -> Mapping:
    # The research export's name column holds "Type\x1fName" so one name can be placed by its type.
    def fallback(key: str) -> Placement | None:
        kind, _, name = key.partition("\x1f")
        return _placement(kind, name)

    return Mapping(prefix=PREFIX, fallback=fallback)


def _research(
    export: ExportFile, notes: Notes, *, dayfirst: bool | None, person: str | None
) -> tuple[Placed, list[dict]]:
    h = {name: export.headers[name] for name in export.headers}
    frame = export.frame
    day = days(export, h["checkin_date"], notes, source="Flaredown", dayfirst=dayfirst)
    user = frame[h["user_id"]].astype("str").str.strip()
    kind = frame[h["trackable_type"]].astype("str").str.strip()
    name = frame[h["trackable_name"]].astype("str").str.strip()
    broken = is_missing(user) | is_missing(name) | is_missing(kind)
    if broken.any():
        where = ", ".join(str(line) for line in export.lines[broken.to_numpy()][:3])
        notes.add(
            f"{export.label}: {count(int(broken.sum()), 'row')} without a user, a trackable type or a name left out "
            f"(lines {where})."
        )
    keep = day.notna() & ~broken
    rows = pd.DataFrame(
        {
            "person": user,
            "day": day,
            "name": kind + "\x1f" + name,
            "value": frame[h["trackable_value"]].astype("str").str.strip().replace({"nan": ""}),
            "unit": "",
            "line": export.lines,
        }
    )[keep.to_numpy()]
    # Tags and foods are listed with an empty value: being listed is the value (a food's is its name).
    codes, names = pd.factorize(rows["name"])  # a few hundred distinct names in millions of rows
    types = np.array([fold(str(n).split("\x1f")[0]) for n in names] + [""], dtype=object)[codes]
    empty = is_missing(rows["value"]).to_numpy()
    rows.loc[(types == "tag") & empty, "value"] = "yes"
    food = (types == "food") & empty
    foods = np.array([str(n).split("\x1f")[1] for n in names] + [""], dtype=object)[codes]
    rows.loc[food, "value"] = foods[food]
    if person is not None:
        if person not in set(rows["person"]):
            raise ImportFormatError(
                f"{export.label} holds no check-in of user {person!r}.", file=export.label, value=person
            )
        rows = rows[rows["person"] == person]
    rows, said = _ratings_checked(rows, lambda user: f"{export.label} (user {user})")
    placed = place(rows, _mapping(), label=lambda user: f"{export.label} (user {user})")
    _add_notes(notes, placed, said)
    _readable(notes)
    people = []
    users = set(placed.order)
    columns = [c for c in ("user_id", "age", "sex", "country") if c in h]
    facts = frame.loc[keep.to_numpy(), [h[c] for c in columns]].drop_duplicates(subset=h["user_id"])
    # Flaredown writes each user's age on the day the export ran (Profile#age from the birth date, in
    # rubyforgood/Flaredown backend/lib/tasks/utils.rake), which is on or after the export's latest check-in.
    latest = int(day[keep].max().year) if keep.any() else None
    ages = _ages(user[keep], frame.loc[keep.to_numpy(), h["age"]], day[keep]) if "age" in h else {}
    for record in facts.to_dict("records"):
        entry: dict = {c: str(record[h[c]]).strip() for c in columns}
        if entry["user_id"] not in users:
            continue
        entry["person_id"] = entry.pop("user_id")
        age = entry.pop("age", "")
        whose = f"{export.label} (user {entry['person_id']})"
        written, last = ages.get(entry["person_id"], ([age], age))
        if len(written) > 1:
            shown = ", ".join(written)
            whole = [float(a) for a in written if _whole(a)]
            if len(whole) == len(written) and max(whole) - min(whole) <= 1:
                notes.add(
                    f"{whose}: the ages of their rows disagree ({shown}: a birthday between two exports); the birth "
                    f"year is from {last!r}, the age on their latest check-in."
                )
                age = last
            else:
                notes.add(f"{whose}: the ages of their rows disagree ({shown}); birth year not recorded.")
                entry["age"] = "; ".join(written)  # kept as the app wrote them (flaredown_age), not lost
                age = ""
        if age and age.lower() != "nan" and latest is not None:
            year, problem = _birth_year(age, latest)
            if problem:
                notes.add(f"{whose}: age {age!r} {problem}; birth year not recorded.")
                entry["age"] = age  # kept as the app wrote it (flaredown_age), not lost
            else:
                entry["birth_year"] = str(year)
                entry["detail"] = {
                    "birth_year": f"approximate: {latest} (the export's latest check-in) minus age {age}; Flaredown "
                    "gives the age on the day it made the export, so the year of birth is this one or the one before"
                }
        people.append(entry)
    return placed, people


def _ages(users: pd.Series, ages: pd.Series, days: pd.Series) -> dict[str, tuple[list[str], str]]:
    """Per user whose rows carry more than one age: the ages as written (in the order of their rows) and the
    age on the user's latest check-in."""
    frame = pd.DataFrame({"user": users.to_numpy(), "age": ages.astype("str").str.strip().to_numpy()})
    frame["day"] = days.to_numpy()
    frame = frame[~is_missing(frame["age"]) & frame["age"].str.lower().ne("nan")]
    distinct = frame.drop_duplicates(["user", "age"])
    several = distinct[distinct["user"].duplicated(keep=False)]
    if several.empty:
        return {}
    rows = frame[frame["user"].isin(set(several["user"]))]
    last = rows.sort_values("day", kind="stable").drop_duplicates("user", keep="last").set_index("user")["age"]
    return {str(u): (list(group["age"]), str(last[u])) for u, group in several.groupby("user", sort=False)}


def _whole(age: str) -> bool:
    try:
        return float(age).is_integer()
    except ValueError:
        return False


def _birth_year(age: str, latest: int) -> tuple[int | None, str]:
    """The approximate birth year of a user whose age Flaredown wrote as ``age``, or why there is none.

    Examples
    --------
    >>> _birth_year("34", 2026), _birth_year("34.5", 2026)[1], _birth_year("lots", 2026)[1]
    ((1992, ''), 'is not a whole number', 'is not a number')
    """
    try:
        years = float(age)
    except ValueError:
        return None, "is not a number"
    if not years.is_integer():
        return None, "is not a whole number"
    if not 1 <= years <= 120:
        return (
            None,
            "is no age of a person tracking their own symptoms (Flaredown writes 0 when no birth date was given)",
        )
    year = latest - int(years)
    return (year, "") if year >= 1900 else (None, "gives a birth year before 1900")


def _wide(export: ExportFile, notes: Notes, *, dayfirst: bool | None) -> Placed:
    date_header = export.frame.columns[0]
    day = days(export, str(date_header), notes, source="Flaredown", dayfirst=dayfirst)
    pieces = []
    for header in export.frame.columns[1:]:
        header = str(header)
        cells = export.frame[header].astype("str").str.strip().replace({"nan": ""})
        normal = fold(header).replace(" ", "_")
        filled = cells[~is_missing(cells)]
        if normal in map(fold, _TAGS) or normal in map(fold, _FOODS):
            kind = "Tag" if normal in map(fold, _TAGS) else "Food"
            for index, text in filled.items():
                for item in (t.strip() for t in str(text).split(";")):
                    if item:
                        pieces.append((index, f"{kind}\x1f{item}", "yes" if kind == "Tag" else item))
            continue
        if normal in _WEATHER or normal.startswith("weather"):
            kind = "Weather"
        else:
            # A treatment's cells say a dose with its unit or Taken / Not Taken; a rating is a bare number.
            kind = "Treatment" if any(_is_dose(text) for text in filled) else "Symptom"
        for index, text in cells.items():
            pieces.append((index, f"{kind}\x1f{header}", text))
    rows = pd.DataFrame(pieces, columns=["row", "name", "value"])
    rows["day"] = day.to_numpy()[rows["row"].to_numpy()] if len(rows) else pd.Series(dtype="datetime64[us]")
    rows["line"] = export.lines[rows["row"].to_numpy()] if len(rows) else []
    rows["unit"] = ""
    rows = rows[rows["day"].notna()]
    rows["person"] = ""
    rows, said = _ratings_checked(rows, lambda _: export.label)
    placed = place(rows, _mapping(), label=lambda _: export.label)
    if not placed.order:  # a data.csv of a header only: one person, who recorded nothing
        placed = Placed([""], placed.cells, {}, {}, {"": []})
    _add_notes(notes, placed, said)
    _readable(notes)
    return placed


def _add_notes(notes: Notes, placed: Placed, said: dict[str, str]) -> None:
    """Each person's notes in turn: the ratings left out, then what the placing said."""
    for person in placed.order:
        if person in said:
            notes.add(said[person])
        for sentence in placed.notes[person]:
            notes.add(sentence)


def _is_dose(text: str) -> bool:
    """A dose with a unit (``400 mg``, ``3 x 5mg``) or Taken / Not Taken; a bare number (a rating) is not."""
    return parse_dose(text)[0] is not None and bool(parse_number(pd.Series([text])).values.isna().all())


def _ratings_checked(rows: pd.DataFrame, label: Callable[[str], str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Conditions and symptoms rated outside Flaredown's 0–4 (whole numbers) are left out, never clipped; the
    note for each person (with ``label(person)`` and the first lines) is returned by person."""
    codes, names = pd.factorize(rows["name"])
    rating = np.array([str(n).split("\x1f")[0].lower() in ("condition", "symptom") for n in names] + [False])
    rated = pd.Series(rating[codes], index=rows.index) & ~is_missing(rows["value"])
    numbers = parse_number(rows.loc[rated, "value"]).values.astype("float64")
    outside = numbers.notna() & ~(numbers.between(0, 4) & (numbers % 1 == 0))
    said: dict[str, str] = {}
    if outside.any():
        bad = rows.loc[outside[outside].index]
        for person, part in bad.groupby("person", sort=False):
            shown = "; ".join(
                f"line {line}: {name.split(chr(31))[-1]} = {value}"
                for line, name, value in zip(part["line"][:3], part["name"][:3], part["value"][:3], strict=True)
            )
            said[str(person)] = (
                f"{label(str(person))}: {count(len(part), 'rating')} outside Flaredown's 0–4 scale left out ({shown}"
                f"{f' and {len(part) - 3} more' if len(part) > 3 else ''})."
            )
        rows = rows.copy()
        rows.loc[bad.index, "value"] = ""
    return rows, said


def _readable(notes: Notes) -> None:
    """Names in the notes as ``Type: name`` (the engine saw them as ``Type\\x1fname``)."""
    notes.sentences = [s.replace("\\x1f", ": ").replace("\x1f", ": ") for s in notes.sentences]


def read_flaredown(path: PathInput, *, dayfirst: bool | None = None, person: str | None = None) -> pd.DataFrame:
    """Read a Flaredown ``data.csv`` or research export into an imported ``daily`` table.

    Parameters
    ----------
    path : str, path-like, or a list of them
        ``data.csv`` (one person, wide) or the research export (long, many people), a folder or zip.
    dayfirst : bool, optional
        How to read dates like ``03/04/2026`` that a spreadsheet re-saved, when the column does not tell.
    person : str, optional
        Research export: read only this ``user_id``.

    Returns
    -------
    pandas.DataFrame
        As described in :mod:`spasmlog.importers`. A research export of several people has a
        ``person_id`` column (one row per person and day; split it with
        :func:`spasmlog.importers.generic.split_people`), and ``attrs["people"]`` holds each person's
        ``age``, ``sex`` and ``country`` as Flaredown wrote them. ``attrs["interventions"]`` lists the
        treatments. The placement rules are in :mod:`spasmlog.importers.flaredown`.

    Raises
    ------
    spasmlog.errors.ImportFormatError
        When a file is not a Flaredown export, or ``person`` is not in it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "data.csv"
    >>> _ = file.write_text("Date,Muscle cramps,Fatigue,Magnesium,Tags,Foods\\n"
    ...                     "2026-01-01,3,2,400 mg,stressed,banana\\n2026-01-02,0,,Not Taken,,\\n")
    >>> table = read_flaredown(file)
    >>> table[["magnesium_mg", "spasm_count", "flaredown_spasm_severity", "flaredown_fatigue"]]
       magnesium_mg  spasm_count  flaredown_spasm_severity  flaredown_fatigue
    0         400.0          1.0                       3.0                2.0
    1           NaN          0.0                       0.0                NaN
    """
    notes = Notes()
    placed: Placed | None = None
    people: list[dict] = []
    files: list[str] = []
    with export_files(path, source="Flaredown") as found:
        exports = [(load_export(file, label), named) for file, label, named in found]
    for export, named in exports:
        kind = export_kind(export.headers)
        if kind is None:
            if named or len(exports) == 1:
                raise wrong_format(export, "Flaredown", "Date, your conditions, symptoms and treatments, Tags, Foods")
            notes.add(f"{export.label} is not a Flaredown export and was skipped.")
            continue
        files.append(export.label)
        if kind == "research":
            more, facts = _research(export, notes, dayfirst=dayfirst, person=person)
            people += facts
        else:
            more = _wide(export, notes, dayfirst=dayfirst)
        if placed is not None:
            for key in more.order:
                if key in placed.order:
                    raise ImportFormatError(
                        f"{export.label}: the check-ins of {key or 'this person'} are in several files given "
                        "together; import them one at a time.",
                        file=export.label,
                    )
        placed = more if placed is None else placed.merge(more)
    if placed is None or not placed.order:
        raise ImportFormatError(f"No Flaredown export was found in {path}.", file=str(path))
    table = table_of(placed, source=SOURCE, files=files, notes=notes, people=people or None)
    return Tally.of(e for e, _ in exports if e.label in files).stamp(table, notes)  # attrs records, unreadable
