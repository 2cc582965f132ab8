"""``spasmlog share``: a de-identified bundle that is still a log, and a key kept apart.

The fixtures are written by hand with identifying things in every place they hide (person ids, notes, a
device named after its owner, intervention names, columns of the person's own, birth years), and every byte
of every file of the bundle is searched for each of them. The analyses are run on the original and on the
bundle and compared value by value.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import json
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.cli import main
from spasmlog.errors import LogNotFoundError, LogValidationError, ParameterError, SpasmlogError, WriteError
from spasmlog.share import KEY_COLUMNS, MANIFEST_FILE, SAFE_HARBOR_EPOCH, Shared, k_anonymity, share
from spasmlog.simulate import Experiment

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"

PEOPLE = ["Zoë-Müller", "jdoe_1984", "Kowalski.K"]
BIRTH_YEARS = {"Zoë-Müller": 1931, "jdoe_1984": 1996, "Kowalski.K": 1968}
NOTES = ["Met Dr. Okonkwo at St. Mary's", "called Grandma Edith", "Zoë's wedding", "leg cramps at Lake Tahoe"]
INTERVENTIONS = ["Dr. Okonkwo's magnesium", "Physio with Hannelore"]
DEVICE = "Zoë Müller’s Apple Watch"
EXPORT_FILE = "export_zoe_mueller_2025.zip"
OWN_TEXT_COLUMN = "diary_for_dr_okonkwo"
OWN_NUMBER_COLUMN = "visits_to_grandma_edith"
PEOPLE_TEXT = "0171 555 0199"
DAYS = 42


def _dates(person: int) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp("2025-03-03") + pd.Timedelta(days=11 * person), periods=DAYS, freq="D")


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A three-person log in one folder, with something identifying in every place a log can hold it."""
    folder = tmp_path_factory.mktemp("log") / "caseload of Dr Okonkwo"
    folder.mkdir()
    rng = np.random.default_rng(7)
    daily, spasms, interventions = [], [], []
    for p, person in enumerate(PEOPLE):
        for d, day in enumerate(_dates(p)):
            daily.append(
                {
                    "person_id": person,
                    "date": day.strftime("%Y-%m-%d"),
                    "water_ml": int(rng.integers(800, 3000)),
                    "magnesium_mg": int(rng.integers(150, 450)),
                    "sleep_h": float(rng.integers(10, 18)) / 2,
                    "stress": int(rng.integers(0, 10)),
                    "spasm_count": int(rng.poisson(1.2)),
                    "notes": NOTES[d % len(NOTES)] if d % 5 == 0 else "",
                    OWN_TEXT_COLUMN: "felt fine, told Edith" if d % 7 == 0 else "",
                    OWN_NUMBER_COLUMN: int(rng.integers(0, 3)),
                }
            )
            if d % 6 == 0:
                spasms.append(
                    {
                        "person_id": person,
                        "start": f"{day:%Y-%m-%d} 02:{10 + p:02d}",
                        "body_region": "calf",
                        "intensity": 5,
                        "notes": NOTES[(d + 1) % len(NOTES)],
                    }
                )
        first = _dates(p)[0]
        interventions.append(
            {
                "person_id": person,
                "name": INTERVENTIONS[0],
                "kind": "supplement",
                "start": f"{first + pd.Timedelta(days=14):%Y-%m-%d}",
                "end": "",
                "dose": "300 mg",
                "notes": "from the pharmacy on Elm Street",
            }
        )
        interventions.append(
            {
                "person_id": person,
                "name": INTERVENTIONS[1],
                "kind": "therapy_session",
                "start": f"{first + pd.Timedelta(days=20):%Y-%m-%d}",
                "end": f"{first + pd.Timedelta(days=20):%Y-%m-%d}",
                "dose": "with Hannelore at home",
                "notes": "",
            }
        )
    people = [
        {"person_id": person, "sex": sex, "birth_year": BIRTH_YEARS[person], "phone": PEOPLE_TEXT, "notes": NOTES[0]}
        for person, sex in zip(PEOPLE, ["female", "female", "male"], strict=True)
    ]
    pd.DataFrame(daily).to_csv(folder / "daily.csv", index=False)
    pd.DataFrame(spasms).to_csv(folder / "spasms.csv", index=False)
    pd.DataFrame(interventions).to_csv(folder / "interventions.csv", index=False)
    pd.DataFrame(people).to_csv(folder / "people.csv", index=False)
    provenance = pd.DataFrame(
        {
            "person_id": PEOPLE[0],
            "date": [f"{day:%Y-%m-%d}" for day in _dates(0)[:5]],
            "column": "water_ml",
            "source": "apple-health",
            "file": EXPORT_FILE,
            "detail": f"from {DEVICE}",
        }
    )
    provenance.to_csv(folder / "provenance.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def shared_nasty(nasty: Path, tmp_path_factory: pytest.TempPathFactory) -> Shared:
    return share(nasty, tmp_path_factory.mktemp("out") / "bundle")


@pytest.fixture(scope="module")
def harbor_nasty(nasty: Path, tmp_path_factory: pytest.TempPathFactory) -> Shared:
    return share(nasty, tmp_path_factory.mktemp("out") / "bundle", mode="safe-harbor")


def _key(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _persons(path: Path) -> dict[str, dict[str, str]]:
    return {row["original"]: row for row in _key(path) if row["kind"] == "person"}


def _original_strings(log: spasmlog.Log) -> dict[str, list[str]]:
    """Every original value that must not be in the bundle, by what it is."""
    dates: set[str] = set()
    for column in (log.daily["date"], log.spasms["start"], log.interventions["start"], log.interventions["end"]):
        for day in column.dropna():
            for form in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y"):
                dates.add(pd.Timestamp(day).strftime(form))
    return {
        "id": PEOPLE,
        "date": sorted(dates),
        "note": [*NOTES, "from the pharmacy on Elm Street", "felt fine, told Edith", "with Hannelore at home"],
        "device": [DEVICE, EXPORT_FILE, "Zoë Müller", "apple-health"],
        "intervention": INTERVENTIONS,
        "column": [OWN_TEXT_COLUMN, OWN_NUMBER_COLUMN],
        "people": [PEOPLE_TEXT],
    }


def _bundle_bytes(folder: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert files
    return files


@pytest.mark.parametrize("mode", ["shifted", "safe-harbor"])
def test_no_original_value_survives_anywhere_in_the_bundle(
    nasty: Path,
    mode: str,
    shared_nasty: Shared,
    harbor_nasty: Shared,
) -> None:
    shared = shared_nasty if mode == "shifted" else harbor_nasty
    original = spasmlog.read_log(nasty)
    files = _bundle_bytes(shared.bundle)
    assert set(files) == {"daily.csv", "spasms.csv", "interventions.csv", "people.csv", MANIFEST_FILE}
    found = []
    for what, values in _original_strings(original).items():
        for value in values:
            for encoding in ("utf-8", "utf-16-le", "latin-1"):
                try:
                    needle = value.encode(encoding).lower()
                except UnicodeEncodeError:
                    continue
                found += [(what, value, name) for name, data in files.items() if needle in data.lower()]
    for year in BIRTH_YEARS.values():  # as a number of its own (a water value of 1931.0 mL would be one too)
        pattern = re.compile(rb"(?<![\d.])" + str(year).encode() + rb"(?![\d])")
        found += [("birth year", year, name) for name, data in files.items() if pattern.search(data)]
    assert found == []


def test_the_search_would_see_a_leak(nasty: Path, tmp_path: Path) -> None:
    """The byte search above is not blind: with notes kept, the notes are found."""
    shared = share(nasty, tmp_path / "bundle", keep_notes=True)
    files = _bundle_bytes(shared.bundle)
    assert any(NOTES[1].encode() in data for data in files.values())
    assert any(INTERVENTIONS[1].encode() in data for data in files.values())
    assert b"with Hannelore at home" in files["interventions.csv"]


def test_the_key_is_apart_private_and_undoes_the_shift(
    nasty: Path,
    shared_nasty: Shared,
) -> None:
    key = shared_nasty.key
    assert key == shared_nasty.bundle.parent / "bundle.key.csv"
    assert shared_nasty.bundle not in key.parents
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rows = _key(key)
    assert list(rows[0]) == KEY_COLUMNS
    persons = _persons(key)
    assert sorted(persons) == sorted(PEOPLE)
    original = spasmlog.read_log(nasty)
    bundle = spasmlog.read_log(shared_nasty.bundle)
    assert sorted(bundle.person_ids) == sorted(row["pseudonym"] for row in persons.values())
    first_original = original.daily["date"].min()
    for person, row in persons.items():
        shift = int(row["shift_days"])
        assert shift < 0 and shift % 7 == 0  # whole weeks, backwards
        mine = bundle.daily[bundle.daily["person_id"] == row["pseudonym"]]["date"]
        assert mine.max() < first_original  # every shifted date lies before the first original date
        back = (mine - pd.Timedelta(days=shift)).reset_index(drop=True)
        theirs = original.daily[original.daily["person_id"] == person]["date"].reset_index(drop=True)
        pd.testing.assert_series_equal(back, theirs, check_names=False)
        events = bundle.spasms[bundle.spasms["person_id"] == row["pseudonym"]]["start"]
        times = original.spasms[original.spasms["person_id"] == person]["start"]
        assert list(events - pd.Timedelta(days=shift)) == list(times)  # times of day kept, same shift
        given = bundle.interventions[bundle.interventions["person_id"] == row["pseudonym"]]["start"]
        started = original.interventions[original.interventions["person_id"] == person]["start"]
        assert list(given - pd.Timedelta(days=shift)) == list(started)
    labels = {row["original"]: row["pseudonym"] for row in rows if row["kind"] == "intervention"}
    assert labels == {INTERVENTIONS[0]: "supplement A", INTERVENTIONS[1]: "therapy session A"}
    assert sorted(bundle.interventions["name"].unique()) == ["supplement A", "therapy session A"]


def test_shared_twice_gives_new_pseudonyms_unless_the_key_is_reused(nasty: Path, tmp_path: Path) -> None:
    first = share(nasty, tmp_path / "one")
    second = share(nasty, tmp_path / "two")
    one, two = _persons(first.key), _persons(second.key)
    assert all(one[p]["pseudonym"] != two[p]["pseudonym"] for p in PEOPLE)
    again = share(nasty, tmp_path / "three", key=first.key)
    assert again.key == first.key
    reused = _persons(first.key)
    assert {p: (r["pseudonym"], r["shift_days"]) for p, r in reused.items()} == {
        p: (r["pseudonym"], r["shift_days"]) for p, r in one.items()
    }
    a = pd.read_csv(first.bundle / "daily.csv", dtype=str)
    b = pd.read_csv(again.bundle / "daily.csv", dtype=str)
    pd.testing.assert_frame_equal(a, b)


def test_a_pseudonym_never_shows_an_original_id(monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("spasmlog.share")

    draws = iter(["00c01000", "0c010000", "12345678"])
    monkeypatch.setattr(module.secrets, "token_hex", lambda n: next(draws))
    assert module._draw(set(), {"c01", "c02"}) == "p12345678"
    draws = iter(["12345678", "12345678", "abcdef01"])
    assert module._draw({"p12345678"}, set()) == "pabcdef01"  # never one already given


def test_a_pseudonym_is_never_a_hash_of_the_id(tmp_path: Path) -> None:
    """Random draws: five shares of one log give five different pseudonyms for one person (a log of two days:
    the draw does not depend on what the log holds)."""
    log = tmp_path / "log"
    log.mkdir()
    (log / "daily.csv").write_text("person_id,date,spasm_count\njdoe_1984,2025-03-03,1\njdoe_1984,2025-03-04,0\n")
    drawn = {_persons(share(log, tmp_path / f"b{i}").key)["jdoe_1984"]["pseudonym"] for i in range(5)}
    assert len(drawn) == 5 and not any("jdoe" in pseudonym for pseudonym in drawn)


def test_safe_harbor_keeps_study_days_and_the_year_only(
    nasty: Path,
    harbor_nasty: Shared,
) -> None:
    original = spasmlog.read_log(nasty)
    bundle = spasmlog.read_log(harbor_nasty.bundle)
    persons = _persons(harbor_nasty.key)
    for p, person in enumerate(PEOPLE):
        pseudonym = persons[person]["pseudonym"]
        assert persons[person]["study_day_one"] == f"{_dates(p)[0]:%Y-%m-%d}"
        days = bundle.daily[bundle.daily["person_id"] == pseudonym]["date"]
        assert days.min() == SAFE_HARBOR_EPOCH == pd.Timestamp("1901-01-01")
        study_days = ((days - SAFE_HARBOR_EPOCH).dt.days + 1).tolist()
        assert study_days == list(range(1, DAYS + 1))  # the fixture logs every day
        session = bundle.interventions[
            (bundle.interventions["person_id"] == pseudonym) & (bundle.interventions["kind"] == "therapy_session")
        ]["start"]
        assert session.tolist() == [SAFE_HARBOR_EPOCH + pd.Timedelta(days=20)]  # day 21, as written above
    people = bundle.people.set_index("person_id")
    assert set(people["start_year"]) == {2025}
    assert "birth_year" not in people
    ages = {persons[p]["pseudonym"]: people.at[persons[p]["pseudonym"], "age_band"] for p in PEOPLE}
    # 2025 - 1931 = 94 → 90+; 2025 - 1996 = 29; 2025 - 1968 = 57
    assert ages == {
        persons["Zoë-Müller"]["pseudonym"]: "90+",
        persons["jdoe_1984"]["pseudonym"]: "20-29",
        persons["Kowalski.K"]["pseudonym"]: "50-59",
    }
    assert len(original.daily) == len(bundle.daily)


def test_reference_intakes_that_depended_on_age_become_targets(
    nasty: Path,
    shared_nasty: Shared,
) -> None:
    """jdoe (female, 29 in 2025) has the magnesium RDA of women 19-30, 310 mg (SPEC); without a birth year the
    bundle would use the adult band's 320 mg: 310 is written as her target and magnesium_pct is unchanged."""
    persons = _persons(shared_nasty.key)
    bundle = spasmlog.read_log(shared_nasty.bundle)
    people = bundle.people.set_index("person_id")
    assert people.at[persons["jdoe_1984"]["pseudonym"], "magnesium_target_mg"] == 310
    assert pd.isna(people.at[persons["Kowalski.K"]["pseudonym"], "magnesium_target_mg"])  # male 51-70: 420 both
    before = spasmlog.daily_table(spasmlog.read_log(nasty))
    after = spasmlog.daily_table(bundle)
    mapping = {row["pseudonym"]: person for person, row in persons.items()}
    after = after.assign(person_id=after["person_id"].map(mapping)).sort_values(["person_id", "date"])
    before = before.sort_values(["person_id", "date"])
    np.testing.assert_allclose(after["magnesium_pct"].to_numpy(), before["magnesium_pct"].to_numpy())
    np.testing.assert_allclose(after["water_pct"].to_numpy(), before["water_pct"].to_numpy())


def test_the_manifest_counts_every_change(
    nasty: Path,
    shared_nasty: Shared,
) -> None:
    manifest = json.loads((shared_nasty.bundle / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest == shared_nasty.manifest
    assert manifest["mode"] == "shifted" and manifest["spasmlog_version"] == spasmlog.__version__
    changes = {(c["table"], c["column"], c["action"]): c["cells"] for c in manifest["changes"]}
    # counted from the fixture: notes every 5th day of 42 (9 a person), events every 6th day (7 a person)
    assert changes[("daily", "notes", "dropped")] == 3 * 9
    assert changes[("spasms", "notes", "dropped")] == 3 * 7
    assert changes[("daily", "date", "shifted")] == 3 * DAYS
    assert changes[("interventions", "name", "replaced")] == 6
    assert changes[("interventions", "dose", "dropped")] == 3  # "with Hannelore at home"; "300 mg" is kept
    assert changes[("interventions", "notes", "dropped")] == 3
    assert changes[("people", "birth_year", "dropped")] == 3
    assert changes[("people", "notes", "dropped")] == 3
    assert changes[("daily", "daily column 1 of the person's own", "dropped")] == 3 * 6  # every 7th day
    assert changes[("daily", "own_factor_1", "renamed")] == 3 * DAYS
    assert changes[("people", "people column 1 of the person's own", "dropped")] == 3
    assert manifest["not_shared"]["provenance_rows"] == 5
    assert manifest["tables"] == {"daily": 3 * DAYS, "spasms": 3 * 7, "interventions": 6, "people": 3, "experiments": 0}
    bundle = spasmlog.read_log(shared_nasty.bundle)
    assert "own_factor_1" in bundle.daily and bundle.interventions["dose"].tolist().count("300 mg") == 3


def test_k_anonymity_counts_sex_age_band_and_country(tmp_path: Path) -> None:
    folder = tmp_path / "cohort"
    folder.mkdir()
    rows = [(f"woman{i}", "female", 1990 + i % 5, "NL") for i in range(5)] + [("elder", "male", 1920, "NL")]
    pd.DataFrame(rows, columns=["person_id", "sex", "birth_year", "country"]).to_csv(folder / "people.csv", index=False)
    daily = [(person, "2025-01-06", 1) for person, *_ in rows]
    pd.DataFrame(daily, columns=["person_id", "date", "spasm_count"]).to_csv(folder / "daily.csv", index=False)
    shared = share(folder, tmp_path / "bundle")  # country is a column of the log format: kept and counted
    k = shared.manifest["k_anonymity"]
    assert k["columns"] == ["sex", "age_band", "country"]
    # born 1990-1994, 2025: ages 31-35 → 30-39; born 1920: 105 → 90+
    assert k["groups"] == [
        {"sex": "female", "age_band": "30-39", "country": "NL", "people": 5},
        {"sex": "male", "age_band": "90+", "country": "NL", "people": 1},
    ]
    assert (k["smallest"], k["groups_below"], k["people_below"]) == (1, 1, 1)
    assert any("fewer than 5" in w for w in shared.warnings)
    assert shared.log.people["country"].tolist() == ["NL"] * 6
    assert k_anonymity(spasmlog.Log())["groups"] == []


def test_allowed_columns_and_kept_notes_stay_as_written(nasty: Path, tmp_path: Path) -> None:
    shared = share(nasty, tmp_path / "bundle", allow_columns=[OWN_NUMBER_COLUMN, OWN_TEXT_COLUMN], keep_notes=True)
    bundle = shared.log
    assert OWN_NUMBER_COLUMN in bundle.daily and OWN_TEXT_COLUMN in bundle.daily
    assert "own_factor_1" not in bundle.daily
    assert set(bundle.interventions["name"]) == set(INTERVENTIONS)
    assert "notes" in bundle.daily and "phone" not in bundle.people


# --- the analyses give the same within-person results ----------------------------------------------------------


def _back(frame: pd.DataFrame, names: dict[str, str], columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(lambda v: names.get(v, v))
    return out


def _same(before: pd.DataFrame, after: pd.DataFrame, keys: list[str]) -> None:
    assert len(before) == len(after) > 0
    before = before.sort_values(keys).reset_index(drop=True)
    after = after.sort_values(keys).reset_index(drop=True)
    for column in before.columns:
        if pd.api.types.is_numeric_dtype(before[column]):
            np.testing.assert_allclose(
                after[column].to_numpy(dtype=float), before[column].to_numpy(dtype=float), rtol=1e-9, atol=1e-12
            )
        else:
            assert after[column].astype(str).tolist() == before[column].astype(str).tolist(), column


def _names(key: Path) -> dict[str, str]:
    """Bundle name → original name: pseudonyms, own columns, intervention columns (``on_supplement_a``)."""
    names: dict[str, str] = {}
    for row in _key(key):
        if row["kind"] in ("person", "column"):
            names[row["pseudonym"]] = row["original"]
        elif row["kind"] == "intervention":
            names[spasmlog.analysis.daily.intervention_column(row["pseudonym"])] = (
                spasmlog.analysis.daily.intervention_column(row["original"])
            )
    return names


def test_alex_gives_the_same_results_from_the_bundle(tmp_path: Path) -> None:
    shared = share(SAMPLES / "alex", tmp_path / "bundle")
    original = spasmlog.load_sample("alex")
    files = _bundle_bytes(shared.bundle)
    notes = [str(n) for n in original.daily["notes"].dropna()] + [str(n) for n in original.spasms["notes"].dropna()]
    days = {f"{d:%Y-%m-%d}" for d in original.daily["date"]} | {f"{d:%d/%m/%Y}" for d in original.daily["date"]}
    assert len(notes) > 10 and len(days) > 700
    for text in ["alex", "magnesium glycinate", "hot_bath", *notes, *days]:
        assert not any(text.lower().encode() in data.lower() for data in files.values()), text
    assert not any(re.search(rb"(?<![\d.])1988(?![\d])", data) for data in files.values())
    names = _names(shared.key)
    before = spasmlog.daily_table(spasmlog.load_sample("alex"))
    after = spasmlog.daily_table(spasmlog.read_log(shared.bundle))
    assert (after["date"].dt.day_of_week.to_numpy() == before["date"].dt.day_of_week.to_numpy()).all()
    rates = _back(spasmlog.rate_ratios(after), names, ("factor", "hypothesis"))
    _same(spasmlog.rate_ratios(before), rates, ["factor", "lag"])
    _same(spasmlog.correlate(before), _back(spasmlog.correlate(after), names, ("factor",)), ["factor", "lag"])
    effect = _back(spasmlog.intervention_effect(after), names, ("intervention",))
    _same(spasmlog.intervention_effect(before), effect, ["intervention"])
    sessions = _back(spasmlog.session_effect(after), names, ("intervention",))
    _same(spasmlog.session_effect(before), sessions, ["intervention", "term"])


def test_a_simulated_cohort_gives_the_same_within_person_results(tmp_path: Path) -> None:
    log = spasmlog.simulate(n_people=3, days=120, seed=3).log
    shared = share(log, tmp_path / "bundle")
    names = _names(shared.key)
    before = spasmlog.daily_table(log)
    after = spasmlog.daily_table(spasmlog.read_log(shared.bundle))
    shares = [c for c in before if c.endswith("_pct")]
    assert shares
    back = after.assign(person_id=after["person_id"].map(names)).sort_values(["person_id", "date"])
    np.testing.assert_allclose(back[shares].to_numpy(float), before[shares].to_numpy(float))
    person = ("person_id", "factor", "hypothesis")
    rates = _back(spasmlog.rate_ratios(after, person="person_id"), names, person)
    _same(spasmlog.rate_ratios(before, person="person_id"), rates, ["person_id", "factor", "lag"])
    within = _back(spasmlog.within_person(after), names, ("factor",))
    _same(spasmlog.within_person(before), within, ["factor", "lag"])


def test_the_report_accepts_the_bundle(
    shared_nasty: Shared,
    tmp_path: Path,
) -> None:
    from spasmlog.report import write_report

    index = write_report(shared_nasty.bundle, tmp_path / "report")
    pages = sorted(p.name for p in index.parent.glob("*.html"))
    assert index.name == "index.html" and len(pages) == 4
    text = "".join(p.read_text(encoding="utf-8") for p in index.parent.glob("*.html"))
    assert not any(person in text for person in PEOPLE)


# --- refusals, and nothing half-written -----------------------------------------------------------------------


def test_refusals(nasty: Path, tmp_path: Path) -> None:
    with pytest.raises(LogNotFoundError):
        share(tmp_path / "no such log", tmp_path / "bundle")
    with pytest.raises(ParameterError, match="inside the log"):
        share(nasty, nasty / "bundle")
    with pytest.raises(ParameterError, match="mode"):
        share(nasty, tmp_path / "bundle", mode="hipaa")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="inside the bundle"):
        share(nasty, tmp_path / "bundle", key=tmp_path / "bundle" / "key.csv")
    with pytest.raises(ParameterError, match="inside the log"):
        share(nasty, tmp_path / "bundle", key=nasty / "key.csv")
    with pytest.raises(ParameterError, match="banana"):
        share(nasty, tmp_path / "bundle", allow_columns=["banana"])
    (tmp_path / "notes.csv").write_text("date,text\n2025-01-01,hello\n", encoding="utf-8")
    with pytest.raises(SpasmlogError, match="not a key written by spasmlog share"):
        share(nasty, tmp_path / "bundle", key=tmp_path / "notes.csv")
    other = tmp_path / "mine"
    other.mkdir()
    (other / "thesis.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(ParameterError, match="not empty"):
        share(nasty, other)
    with pytest.raises(ParameterError, match="not a bundle"):
        share(nasty, other, force=True)
    assert [p.name for p in other.iterdir()] == ["thesis.docx"]
    assert not (tmp_path / "bundle").exists() and not (tmp_path / "bundle.key.csv").exists()


def test_force_replaces_a_previous_bundle_whole(nasty: Path, tmp_path: Path) -> None:
    first = share(nasty, tmp_path / "bundle")
    (first.bundle / "spasms.csv").unlink()  # to see that the old folder goes, not only files are replaced
    with pytest.raises(ParameterError, match="not empty"):
        share(nasty, tmp_path / "bundle")
    second = share(nasty, tmp_path / "bundle", force=True)
    assert (second.bundle / "spasms.csv").exists()
    assert _persons(second.key)["jdoe_1984"] != _persons(first.key)  # new draws replaced the key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle", "bundle.key.csv"]


def test_a_failed_write_leaves_nothing(nasty: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importlib.import_module("spasmlog.share"), "write_log", full_disk)
    with pytest.raises(WriteError, match="No space left"):
        share(nasty, tmp_path / "bundle")
    assert list(tmp_path.iterdir()) == []  # no bundle, no key, no temporary folder


def test_cli_writes_the_bundle_and_prints_the_k_count(
    nasty: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["share", str(nasty), "--out", str(tmp_path / "bundle"), "--mode", "safe-harbor"])
    out = capsys.readouterr().out
    assert code == 0
    assert "k-anonymity over sex, age band: 3 combination(s), the smallest held by 1 person(s)" in out
    assert "warning: k-anonymity: 3 of 3 people" in out
    assert str(tmp_path / "bundle.key.csv") in out
    assert json.loads((tmp_path / "bundle" / MANIFEST_FILE).read_text(encoding="utf-8"))["mode"] == "safe-harbor"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["missing", "--out", "{tmp}/b"], "does not exist"),
        (["{log}", "--out", "{log}/b"], "inside the log"),
        (["{log}", "--out", "{tmp}/full"], "not empty"),
        (["{log}", "--out", "{tmp}/b", "--key", "{tmp}/b/key.csv"], "inside the bundle"),
        (["{log}", "--out", "{tmp}/b", "--allow-column", "nope"], "nope"),
    ],
)
def test_cli_refuses_bad_input_in_one_line(
    nasty: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x", encoding="utf-8")
    argv = ["share", *(a.format(tmp=tmp_path, log=nasty) for a in arguments)]
    code = main(argv)
    error = capsys.readouterr().err
    assert code == 2
    assert error.startswith("spasmlog: error:") and message in error and error.count("\n") == 1
    assert not (tmp_path / "b").exists()


def test_rows_with_errors_are_not_shared_and_said_so(tmp_path: Path) -> None:
    original = spasmlog.read_log(SAMPLES / "messy", errors="quarantine")
    assert len(original.quarantine) > 0
    shared = share(SAMPLES / "messy", tmp_path / "bundle")
    assert shared.manifest["not_shared"]["quarantined_rows"] == len(original.quarantine)
    assert any(f"{len(original.quarantine)} row(s) with errors were not shared" in w for w in shared.warnings)
    assert len(shared.log.daily) == len(original.daily) and len(shared.log.quarantine) == 0


def test_cli_share_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["share", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--mode {shifted,safe-harbor}" in out and "--allow-column NAME" in out and "--key KEYFILE" in out


# --- experiments (the plans of `spasmlog plan`) -----------------------------------------------------------

_TABLES = ("daily", "spasms", "interventions", "people", "experiments")
CHANGE = "Dr. Okonkwo's magnesium glycinate 300 mg"
SECOND_CHANGE = "Zoë's foot bath at Lake Tahoe"
AGAINST = "Hannelore's stretching"
PLAN_NOTE = "asked Grandma Edith to remind me"


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-person log with a simulated experiment each (days done against the calendar noted), a second
    plan made by ``plan_experiment`` for the first person, and a plan for a third person who has no diary yet
    (made today, starting tomorrow); identifying text in the change, ``against``, the notes and the ids."""
    plan = Experiment(CHANGE, rate_ratio=0.5, pairs=3, block_days=7, washout_days=1, seed=4, adherence=0.8)
    log = spasmlog.simulate(n_people=2, days=84, seed=11, interventions=[], effects=[], experiment=plan).log
    names = {"p1": PEOPLE[0], "p2": PEOPLE[1]}
    tables = {name: log.table(name).assign(person_id=log.table(name)["person_id"].map(names)) for name in _TABLES}
    simulated = tables["experiments"]
    first = simulated.groupby("person_id")["start"].transform("min")
    simulated["experiment_id"] = [
        f"{spasmlog.analysis.experiments._slug(CHANGE)}-{day:%Y-%m-%d}" for day in first
    ]  # as plan_experiment names it: the change and the start date
    simulated["against"] = AGAINST
    simulated["created"] = (first - pd.Timedelta(days=3)).astype("datetime64[us]")
    simulated["notes"] = PLAN_NOTE
    daily = spasmlog.daily_table(log)
    second = spasmlog.plan_experiment(
        daily[daily["person_id"] == "p1"], change=SECOND_CHANGE, person=PEOPLE[0], pairs=2, block_days=5,
        washout_days=1, start="2031-01-06", seed=2, n_sim=10,
    ).periods  # fmt: skip
    back = pd.Timestamp("2031-01-06") - log.daily["date"].min()  # plan_experiment plans days to come: moved back
    second = second.assign(start=second["start"] - back, end=second["end"] - back)
    newcomer = spasmlog.plan_experiment(
        None, change=CHANGE, person=PEOPLE[2], pairs=2, block_days=7, seed=5, n_sim=10, mean_per_day=1.0
    ).periods
    tables["experiments"] = pd.concat([simulated, second, newcomer], ignore_index=True)
    folder = tmp_path_factory.mktemp("planned") / "log"
    spasmlog.io.write.write_log(spasmlog.Log(**tables), folder, format="csv")
    return folder


@pytest.fixture(scope="module", params=["shifted", "safe-harbor"])
def shared_plan(request: pytest.FixtureRequest, planned: Path, tmp_path_factory: pytest.TempPathFactory) -> Shared:
    return share(planned, tmp_path_factory.mktemp("out") / "bundle", mode=request.param)


def _plan_strings(log: spasmlog.Log) -> list[str]:
    """Every original id, date and text of the log (its experiments included) that must not be in the bundle."""
    plans = log.experiments
    days = pd.concat(
        [log.daily["date"], log.spasms["start"], plans["start"], plans["end"], plans["created"]]
    ).dropna()  # fmt: skip
    dates = {pd.Timestamp(d).strftime(form) for d in days for form in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d")}
    texts = [*plans["experiment_id"].unique(), CHANGE, SECOND_CHANGE, AGAINST, PLAN_NOTE]
    return [*PEOPLE, *texts, "magnesium-glycinate", "foot-bath", "Okonkwo", *sorted(dates)]


def test_the_experiments_table_is_shared_without_an_original_value(planned: Path, shared_plan: Shared) -> None:
    original = spasmlog.read_log(planned)
    assert original.experiments["person_id"].nunique() == 3 and original.experiments["experiment_id"].nunique() == 3
    files = _bundle_bytes(shared_plan.bundle)
    assert "experiments.csv" in files
    found = [
        (value, name) for value in _plan_strings(original) for name, data in files.items() if value.encode().lower()
        in data.lower()
    ]  # fmt: skip
    assert found == []
    bundle = shared_plan.log
    assert len(bundle.experiments) == len(original.experiments)
    assert set(bundle.experiments["change"]) == {"change A", "change B"}
    assert set(bundle.experiments["against"]) == {"comparison A", "none"}
    assert "notes" not in bundle.experiments


def test_experiment_ids_and_dates_follow_the_key(planned: Path, shared_plan: Shared) -> None:
    original = spasmlog.read_log(planned).experiments
    key = _key(shared_plan.key)
    people = {row["original"]: row for row in key if row["kind"] == "person"}
    ids = {row["original"]: row["pseudonym"] for row in key if row["kind"] == "experiment"}
    assert sorted(ids.values()) == ["experiment-A", "experiment-B", "experiment-C"]  # both simulated began together
    expected = original.assign(
        person_id=original["person_id"].map(lambda p: people[p]["pseudonym"]),
        experiment_id=original["experiment_id"].map(ids),
    )
    for column in ("start", "end", "created"):
        if shared_plan.manifest["mode"] == "shifted":
            days = original["person_id"].map(lambda p: int(people[p]["shift_days"]))
        else:  # study day N is the epoch + N - 1, day one the person's first date of any kind
            day_one = original["person_id"].map(lambda p: pd.Timestamp(people[p]["study_day_one"]))
            days = (SAFE_HARBOR_EPOCH - day_one).dt.days
        expected[column] = original[column] + pd.to_timedelta(days, unit="D")
    # the newcomer has no diary: his day one is the day his plan was made (today), before its start
    newcomer = people[PEOPLE[2]]
    if shared_plan.manifest["mode"] == "safe-harbor":
        assert newcomer["study_day_one"] == f"{original['created'][original['person_id'] == PEOPLE[2]].min():%Y-%m-%d}"
    else:
        assert int(newcomer["shift_days"]) % 7 == 0
        assert shared_plan.log.experiments["end"].max() < spasmlog.read_log(planned).daily["date"].min()
    keys = ["person_id", "experiment_id", "period"]
    after = shared_plan.log.experiments.sort_values(keys).reset_index(drop=True)
    expected = expected.sort_values(keys).reset_index(drop=True)
    for column in [*keys, "arm", "pair", "start", "end", "created", "seed", "design", "block_days"]:
        assert after[column].astype(str).tolist() == expected[column].astype(str).tolist(), column


def test_the_manifest_lists_the_experiments_changes(planned: Path, shared_plan: Shared) -> None:
    changes = {(c["table"], c["column"], c["action"]): c["cells"] for c in shared_plan.manifest["changes"]}
    action = "shifted" if shared_plan.manifest["mode"] == "shifted" else "study days"
    # 3 pairs of 7-day blocks with 1-day washouts: 11 rows a person; 2 pairs: 7 rows; both with washouts
    rows = 2 * 11 + 7 + 7
    for column in ("start", "end", "created"):
        assert changes[("experiments", column, action)] == rows
    assert changes[("experiments", "experiment_id", "replaced")] == rows
    assert changes[("experiments", "change", "replaced")] == rows
    assert changes[("experiments", "against", "replaced")] == 2 * 11  # "none" of the two plans is kept
    assert changes[("experiments", "notes", "dropped")] == 2 * 11
    assert shared_plan.manifest["tables"]["experiments"] == rows


def test_the_experiment_gives_the_same_effect_from_the_bundle(planned: Path, shared_plan: Shared) -> None:
    original = spasmlog.read_log(planned)
    effect = spasmlog.experiment_effect
    before = effect(spasmlog.daily_table(original), experiment=original.experiments, person="person_id")
    after = effect(spasmlog.daily_table(shared_plan.log), experiment=shared_plan.log.experiments, person="person_id")
    done = [log.daily.sort_values(["person_id", "date"]).groupby("person_id")["experiment_arm_done"].agg(list)
            for log in (original, shared_plan.log)]  # fmt: skip
    assert sorted(map(str, done[0])) == sorted(map(str, done[1])) and "on" in str(done[0])  # kept as it was
    key = _key(shared_plan.key)
    back = {row["pseudonym"]: row["original"] for row in key if row["kind"] in ("person", "experiment")}
    after = after.assign(person_id=after["person_id"].map(back), experiment_id=after["experiment_id"].map(back))
    keys = ["person_id", "experiment_id"]
    before = before.sort_values(keys).reset_index(drop=True)
    after = after.sort_values(keys).reset_index(drop=True)
    assert after[keys].values.tolist() == before[keys].values.tolist()
    assert before["rate_ratio"].notna().sum() >= 2 and before["randomisation_p"].notna().sum() >= 2
    columns = ["rate_ratio", "ci_low", "ci_high", "p_value", "randomisation_p", "days_on", "days_off",
               "days_off_schedule"]  # fmt: skip
    np.testing.assert_allclose(after[columns].to_numpy(float), before[columns].to_numpy(float), rtol=1e-9)


def test_kept_notes_keep_the_plans_text_but_never_the_id(planned: Path, tmp_path: Path) -> None:
    shared = share(planned, tmp_path / "bundle", keep_notes=True)
    plans = shared.log.experiments
    assert set(plans["change"]) == {CHANGE, SECOND_CHANGE} and AGAINST in set(plans["against"])
    assert set(plans["notes"].dropna()) == {PLAN_NOTE}
    data = (shared.bundle / "experiments.csv").read_bytes()
    assert b"magnesium-glycinate" not in data and b"foot-bath" not in data  # the ids held a real date
    assert set(plans["experiment_id"]) == {"experiment-A", "experiment-B", "experiment-C"}


def test_an_arm_done_cell_with_more_than_on_or_off_is_never_shared(planned: Path, tmp_path: Path) -> None:
    # experiment_arm_done is a column of the log format (on or off): read_log sets such a row aside, and a log
    # made in Python that holds one fails the bundle's read-back check, so nothing is put in place
    log = spasmlog.read_log(planned)
    daily = log.daily.copy()
    daily.loc[daily["experiment_arm_done"].notna().idxmax(), "experiment_arm_done"] = "on, at Edith's"
    with pytest.raises(LogValidationError, match="experiment_arm_done"):
        share(dataclasses.replace(log, daily=daily), tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists() and not list(tmp_path.glob(".bundle*"))


def test_a_reused_key_keeps_the_experiment_labels(planned: Path, tmp_path: Path) -> None:
    first = share(planned, tmp_path / "one")
    again = share(planned, tmp_path / "two", key=first.key)
    columns = ["person_id", "experiment_id", "period", "change", "against", "start"]
    one, two = (s.log.experiments[columns].sort_values(columns[:3]).astype(str).values.tolist() for s in (first, again))
    assert one == two


def test_a_log_without_sex_age_or_country_gets_no_k_anonymity_warning(tmp_path: Path) -> None:
    """Three people and no people table: nothing to single anyone out by, so no warning naming an empty
    combination ("a combination of  that fewer than 5 people share")."""
    folder = tmp_path / "three"
    folder.mkdir()
    daily = [(person, f"2025-01-0{day}", day % 2) for person in ("ann", "bob", "cy") for day in range(1, 8)]
    pd.DataFrame(daily, columns=["person_id", "date", "spasm_count"]).to_csv(folder / "daily.csv", index=False)
    shared = share(folder, tmp_path / "bundle")
    assert shared.manifest["k_anonymity"]["columns"] == []
    assert not [w for w in shared.warnings if "k-anonymity" in w]


def test_an_allowed_column_the_log_lacks_is_refused_in_one_plain_sentence(nasty: Path, tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as refused:
        share(nasty, tmp_path / "bundle", allow_columns=["banana"])
    message = str(refused.value)
    assert "'banana', which is not one of the log's own columns" in message
    assert OWN_NUMBER_COLUMN in message and OWN_TEXT_COLUMN in message
    assert "column of the log that the log format" not in message


def test_the_arm_done_column_is_shared_as_a_column_of_the_log_format(planned: Path, tmp_path: Path) -> None:
    # experiment_arm_done is declared in the log format (schemas.ARMS_DONE), so share keeps it under its name,
    # cell for cell, as any declared column: never renamed as a factor of the person's own, never dropped
    from spasmlog.logformat.schemas import ARMS_DONE, field_specs

    assert field_specs("daily")["experiment_arm_done"].allowed == tuple(ARMS_DONE)
    shared = share(planned, tmp_path / "bundle")
    original = spasmlog.read_log(planned).daily
    bundle = shared.log.daily
    before = original["experiment_arm_done"].dropna().astype(str)
    after = bundle["experiment_arm_done"].dropna().astype(str)
    assert len(before) > 0 and set(before) <= set(ARMS_DONE)
    assert after.value_counts().to_dict() == before.value_counts().to_dict()
    assert not any(row["original"] == "experiment_arm_done" for row in _key(shared.key))  # not renamed
    touched = [c for c in shared.manifest["changes"] if c["column"] == "experiment_arm_done"]
    assert touched == []  # nothing done to it, nothing to report
