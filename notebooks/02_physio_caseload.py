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
# # Caseload review: spasm diaries of several clients
#
# For a physiotherapist (or another manual therapist) reviewing clients' spasm and cramp diaries:
#
# 1. **Data quality** for the whole caseload — what could not be read, and how completely each client
#    logged — before any numbers.
# 2. **Caseload summary**: one row per client, sorted by the change in spasms per week between their
#    first and last four weeks (most improved first), with the home programme they are on and their
#    strongest daily association.
# 3. **Small multiples**: every client's trend on a shared axis.
# 4. **A page per client**: headline numbers, trend with the programme and sessions shaded, and
#    whether spasms changed after each intervention started.
#
# It runs on the bundled sample caseload of 12 simulated clients. For your own clients (one sub-folder
# per client, or one folder whose tables carry a `person_id` column):
#
# ```sh
# jupytext --to ipynb -o - notebooks/02_physio_caseload.py | papermill - review.ipynb -p log_path path/to/clients
# ```

# %% tags=["parameters"]
# Parameters (papermill replaces these when you pass -p NAME VALUE)
log_path = None  # caseload folder; None reads the bundled sample clinic of 12 clients
persons = None  # a list of client ids to review, or None for every client
lags = [0, 1, 2, 3]  # delays (days) at which daily factors are tested
alpha = 0.05  # level of the confidence intervals and of the multiple-comparison correction
window = 28  # days at the start and at the end of each diary that are compared

# %%
import html
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import spasmlog
from spasmlog import plots
from spasmlog.analysis.daily import intervention_column
from spasmlog.report.validation_text import validation_text as report_text
from spasmlog.samples import sample_path

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 80)
log_path = Path(log_path) if log_path else sample_path("clinic")
lags = [lags] if isinstance(lags, int) else list(lags)  # `-p lags 1` from the command line gives an int

# %% [markdown]
# ## 1. Data quality
#
# Every row of every client's diary is checked against the log format. Rows with impossible values are
# set aside (quarantined) and listed with file, row and reason; nothing is silently corrected. The
# table after the report shows, per client, how many diary rows were read and set aside and how
# completely the days were logged: weigh each client's numbers below by it.

# %%
log = spasmlog.read_log(log_path, errors="quarantine")
report = report_text(log, log_path).splitlines()
print("\n".join(report[:60]))
if len(report) > 60:
    print(f"... and {len(report) - 60} more lines: see log.problems for every one.")

# %%
clients = log.person_ids if persons is None else [persons] if isinstance(persons, str) else list(persons)
unknown = sorted(set(clients) - set(log.person_ids))
if unknown:
    raise ValueError(f"No client called {unknown} in {log_path}; the caseload holds {log.person_ids}.")
daily = spasmlog.daily_table(log, persons=clients)
# the one summary of each client's diary: span, days logged, completeness here; trend and associations below
summary = spasmlog.caseload_summary(daily, window=window, lags=lags, alpha=alpha)
files = log.sources[log.sources["table"].isin(["daily", "spasms"])]
counts = ["rows_read", "rows_quarantined"]
read = files.pivot_table(index="person_id", columns="table", values=counts, aggfunc="sum")
measures, tables = read.columns.get_level_values(0), read.columns.get_level_values(1)
read.columns = [f"{t} rows {w.removeprefix('rows_')}" for w, t in zip(measures, tables, strict=True)]
days = summary.set_index("person_id")[["days_in_span", "days_logged", "completeness"]].sort_index()
days["completeness"] = days["completeness"].round(2)
quality = days.join(read[sorted(read.columns)].astype("Int64"))
# "—": rows counted per file, not per client (a file holding several clients), or no such file
quality.astype(object).where(quality.notna(), "—")

# %% [markdown]
# ## 2. Caseload summary
#
# One row per client, most improved first. *Change* is the rate ratio of spasms per week in the last
# four weeks of the diary against the first four (0.5: half as many), with its 95% confidence interval
# from a quasi-Poisson model with autocorrelation-robust (Newey–West) errors. *Strongest association*
# is the client's daily factor (water, exercise, sitting, …, at a delay of 0–3 days) with the strongest
# evidence among those that survive the Benjamini–Hochberg correction for all factors and delays
# tested for that client; most short diaries have none.


