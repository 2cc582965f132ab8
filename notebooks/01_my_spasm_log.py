# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # My spasm log: what goes with more or fewer spasms?
#
# This notebook reads **one person's** spasm log and answers, in plain words:
#
# 1. Is the log readable, and was anything set aside? (always first: numbers from a log with mistakes
#    in it are not worth reading)
# 2. How have the spasms gone over time, and where and when do they happen?
# 3. Which daily habits go with **more** or **fewer** spasms, and how sure is that?
# 4. Did the things you tried (supplements, stretching, massage…) coincide with fewer spasms?
# 5. How do your water and mineral intakes compare with the usual reference amounts?
#
# It runs on the bundled example log of "Alex" (simulated: two years of made-up but realistic
# entries). To run it on **your own log**, change `log_path` in the next cell, or from a terminal:
#
# ```sh
# jupytext --to ipynb -o - notebooks/01_my_spasm_log.py | papermill - my-report.ipynb -p log_path path/to/my-log
# ```
#
# Everything runs on your computer; nothing is sent anywhere.

# %% tags=["parameters"]
# Parameters (papermill replaces these when you pass -p NAME VALUE)
log_path = None  # folder (or workbook) of your log; None reads the bundled example log of Alex
person = None  # whose log, when the folder holds several people; None: the first one
lags = [0, 1, 2, 3]  # also look at habits 1, 2 and 3 days before the spasms
alpha = 0.05  # a finding must survive the correction for many tests at this level

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

import spasmlog
from spasmlog import plots
from spasmlog.analysis.daily import INTAKE_COLUMNS
from spasmlog.report.validation_text import validation_text as report_text
from spasmlog.samples import sample_path

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
log_path = Path(log_path) if log_path else sample_path("alex")
lags = [lags] if isinstance(lags, int) else list(lags)  # `-p lags 1` from the command line gives an int

# %% [markdown]
# ## 1. Is the log readable?
#
# spasmlog checks every row against the log format. A row with an impossible value (sleeping 26 hours,
# a date that does not exist) is **set aside, never silently changed or dropped**, and listed below
# with the file, the row number your spreadsheet shows, and how to fix it. Warnings are about rows
# that were kept but deserve a look.

# %%
log = spasmlog.read_log(log_path, errors="quarantine")
report = report_text(log, log_path).splitlines()
print("\n".join(report[:60]))
if len(report) > 60:
    print(f"... and {len(report) - 60} more lines: see log.problems for every one.")

# %%
people = log.person_ids
if not people:
    raise ValueError(f"No valid rows in {log_path}: fix the problems listed above first.")
if person is None:
    person = people[0]
    if len(people) > 1:
        print(f"This log holds {len(people)} people; showing {person}. Set `person` to one of {people}.")
elif person not in people:
    raise ValueError(f"There is nobody called {person!r} in {log_path}; the log holds {people}.")
print(f"Person: {person}")

# %% [markdown]
# ## 2. Your days
#
# The log becomes one row per calendar day. Days you did not log are kept as empty days (not as
# days without spasms), and an empty cell means "not recorded", never zero. The headline numbers
# compare your first and your last four weeks.
#
# Every number this notebook states about you — the headline, the tests in section 4, the intakes in
# section 6 — comes from one summary, computed once (`person_summary`, the one the report shows too).

# %%
from spasmlog.analysis.summary import person_summary

daily = spasmlog.daily_table(log, persons=[person])
you = person_summary(daily, people=log.people[log.people["person_id"] == person], lags=lags, alpha=alpha)
overview = you.overview  # the first and last four weeks, from caseload_summary
change = f"not estimated: {overview['change_status']}"
if overview["change_status"] == "ok":
    ratio, low, high = overview[["change_ratio", "change_ci_low", "change_ci_high"]]
    change = f"{ratio:.2f} times as many (95% CI {low:.2f} to {high:.2f})"
