"""The bundled samples: they load, they are what the README says, and they are the simulator's output."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.errors import LogNotFoundError, ParameterError
from spasmlog.log import Log
from spasmlog.logformat.schemas import TABLES
from spasmlog.samples import (
    RECIPES,
    load_sample,
    main,
    sample_names,
    sample_path,
    simulate_sample,
    write_samples,
)
from spasmlog.simulate import simulate

SAMPLE_DATA = Path(__file__).resolve().parents[1] / "sample_data"
README = SAMPLE_DATA / "README.md"
REGENERATE = "The committed sample is not the simulator's output: run `make samples` and commit the result."


@pytest.fixture(scope="module")
def alex() -> Log:
    return load_sample("alex")


@pytest.fixture(scope="module")
def clinic() -> Log:
    return load_sample("clinic")


def test_sample_names() -> None:
    assert {"alex", "clinic"} <= set(sample_names())
    assert sample_path("alex") == SAMPLE_DATA / "alex"


def test_unknown_sample_names_the_ones_there_are() -> None:
    with pytest.raises(LogNotFoundError, match=r"no sample called 'alx'\. The samples are: alex, clinic") as caught:
        load_sample("alx")
    assert {"alex", "clinic"} <= set(caught.value.available)
    assert isinstance(caught.value, FileNotFoundError)
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.available == caught.value.available


def test_load_sample_reads_with_read_log() -> None:
    assert spasmlog.read_log(sample_path("alex")).daily.equals(load_sample("alex").daily)


def test_alex_is_one_person_over_two_years(alex: Log) -> None:
    assert alex.person_ids == ["alex"]
    assert len(alex.problems) == 0
    dates = alex.daily["date"]
    assert dates.min() == pd.Timestamp("2024-09-01")
    assert dates.max() == pd.Timestamp("2026-08-31")
    assert 0.9 < len(alex.daily) / 730 < 0.97  # some days not logged
    assert 300 < len(alex.spasms) < 800
    assert "hot_bath" in alex.daily.columns  # the user-defined factor is carried
    names = set(alex.interventions["name"])
    assert names == {"magnesium glycinate", "sports massage", "calf stretching programme"}


def test_clinic_is_a_caseload_of_twelve(clinic: Log) -> None:
    assert clinic.person_ids == [f"c{i:02d}" for i in range(1, 13)]
    assert len(clinic.problems) == 0
    assert sorted(p.name for p in sample_path("clinic").iterdir()) == clinic.person_ids  # one folder each
    spans = clinic.daily.groupby("person_id")["date"].agg(["min", "max"])
    months = (spans["max"] - spans["min"]).dt.days / 30.4
    assert months.between(2.8, 9.1).all()
    assert spans["min"].nunique() == 12  # clients start on different days
    kinds = clinic.interventions.groupby("person_id")["kind"].agg(set)
    assert all("therapy_session" in k and k & {"home_exercise", "lifestyle"} for k in kinds)
    sessions = clinic.interventions[clinic.interventions["kind"] == "therapy_session"]
    assert (sessions["start"] == sessions["end"]).all()


def test_samples_are_small() -> None:
    size = sum(f.stat().st_size for name in RECIPES for f in (SAMPLE_DATA / name).rglob("*") if f.is_file())
    assert size < 600_000


def _readme_effects() -> pd.DataFrame:
    lines = README.read_text(encoding="utf-8").split("### Planted effects", 1)[1].splitlines()
    rows = [line.strip().strip("|").split("|") for line in lines if line.startswith("|")]
    header, body = [c.strip() for c in rows[0]], [[c.strip() for c in row] for row in rows[2:]]
    return pd.DataFrame(body, columns=header)


def test_readme_states_the_planted_effects() -> None:
    stated = _readme_effects()
    for name, recipes in RECIPES.items():
        for recipe in recipes:
            person = recipe["person_ids"][0]
            truth = _planted(recipe)
            rows = stated[(stated["sample"] == name) & (stated["person_id"] == person)]
            assert len(rows) == len(truth), person
            assert rows["effect"].tolist() == truth["effect"].tolist()
            assert rows["factor"].tolist() == truth["factor"].tolist()
            assert rows["lag"].astype(int).tolist() == truth["lag"].tolist()
            per = pd.to_numeric(rows["per"].replace("", np.nan)).to_numpy()
            assert np.allclose(per, truth["per"].to_numpy(), equal_nan=True)
            assert np.allclose(rows["rate_ratio"].astype(float), truth["rate_ratio"])
    assert len(stated) == sum(len(_planted(r)) for rs in RECIPES.values() for r in rs)


def _planted(recipe: dict[str, Any]) -> pd.DataFrame:
    return simulate(**recipe).effects


def test_readme_states_the_seeds() -> None:
    text = README.read_text(encoding="utf-8")
    for recipes in RECIPES.values():
        for recipe in recipes:
            assert f"{recipe['seed']}" in text
    assert "python -m spasmlog.samples" in text


def test_committed_samples_are_the_simulators_output(tmp_path: Path) -> None:
    written = write_samples(tmp_path)
    assert [p.name for p in written] == list(RECIPES)
    for name in RECIPES:
        committed = sorted(p.relative_to(SAMPLE_DATA) for p in (SAMPLE_DATA / name).rglob("*.csv"))
        fresh = sorted(p.relative_to(tmp_path) for p in (tmp_path / name).rglob("*.csv"))
        assert committed == fresh, REGENERATE
        for path in committed:
            assert (SAMPLE_DATA / path).read_bytes() == (tmp_path / path).read_bytes(), f"{path}: {REGENERATE}"
    section = tmp_path.joinpath("README.md").read_text(encoding="utf-8").split("<!-- BEGIN", 1)[1]
    assert section in README.read_text(encoding="utf-8"), REGENERATE


def test_loaded_samples_equal_the_simulation(alex: Log, clinic: Log) -> None:
    (sim,) = simulate_sample("alex")
    for table in TABLES:
        pd.testing.assert_frame_equal(alex.table(table), sim.log.table(table))
    sims = simulate_sample("clinic")
    for table in ("daily", "spasms"):
        expected = pd.concat([s.log.table(table) for s in sims], ignore_index=True)
        pd.testing.assert_frame_equal(clinic.table(table).reset_index(drop=True), expected)


def test_regenerating_keeps_what_is_not_ours(tmp_path: Path) -> None:
    (tmp_path / "messy").mkdir()
    (tmp_path / "messy" / "daily.csv").write_text("date\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Samples\n\nHand-written intro.\n", encoding="utf-8")
    (tmp_path / "clinic" / "c99").mkdir(parents=True)  # a stale client folder goes
    assert main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "messy" / "daily.csv").read_text(encoding="utf-8") == "date\n"
    assert not (tmp_path / "clinic" / "c99").exists()
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# Samples\n\nHand-written intro.\n")
    assert main(["--out", str(tmp_path)]) == 0  # a second run replaces the section, not appends it
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", ["messy", "Alex", "", None, ["alex"]])
def test_simulate_sample_rejects_unknown_names(name: Any) -> None:
    with pytest.raises(
        ParameterError, match=r"The 'name' parameter of simulate_sample must be one of \{'alex', 'clinic'\}"
    ) as caught:
        simulate_sample(name)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.function, error.parameter, error.value) == ("simulate_sample", "name", name)
    assert pickle.loads(pickle.dumps(error)).parameter == "name"
