"""The report's "Experiments" section and the caseload page's list: shown only with a plan, escaped, in words."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

import spasmlog
from spasmlog.report import write_report
from spasmlog.simulate import Experiment, simulate


def _section(html: str) -> str | None:
    found = re.search(r'<section id="experiments">.*?</section>', html, re.S)
    return found.group(0) if found else None


def test_pages_show_the_experiment_its_effect_and_the_caseload_lists_it(tmp_path: Path) -> None:
    plan = Experiment("magnésium <b>300</b>", rate_ratio=0.4, pairs=6, seed=4, adherence=0.9)
    sim = simulate(n_people=2, days=120, seed=2, interventions=[], experiment=plan)
    index = write_report(sim.log, tmp_path / "report")
    listed = _section(index.read_text(encoding="utf-8"))
    assert listed is not None and listed.count("<tr>") == 3  # header and one row per client
    assert "magnésium &lt;b&gt;300&lt;/b&gt;" in listed and "<b>300" not in listed
    page = _section((index.parent / "p1.html").read_text(encoding="utf-8"))
    assert page is not None
    effect = spasmlog.experiment_effect(
        spasmlog.daily_table(sim.log), experiment=sim.log.experiments, person="person_id"
    ).set_index("person_id")
    assert f"{effect.loc['p1', 'rate_ratio']:.2f} (" in page
    assert "randomisation p = " in page and "Because the order of the blocks was drawn at random" in page
    assert page.count("on 2025-") == 6 and page.count("off 2025-") == 6


def test_a_planned_experiment_not_yet_begun_shows_its_schedule_only(tmp_path: Path) -> None:
    log = spasmlog.load_sample("alex")
    plan = spasmlog.plan_experiment(
        spasmlog.daily_table(log), change="stretching", start="2030-01-06", seed=1, n_sim=50
    )
    log.experiments = plan.periods
    html = write_report(log, tmp_path / "alex.html").read_text(encoding="utf-8")
    section = _section(html)
    assert section is not None and "planned: starts on 2030-01-06" in section
    assert "Rate ratio" not in section


def test_no_plan_no_section(tmp_path: Path) -> None:
    html = write_report(spasmlog.load_sample("alex"), tmp_path / "alex.html").read_text(encoding="utf-8")
    assert _section(html) is None


def test_an_experiment_still_running_shows_its_estimate_so_far_without_a_verdict(tmp_path: Path) -> None:
    import dataclasses

    plan = Experiment("magnesium", rate_ratio=0.3, pairs=6, block_days=7, washout_days=2, seed=3)
    sim = simulate(days=plan.days + 10, seed=3, interventions=[], effects=[], experiment=plan,
                   baseline_per_day=2.0, missing_day_rate=0.0)  # fmt: skip
    cut = sim.log.experiments["start"].min() + pd.Timedelta(days=40)  # 33 of the 84 block days
    shift = pd.Timestamp.today().normalize() - cut  # the log stops today, in the middle of the plan
    plans = sim.log.experiments
    log = dataclasses.replace(
        sim.log,
        daily=sim.log.daily[sim.log.daily["date"] <= cut].assign(date=lambda d: d["date"] + shift),
        spasms=sim.log.spasms[sim.log.spasms["start"] < cut + pd.Timedelta(days=1)].assign(
            start=lambda d: d["start"] + shift
        ),
        experiments=plans.assign(start=plans["start"] + shift, end=plans["end"] + shift, created=cut + shift),
    )
    effect = spasmlog.experiment_effect(spasmlog.daily_table(log), experiment=log.experiments).iloc[0]
    assert effect["status"] == "in_progress"
    html = write_report(log, tmp_path / "report.html").read_text(encoding="utf-8")
    section = _section(html)
    assert section is not None and "in progress:" in section
    assert "So far: the plan is still running" in section and "So far, with 33 of 84 planned block days" in section
    assert f"{effect['rate_ratio']:.2f} (" in section  # the estimate and its interval are shown
    assert '<td class="n">at the end</td>' in section  # no randomisation p before the plan's end
    assert "Because the order of the blocks was drawn at random" not in section and "lowered" not in section


def test_a_plan_whose_last_day_has_passed_is_listed_as_ended_not_in_progress() -> None:
    from spasmlog.report.experiments import experiment_index

    log = spasmlog.load_sample("alex")
    days = spasmlog.daily_table(log)
    last_logged = days.loc[days["spasm_count"].notna(), "date"].max()
    plan = spasmlog.plan_experiment(None, change="x", person="alex", pairs=2, block_days=7, washout_days=0,
                                    start="2030-01-06", seed=1)  # fmt: skip
    back = pd.Timestamp("2030-01-06") - (last_logged - pd.Timedelta(days=20))  # 20 of its 28 days logged
    log.experiments = plan.periods.assign(start=plan.periods["start"] - back, end=plan.periods["end"] - back)
    (row,) = experiment_index(log, days)
    end = log.experiments["end"].max()
    assert end < pd.Timestamp.today().normalize()
    assert row["state"].startswith("ended: ") and f"logged up to {last_logged:%Y-%m-%d}" in row["state"]


def test_a_plan_with_periods_set_aside_shows_why_instead_of_an_effect(tmp_path: Path) -> None:
    sim = simulate(days=120, seed=2, interventions=[], experiment=Experiment("magnesium", rate_ratio=0.5, pairs=4))
    damaged = sim.log.experiments[~sim.log.experiments["period"].isin([3, 5])]
    import dataclasses

    index = write_report(dataclasses.replace(sim.log, experiments=damaged), tmp_path / "report")
    page = _section(index.read_text(encoding="utf-8"))
    assert page is not None
    assert "periods 3, 5 of 8 are missing" in page and "experiments.csv" in page
    assert "Rate ratio" not in page and "randomisation p" not in page


def test_a_report_period_that_cuts_a_plan_shows_no_result() -> None:
    from spasmlog.report.experiments import experiment_rows

    sim = simulate(days=120, seed=2, interventions=[], experiment=Experiment("magnesium", rate_ratio=0.5, pairs=4))
    days = spasmlog.daily_table(sim.log)
    third = sim.log.experiments.loc[sim.log.experiments["period"] == 3, "start"].iloc[0]
    (row,) = experiment_rows(sim.log, days[days["date"] >= third], start=third)
    assert row["effect"]["status"] == "plan_cut" and "randomisation p" not in row["effect"]["sentence"]
    (whole,) = experiment_rows(sim.log, days)
    assert whole["effect"]["status"] == "ok"


def test_report_from_a_date_inside_a_plan_says_the_period_cuts_it(tmp_path: Path) -> None:
    sim = simulate(days=120, seed=2, interventions=[], experiment=Experiment("magnesium", rate_ratio=0.5, pairs=4))
    third = sim.log.experiments.loc[sim.log.experiments["period"] == 3, "start"].iloc[0]
    index = write_report(sim.log, tmp_path / "report", start=third)  # spasmlog report LOG --from <third>
    page = _section(index.read_text(encoding="utf-8"))
    assert page is not None
    assert "The period analysed cuts the experiment with magnesium" in page
    assert "That is a fragment of the plan, not its result" in page
