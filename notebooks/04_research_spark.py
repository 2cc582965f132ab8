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
# # Research cohort on Spark: each person's rate ratios, then across people
#
# A cohort too large for one machine, or one that lives on a Spark platform (the UK Biobank Research
# Analysis Platform, All of Us, Databricks), is analysed where it is with `spasmlog.spark`:
#
# 1. validate every person's tables with the log format's rules (the same problems and quarantine as
#    `spasmlog.read_log`), on the executors, in batches of about 200 people per Python call;
# 2. fit each person's rate ratios (`spasmlog.rate_ratios`, the same code as on one machine);
# 3. combine them across people in a random-effects meta-analysis (`spasmlog.meta_analysis`): the average
#    association, how much people differ, and how many appear to respond.
#
# By default it simulates a cohort with planted effects, writes it as Parquet and runs on this machine
# (`local[*]`). To analyse your own cohort, give the folder holding `daily.parquet`, `spasms.parquet`,
# `interventions.parquet` and `people.parquet` (each with a `person_id` column; `daily` is the one needed):
#
# ```sh
# make notebook-spark   # this notebook, executed in .venv-spark, into build/notebooks/
# jupytext --to ipynb -o - notebooks/04_research_spark.py | papermill - out.ipynb -p parquet_path /data/cohort
# ```
#
# **On a cluster.** Install `spasmlog[spark]` on the driver *and* the executors (a cluster library on
# Databricks, the platform's package manager on the UK Biobank RAP or All of Us), set `master` to `""` to use
# the session the platform made (or to its master URL), and point `parquet_path` at the cluster's storage
# (`dbfs:/...`, `s3://...`, `gs://...`). Import `spasmlog.spark` before anything else imports pandera: with
# pyspark installed, pandera's import sets `SPARK_LOCAL_IP=127.0.0.1`, which `spasmlog.spark` undoes (see its
# module notes).

# %% tags=["parameters"]
# Parameters (papermill replaces these when you pass -p NAME VALUE)
parquet_path = None  # a folder of daily/spasms/interventions/people .parquet; None simulates a cohort
master = "local[*]"  # Spark master: local[*] (this machine), a cluster URL, or "" for the active session
n_people = 60  # simulated participants
days = 180  # simulated days per participant
seed = 2024  # seed of the simulation
factors = ["water_ml", "sitting_h", "stress", "caffeine_mg"]  # factors of each person's rate ratios
lags = [0, 1, 2, 3]  # lags (days) of the rate ratios
method = "reml"  # between-person variance: "reml" or "dl" (DerSimonian–Laird)
alpha = 0.05  # 1 − interval level

# %%
import tempfile
import warnings
from pathlib import Path
from typing import Literal, cast

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import spasmlog
import spasmlog.spark as on_spark  # before anything imports pandera (see the note above)

# pyspark 4.3 warns on every toPandas() that it "does not yet fully support pandas >= 3.0.0"; spasmlog's own
# conversions silence it, and these of the notebook too
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)
lags = [lags] if isinstance(lags, int) else list(lags)  # `-p lags 1` from the command line gives an int
factors = [factors] if isinstance(factors, str) else list(factors)
simulated = not parquet_path

# %% [markdown]
# ## 1. The cohort as Parquet tables
#
# Simulated here with planted effects (500 mL more to drink the day before: 0.80 × the spasms; an hour
# more sitting the same day: 1.08 ×; a point more stress: 1.06 ×; every other factor: none), and written as
# one Parquet file per table, as a platform would hold them.

# %%
if simulated:
    folder = Path(tempfile.mkdtemp(prefix="spasmlog-cohort-"))
    simulation = spasmlog.simulate(n_people, days, seed=seed)
    for name in ("daily", "spasms", "interventions", "people"):
        simulation.log.table(name).to_parquet(folder / f"{name}.parquet", index=False)
    print(simulation.effects.to_string(index=False))
else:
    folder = Path(str(parquet_path))
tables = {p.stem: str(p) for p in sorted(folder.glob("*.parquet"))}
tables

# %%
spark = on_spark.session(master) if master else on_spark.session()
spark.sparkContext.master, spark.sparkContext.defaultParallelism

# %% [markdown]
# ## 2. Data quality: every person's tables validated on the executors
#
# The same rules and messages as `spasmlog.read_log`; rows with an error are kept aside (quarantined) with
# their original cells, never dropped. Rows read = valid + quarantined, for every table.

# %%
checked = on_spark.validate(tables, spark=spark)
sources = checked.sources.groupBy("table").sum("rows_read", "rows_valid", "rows_quarantined").toPandas()
sources