first, last = overview["spasms_per_week_first"], overview["spasms_per_week_last"]
headline = pd.Series(
    {
        "period": f"{you.first_date:%d %b %Y} to {you.last_date:%d %b %Y}",
        "days logged": f"{overview['days_logged']} of {overview['days_in_span']} ({overview['completeness']:.0%})",
        "days with spasms recorded": f"{you.days_counted} of {overview['days_logged']}",
        "days with spasms": you.spasm_days if you.has_spasm_data else "—",
        "spasms logged": you.spasms if you.has_spasm_data else "—",
        "spasms per week, first 4 weeks": "—" if pd.isna(first) else round(first, 1),
        "spasms per week, last 4 weeks": "—" if pd.isna(last) else round(last, 1),
        "last 4 weeks vs first 4 weeks": change if you.has_spasm_data else "not estimated: no spasm data",
    },
    name=person,
)
if you.longest_gap is not None:
    gap = you.longest_gap
    print(f"{you.missing_days} day(s) not logged; the longest gap: {gap.days} day(s), ", end="")
    print(f"{gap.first:%d %b %Y} to {gap.last:%d %b %Y}.")
if not you.has_spasm_data:
    print(
        "This log has no spasm data: no spasm events (a spasms table) and no daily spasm_count. The daily "
        "factors below are read, but nothing can be said about what goes with spasms until spasms are "
        "logged: add a spasms.csv (one row per spasm) or a spasm_count column (spasms per day)."
    )
headline.to_frame()

# %%
shown = ["date", "logged", "spasm_count", "water_ml", "magnesium_mg", "exercise_min", "sitting_h", "sleep_h"]
daily[[c for c in shown if c in daily]].tail(7)

# %% [markdown]
# ## 3. How the spasms have gone
#
# The bars are spasms per day; the lines are the averages over the last 7 and 28 days, which show the
# trend through the day-to-day ups and downs. Shaded periods are the things you tried. The calendar
# shows every day: empty (hatched) squares are days you did not log.

# %%
plots.trend(daily, person=person)
plt.show()

# %%
plots.calendar(daily, person=person)
plt.show()

# %% [markdown]
# ### Where and when
#
# Where in the body the spasms were felt (left and right apart where you logged the side), and at what
# time of day and day of the week they started — night cramps (00:00–06:00) are framed on the left of
# the second chart.

# %%
spasms = log.spasms[log.spasms["person_id"] == person]
if len(spasms):
    plots.body_map(spasms, person=person)
    plt.show()
    plots.time_pattern(spasms, person=person)
    plt.show()
elif daily["spasm_count"].notna().any():
    print("No individual spasms logged (only daily counts): nothing to show here.")
else:
    print("No spasms logged at all (no spasm events and no daily counts): nothing to show here.")

# %% [markdown]
# ## 4. What goes with more or fewer spasms?
#
# For each habit, spasmlog compares your days with more of it to your days with less of it, **within
# the same weeks and season** and allowing for the day of the week, on the same day and up to three
# days before. The result is a *rate ratio*: 0.75 means 25% fewer spasms per step of the habit (e.g.
# per 500 mL more water), 1.2 means 20% more.
#
# Each habit is **one question**, whatever its delays and its variants (water in mL and as % of the
# reference are one question, not two). The questions fall in two families:
#
# - the **known suspects** — water, magnesium, calcium, potassium, sodium, exercise (and unaccustomed
#   load), sitting, posture breaks, sleep, stress, caffeine, alcohol — together with the things you
#   tried and your therapy sessions, form the **primary** family: the questions you keep a log for;
# - **your own columns** (a `banana` or `hot_bath` column, and built-in ones outside the list such as
#   steps) form an **exploratory** family, with a smaller share of the budget: a finding there is a
#   lead to check, not an answer.
#
# Asking many questions turns up some "patterns" by pure chance, so everything below — the habits,
# the things you tried, the sessions — is corrected **together**: if nothing in your log were really
# linked to your spasms, the chance that this notebook would state any finding is at most `alpha`
# (5%). Only for a habit that passes is the delay described.

# %%
from spasmlog.analysis.overview import analyse_person