# %%
def change_text(row: pd.Series) -> str:
    if row["change_status"] != "ok":
        return row["change_status"]
    return f"{row['change_ratio']:.2f} ({row['change_ci_low']:.2f} to {row['change_ci_high']:.2f})"


def per_week(value: float) -> str:  # "—" where a window has too few logged days to say
    return "—" if pd.isna(value) else f"{value:.1f}"


pd.DataFrame(
    {
        "client": summary["person_id"],
        "from": summary["first_date"].dt.strftime("%d %b %Y"),
        "to": summary["last_date"].dt.strftime("%d %b %Y"),
        "days logged": summary["days_logged"],
        "logged %": (100 * summary["completeness"]).round(0),
        f"spasms/week, first {window} d": summary["spasms_per_week_first"].map(per_week),
        f"spasms/week, last {window} d": summary["spasms_per_week_last"].map(per_week),
        "change (95% CI)": summary.apply(change_text, axis=1),
        "on now": summary["active_interventions"],
        "strongest association": summary["strongest"],
    }
)

# %% [markdown]
# ## 3. Every client's trend
#
# Spasms per day (7-day average) for each client on a shared vertical axis, in the order of the table
# above, so the direction and size of each change can be compared at a glance.

# %%
plots.caseload(daily, summary=summary)
plt.show()

# %% [markdown]
# ## 4. One page per client
#
# For each client: the diary's headline numbers, the daily trend (interventions and sessions shaded),
# and whether spasms changed once each intervention started — an interrupted time series comparing the
# days on it with the days before, beyond the trend already there (Lopez Bernal et al. 2017). The
# sentences are written to the client ("you"), so they can be shared as they are. Single sessions
# cannot be judged this way (a session is one day), and an intervention that started in the first two
# weeks has too few days before it.

# %%
changes = spasmlog.intervention_effect(daily, person="person_id", alpha=alpha)
# single-day sessions (end = start) are listed per client instead of being judged one by one
periods = log.interventions.assign(column=log.interventions["name"].map(intervention_column))
periods["session"] = periods["end"].eq(periods["start"]) if "end" in periods else False
sessions = periods[periods.groupby(["person_id", "column"])["session"].transform("all")]
judged = changes.set_index(["person_id", "intervention"]).index
changes = changes[~judged.isin(pd.MultiIndex.from_frame(sessions[["person_id", "column"]]))]
for row in summary.to_dict("records"):
    client = row["person_id"]
    display(Markdown(f"### {html.escape(str(client))}"))
    print(
        f"Diary {row['first_date']:%d %b %Y} to {row['last_date']:%d %b %Y}: {row['days_logged']} of "
        f"{row['days_in_span']} days logged ({row['completeness']:.0%}). Spasms per week "
        f"{per_week(row['spasms_per_week_first'])} in the first {window} days, "
        f"{per_week(row['spasms_per_week_last'])} in the last {window}; change {change_text(pd.Series(row))}."
    )
    on_now = row["active_interventions"] or "nothing logged"
    print(f"On now: {on_now}. Strongest daily association: {row['strongest']}.")
    fig, ax = plt.subplots(figsize=(9, 2.8), layout="constrained")
    plots.trend(daily, person=client, ax=ax)
    plt.show()
    mine = changes[changes["person_id"] == client].drop(columns="person_id").reset_index(drop=True)
    for sentence in spasmlog.findings(mine, alpha=alpha):
        print("  •", sentence)
    for name, count in sessions[sessions["person_id"] == client].groupby("name").size().items():
        print(f"  • {count} × {name} (single sessions: not judged one by one).")

# %% [markdown]
# ## Reading these numbers with care
#
# - **Regression to the mean.** Clients usually start a diary when the spasms are bad; some improvement
#   follows whatever is done. The change column does not separate that from the effect of treatment.
# - **Co-interventions and season.** The home programme, the sessions, the weather and the client's
#   training all change together; each number is an association, not a treatment effect.
# - **Adherence is not logged** unless the client records it (e.g. `stretching_min`): "on the
#   programme" means "after its start date".
# - **Short diaries** (a few weeks) can only show large changes; "no clear association" means the
#   diary could not tell.
# - **Completeness** below about 80% deserves a conversation: unlogged days are left out, and clients
#   tend to skip logging on good days (or bad ones).