# %%
problems = checked.problems.groupBy("table", "field", "rule", "severity").count().toPandas()
problems.sort_values("count", ascending=False).head(20)

# %% [markdown]
# ## 3. Each person's rate ratios
#
# One quasi-Poisson model per person, factor and lag, adjusted for the day of the week and a smooth trend,
# with errors that allow for autocorrelated days (`spasmlog.rate_ratios`). Spark runs them person by person;
# the result is a Spark DataFrame with a declared schema.

# %%
per_person = on_spark.per_person(tables, "rate_ratios", spark=spark, factors=factors, lags=lags, alpha=alpha)
per_person.printSchema()

# %%
estimates = per_person.toPandas()
estimates["status"].value_counts()

# %% [markdown]
# ## 4. Across people: random-effects meta-analysis
#
# Each person's log rate ratio is weighted by its precision, and people are allowed to differ: `tau2` is the
# between-person variance of the true associations, `i2` the share of the spread that is between people
# rather than chance, and the prediction interval (`pi_low`–`pi_high`) is where a new person's association
# would probably lie. `share_lower` is the share of people whose true association is below 1 (fewer spasms
# with more of the factor) under that spread; `people_lower` / `people_higher` count the people whose own
# interval lies wholly below / above 1 (uncorrected). These are associations, not causes.

# %%
pooled = spasmlog.meta_analysis(estimates, method=cast(Literal["reml", "dl"], method), alpha=alpha)  # checked there
columns = ["factor", "lag", "k", "rate_ratio", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "i2"]
pooled[[*columns, "share_lower", "people_lower", "people_higher"]].round(3)

# %%
if simulated:
    # Compared where the truth is one number: the planted factor at its planted lag, and every lag of a factor
    # with no planted effect (rate ratio 1). A planted factor's other lags are not compared: each row does not
    # hold the factor's other lags fixed, so an effect on the next day shows, weaker, on the days around it.
    planted = simulation.effects[simulation.effects["effect"] == "factor"]
    truth = {(f, int(g)): r for f, g, r in planted[["factor", "lag", "rate_ratio"]].itertuples(index=False)}
    compared = pooled[
        [
            (f, int(g)) in truth or f not in set(planted["factor"])
            for f, g in pooled[["factor", "lag"]].itertuples(index=False)
        ]
    ].copy()
    compared["planted"] = [truth.get((f, int(g)), 1.0) for f, g in compared[["factor", "lag"]].itertuples(index=False)]
    compared["covered"] = (compared["ci_low"] <= compared["planted"]) & (compared["planted"] <= compared["ci_high"])
    print(f"{compared['covered'].mean():.0%} of these {len(compared)} pooled intervals hold the planted rate ratio")
    print(compared[["factor", "lag", "planted", "rate_ratio", "ci_low", "ci_high", "covered"]].round(3).to_string())

# %% [markdown]
# ### Each person's estimate and the spread across people
#
# For the first factor at lag 1: each person's rate ratio with its interval (sorted), the pooled rate ratio
# and its interval (band), and the prediction interval (dashed).

# %%
lag = 1 if 1 in lags else lags[0]
rows = estimates[(estimates["factor"] == factors[0]) & (estimates["lag"] == lag) & (estimates["status"] == "ok")]
rows = rows.sort_values("rate_ratio").reset_index(drop=True)
line = pooled[(pooled["factor"] == factors[0]) & (pooled["lag"] == lag)].iloc[0]
fig, ax = plt.subplots(figsize=(7, 4))
position = np.arange(len(rows))
ax.errorbar(
    position,
    rows["rate_ratio"],
    yerr=[rows["rate_ratio"] - rows["ci_low"], rows["ci_high"] - rows["rate_ratio"]],
    fmt="o",
    ms=3,
    color="0.35",
    elinewidth=0.8,
)
ax.axhspan(line["ci_low"], line["ci_high"], color="tab:blue", alpha=0.25, label="pooled rate ratio, 95% CI")
ax.axhline(line["rate_ratio"], color="tab:blue")
for edge in (line["pi_low"], line["pi_high"]):
    ax.axhline(edge, color="tab:blue", linestyle="--", linewidth=1)
ax.axhline(1.0, color="black", linewidth=0.8)
ax.set_yscale("log")
ax.set_xlabel("person (sorted by their own rate ratio)")
ax.set_ylabel(f"rate ratio, {factors[0]} at lag {lag}")
ax.legend(loc="upper left")
plt.show()

# %%
if master.startswith("local"):
    spark.stop()