# rate ratios, the things you tried and your sessions, computed once (in the summary) and corrected together;
# without spasm data nothing is fitted, and each question's table says why in words
results = you.results if you.results is not None else analyse_person(daily, lags=lags, alpha=alpha)
associations, tried, sessions = results.associations, results.interventions, results.sessions
for sentence in spasmlog.findings(associations, alpha=alpha):
    print("•", sentence, end="\n\n")

# %%
# which family each habit belongs to: one row per question, at its strongest delay
families = associations.groupby("hypothesis", sort=False).agg(
    family=("family", "first"), strongest_p_adjusted=("p_adjusted", "min")
)
families["finding"] = families["strongest_p_adjusted"] <= alpha
families.round(4)

# %% [markdown]
# Every question at once: each habit at its strongest delay, each thing you tried and each kind of
# session, with its 95% confidence interval (the range the true ratio is likely to be in), grouped by
# family. The dashed line at 1 means "no difference"; findings are highlighted.

# %%
plots.forest([t for t in results.tables if len(t)], alpha=alpha)
plt.show()

# %%
# the findings in numbers: rate ratio per step (`per`), 95% CI, p-value before and after correction, days
found = associations[(associations["status"] == "ok") & (associations["p_adjusted"] <= alpha)]
if len(found):
    columns = ["factor", "lag", "per", "rate_ratio", "ci_low", "ci_high", "p_value", "p_adjusted", "n"]
    display(found[columns].round(3))
else:
    print("No association survived the correction: nothing to list.")

# %% [markdown]
# ### How long does it take?
#
# The lag curve of each finding: its rate ratio on the same day and 1, 2 and 3 days later. A habit
# that matters the next day shows a dip or peak at 1 day; filled points are the delays stated as
# findings. (With no finding, the three habits closest to one are drawn, all open.)

# %%
plots.lag_profile(associations, alpha=alpha)
plt.show()

# %% [markdown]
# ### How long until you'd know
#
# A known suspect that is not a finding may have no link with your spasms, or too few days logged to
# see one. From its current estimate, spasmlog projects how much more logging (going on as so far)
# would likely — 4 times in 5 — show a link of that size, at the level the correction above would ask
# of it. The projection takes the estimate as the real size, which it may not be: a guide to whether
# more logging is worth it, not a promise.

# %%
lines = you.how_long
for sentence in lines["sentence"] if len(lines) else []:
    print("•", sentence)
if not len(lines):
    print("Every known suspect that could be estimated is a finding (or none could be estimated).")

# %% [markdown]
# ## 5. Did the things you tried help?
#
# For each thing you tried for a while, spasmlog compares the days on it with the days before it
# started, allowing for the trend that was already there and for the day of the week. It cannot tell
# *why* spasms changed: people often start something during a bad spell, and bad spells tend to ease
# anyway. These questions were corrected together with the habits above.

# %%
if len(tried):
    for sentence in spasmlog.findings(tried, alpha=alpha):
        print("•", sentence, end="\n\n")
    display(tried.round(3))
else:
    print("Nothing tried for a while was logged (single sessions are below).")

# %% [markdown]
# ### Sessions
#
# Things logged as single days — a physiotherapy session, a massage — are judged by the days *after*
# each session (days 1–3): the spasm rate on those days against the other days, allowing for the day
# of the week, the trend and the other things you tried. The session day itself and the whole course
# of sessions are compared too, so that a rate that was lower all through the course is not credited
# to the days after each session. `rate_ratio` below 1 means fewer spasms on those days.

# %%
if len(sessions):
    shown = ["intervention", "term", "window", "sessions", "days", "rate_ratio", "ci_low", "ci_high"]
    display(sessions[[*shown, "p_value", "p_adjusted", "status"]].round(3))
else:
    print("No single-day sessions were logged.")

# %% [markdown]
# ## 6. Water and minerals compared with the reference amounts
#
# Your intake as a percentage of the reference amount for your sex and age (or of your own target, if
# you set one in the `people` table): 100% is the reference line. The reference values are for
# healthy adults (US National Academies' Dietary Reference Intakes), not a personal prescription.
# Sodium is the exception to "more is fine": its 100% is the adequate intake (1500 mg a day), and
# intakes above about 150% (2300 mg) are ones to reduce.

# %%
if len(you.intake):
    percent = daily.reindex(columns=[INTAKE_COLUMNS[c] for c in you.intake["column"]])  # each day, % of reference
    if percent.notna().any().any():
        plots.intake(daily, person=person)
        plt.show()
    intake = you.intake.set_index("nutrient")
    reference = intake["reference"].map(lambda r: "—" if pd.isna(r) else f"{r:,.0f}") + " " + intake["reference_unit"]
    intake = pd.DataFrame(
        {
            "days recorded": intake["days"],
            "median": intake["median"].map("{:,.0f}".format) + " " + intake["unit"],
            "reference": reference.where(intake["reference"].notna(), "—"),
            "median % of reference": intake["median_pct"].round(0),
            "share of days below 100%": ((percent < 100).sum() / percent.notna().sum()).round(2).to_numpy(),
            "reference for": intake["basis"],
        }
    )
    display(intake)
else:
    print("No water or mineral intakes in this log.")

# %% [markdown]
# Spasms per day on days with more or less to drink (in 500 mL bands, with 95% confidence intervals),
# and a direct comparison: days after drinking **less than the reference amount** against days at or
# above it, on the same day and on the day before (two comparisons, corrected together).

# %%
water = daily.get("water_ml", pd.Series(index=daily.index, dtype=float))
if (water.notna() & water.shift(1).notna() & daily["spasm_count"].notna()).sum() >= 2:  # at lags 0 and 1
    for lag in (0, 1):
        plots.factor_response(daily, "water_ml", lag=lag, person=person)
        plt.show()
    below = pd.concat([spasmlog.compare_days(daily, "water_ml", lag=lag, alpha=alpha) for lag in (0, 1)])
    below["p_adjusted"] = spasmlog.adjust_pvalues(below["p_value"])
    for sentence in spasmlog.findings(below.reset_index(drop=True), alpha=alpha):
        print("•", sentence, end="\n\n")
elif water.notna().any():
    print("Water is logged, but not on days with spasms recorded: nothing to compare.")
else:
    print("No water intake in this log.")

# %% [markdown]
# ## Find out on purpose: plan an experiment
#
# A diary shows what goes together; to find out what a change *does*, try it on purpose. A plan
# alternates blocks with the change ("on") and without it ("off"), the order within each pair of blocks
# drawn at random, with a few washout days between blocks. Before starting, it is worth knowing how
# likely the plan is to show an effect, from your own usual number of spasms a day: if the chance is
# small, plan more pairs or longer blocks. `plan.write(log_path)` adds the plan to `experiments.csv` in
# the log folder, and `spasmlog plan` on the command line also writes a calendar to print. Once the
# blocks are logged, `spasmlog.experiment_effect(daily, experiment=log.experiments)` compares them.

# %%
plan = spasmlog.plan_experiment(
    daily, change="magnesium glycinate 300 mg", pairs=4, block_days=7, washout_days=2, seed=1, n_sim=200
)
print(plan.statement)
display(plan.periods[["period", "pair", "arm", "start", "end"]])

# %% [markdown]
# ## What these numbers can and cannot say
#
# - **They are associations, not causes.** "Fewer spasms after drinking more" can mean water helps —
#   or that on busy, stressful days you both drink less and cramp more. Only changing one thing on
#   purpose (and keeping the log going) gets closer to an answer.
# - **The delay matters.** A habit may go with spasms the next day rather than the same day; the
#   finding says which.
# - **More days, surer answers.** A few weeks of logging can only show large effects; "no clear
#   association" means the log could not tell, not that the habit does nothing.
# - **A few findings may be flukes**, even after the correction: treat a surprising one as a question
#   to test, not a rule.
# - **Missing days are not zero days.** Days you did not log are left out, not counted as spasm-free.
# - Recurrent, severe or new kinds of cramps are worth showing to a doctor or physiotherapist; this
#   notebook can help that conversation, not replace it.
