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
# # Research cohort: within-person associations, a marginal model, and the pooled-analysis trap
#
# A worked analysis of a diary cohort with known truth. We simulate a cohort with **planted effects**
# (`spasmlog.simulate`), then:
#
# 1. validate the tables and report data quality;
# 2. build the person-day table;
# 3. estimate within-person associations for every factor × lag with repeated-measures correlation
#    and cluster-robust inference, with Benjamini–Hochberg correction, and compare with the planted
#    effects;
# 4. fit one multivariable marginal count model (GEE, person-mean-centred factors) and compare its
#    rate ratios with the planted ones;
# 5. show what **pooling person-days across people** would wrongly conclude when people who drink
#    more also have more spasms (a between-person confounder), while within each person more water
#    means fewer spasms the next day.
#
# To analyse a real cohort instead, pass its folder (one sub-folder per participant, or one folder
# whose tables carry `person_id`); the comparisons with planted effects are then skipped:
#
# ```sh
# jupytext --to ipynb -o - notebooks/03_research_cohort.py | papermill - cohort.ipynb -p log_path path/to/cohort
# jupytext --to ipynb -o - notebooks/03_research_cohort.py | papermill - sim.ipynb -p n_people 1000 -p days 365
# ```

# %% tags=["parameters"]
# Parameters (papermill replaces these when you pass -p NAME VALUE)
log_path = None  # a cohort folder to analyse; None simulates one with the settings below
n_people = 300  # simulated participants
days = 180  # simulated days per participant
start = "2025-01-01"  # first simulated day (the last must not be in the future)
seed = 2024  # seed of the simulation: the same seed gives the same cohort
confound_ml = 1500  # extra mL/day drunk by the most spasm-prone participant (0: no confounding)
lags = [0, 1, 2, 3]  # lags (days) of the within-person correlations
model_lags = [0, 1]  # lags of every factor in the marginal model
model_factors = ["water_ml", "exercise_min", "sitting_h", "stress", "caffeine_mg", "alcohol_g", "steps"]
pooled_factor = "water_ml"  # the factor of the pooled-vs-within comparison
pooled_lag = 1  # its lag
alpha = 0.05  # interval level and false discovery rate

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm

import spasmlog
from spasmlog import plots
from spasmlog.analysis.daily import intervention_column, lagged
from spasmlog.analysis.decision import is_finding
from spasmlog.report.validation_text import validation_text as report_text

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)
log_path = str(log_path) if log_path else ""  # "" (or None): simulate a cohort
simulated = not log_path
lags = [lags] if isinstance(lags, int) else list(lags)  # `-p lags 1` from the command line gives an int
model_lags = [model_lags] if isinstance(model_lags, int) else list(model_lags)

# %% [markdown]
# ## 1. A simulated cohort with planted effects
#
# `spasmlog.simulate` draws each participant's daily factors as AR(1) series around their own mean,
# with weekly rhythms (more exercise, steps and alcohol, less sitting and stress at weekends) and a
# yearly one for water, and the daily spasm count as negative binomial (NB2) with mean
#
# $$\log \mu_{it} = \log(b\,u_i) + \sum_e \frac{\log \mathrm{RR}_e}{\mathrm{per}_e}
#   \bigl(x_{e,i,t-\ell_e} - \bar x_{e,i}\bigr) + \sum_k a_{kit} \log \mathrm{RR}_k ,$$
#
# where $u_i$ is the participant's own level (log-normal, SD 0.5 on the log scale), $\bar x_{e,i}$
# their own mean of the factor and $a_{kit}$ is 1 while intervention $k$ is active. The planted
# effects are **within-person**: a participant's deviation from their own usual level changes their
# rate. Every factor not in the table has no effect.
#
# Then we plant a **between-person confounder**: participants who are more prone to spasms were told to
# drink more, so each participant's water is raised by a constant, from 0 mL for the least prone to
# `confound_ml` for the most prone (by rank of their expected rate). A constant per person leaves
# every deviation from the person's own mean — and so every planted within-person effect — unchanged.

# %%
planted: pd.DataFrame | None = None  # the planted effects, known only for a simulated cohort
if simulated:
    sim = spasmlog.simulate(n_people, days, seed=seed, start=start)
    prone = sim.rates.groupby("person_id")["expected"].mean().rank(method="first") - 1  # 0 = least prone
    extra = (confound_ml * prone / max(len(prone) - 1, 1)).round(-1)
    tables = {name: sim.log.table(name).copy() for name in ("daily", "spasms", "interventions", "people")}
    tables["daily"]["water_ml"] += tables["daily"]["person_id"].map(extra).to_numpy()
    planted = sim.effects
planted

# %% [markdown]
# ## 2. Validation
#
# The tables are validated exactly as files would be (`spasmlog.validate_tables`: types, plausible
# ranges, cross-field rules, duplicates); rows that break a rule are quarantined and reported, never
# silently dropped. Data quality comes before any statistics.

# %%
if simulated:
    log = spasmlog.validate_tables(tables, errors="quarantine")
    source = f"simulated cohort (seed {seed})"
else:
    log = spasmlog.read_log(log_path, errors="quarantine")
    source = log_path
report = report_text(log, source).splitlines()
print("\n".join(report[:60]))
if len(report) > 60:
    print(f"... and {len(report) - 60} more lines: see log.problems for every one.")

# %% [markdown]
# ## 3. The person-day table
#
# `daily_table` gives one row per participant per calendar day of their span; unlogged days are kept
# with a missing outcome (not zero), and interventions become 0/1 columns `on_<name>`.

# %%
daily = spasmlog.daily_table(log)
per_person = daily.groupby("person_id")
pd.Series(
    dtype="object",
    data={
        "participants": daily["person_id"].nunique(),
        "person-days": len(daily),
        "logged person-days": int(daily["logged"].sum()),
        "spasms": int(daily["spasm_count"].sum()),
        "days per participant (median)": per_person.size().median(),
        "spasms per logged day (median of participants)": round(per_person["spasm_count"].mean().median(), 2),
    },
).to_frame("cohort")

# %% [markdown]
# ## 4. Within-person associations, corrected for multiple testing
#
# `within_person` computes, for every factor × lag, the **repeated-measures correlation** $r_{rm}$
# (Bakdash & Marusich 2017): each participant's lagged factor and outcome are centred on their own
# means — by default on their own means *for each day of the week*, so shared weekend rhythms do not
# pass for associations — and $r_{rm}$ measures how a person's spasms move with changes in *their own*
# factor, free of stable differences between people. Assumptions and choices:
#
# - a common linear within-person slope (Pearson on person-centred values); counts are skewed, so it is
#   a screening statistic, not a rate ratio;
# - days within a person are dependent (autocorrelation, weekly rhythms): the ANCOVA test of `rm_corr`
#   would be too optimistic, so the p-values and intervals use a **cluster-robust (CR1) sandwich
#   variance** with participants as clusters (Liang & Zeger 1986; Cameron & Miller 2015), valid for any
#   within-person dependence given enough participants;
# - every factor × lag is tested, and the p-values are adjusted together with **Benjamini–Hochberg**
#   (1995), which controls the false discovery rate under independence or positive dependence of the
#   tests;
# - each row is *marginal*: one factor at one lag, adjusted for the day of the week but not for the
#   other lags or the other factors.

# %%
within = spasmlog.within_person(daily, lags=lags, alpha=alpha)
surviving = within[is_finding(within["p_adjusted"], alpha, within["status"])]  # the one finding rule
print(f"{len(within)} factor × lag tests; {len(surviving)} survive Benjamini–Hochberg at {alpha}.")
columns = ["factor", "lag", "n", "subjects", "r", "ci_low", "ci_high", "p_adjusted", "people_same_direction"]
surviving.sort_values("p_adjusted")[columns].head(15).round(4) if len(surviving) else None

# %% [markdown]
# Against the truth: for each factor, the lag with the strongest within-person correlation, how many
# of its lags survive the correction, and the planted effect (if any).

# %%
strongest = within[within["status"] == "ok"].loc[lambda t: t["r"].abs().groupby(t["factor"]).idxmax()]
by_factor = strongest.set_index("factor")[["lag", "r", "ci_low", "ci_high", "p_adjusted"]].rename(
    columns={"lag": "strongest lag"}
)
by_factor["lags surviving"] = surviving.groupby("factor").size().reindex(by_factor.index, fill_value=0)
if planted is not None:
    truth = planted[planted["effect"] == "factor"].set_index("factor")
    by_factor["planted lag"] = truth["lag"].reindex(by_factor.index)
    by_factor["planted rate ratio"] = truth["rate_ratio"].reindex(by_factor.index)
by_factor.sort_values("p_adjusted").round(4)

# %% [markdown]
# In the simulated cohort, the planted factors stand out at their planted lag with the largest $|r|$.
# But with tens of thousands of person-days, very small correlations ($|r| \approx 0.01$–$0.04$) of
# factors **without** a planted effect also survive the correction, and the planted factors "survive"
# at lags where nothing was planted. None of these is a false positive of the test — each is a real marginal
# within-person correlation — but they are not effects:
#
# - **autocorrelation**: water today correlates with water yesterday, so an effect at lag 1 shows
#   up, weaker, at lags 0 and 2;
# - **shared rhythms other than the week**: the weekday is allowed for, but factors that drift together
#   over weeks or seasons still move together;
# - **derived factors**: `exercise_load` is minutes × session effort (`min × RPE`, its unit in
#   `spasmlog.logformat.factors`), so it inherits the exercise effect;
# - **time-varying co-interventions**: the calf stretching programme starts part-way through, while
#   water follows the season.
#
# A significant $r_{rm}$ says "these move together within people"; which factor, at which lag, needs a
# model that adjusts for the others — the next step.

# %% [markdown]
# ## 5. A marginal model: GEE with person-mean-centred factors
#
# `cohort_model` fits one negative-binomial-variance GEE with a log link, participants as clusters,
# an exchangeable working correlation and bias-reduced sandwich errors (Liang & Zeger 1986; Mancl &
# DeRouen 2001) with a t reference on people − 1 degrees of freedom, with every
# factor × lag in one model, the day of the week, a smooth calendar-time trend, and here the
# interventions' `on_*` columns as factors (the model adjusts for them by default; listed as factors,
# they get rate ratios of their own). Each
# factor is centred on the participant's own mean, so each rate ratio is a **within-person** effect,
# free of confounding by stable between-person differences (Neuhaus & Kalbfleisch 1998); with a log
# link it equals the conditional (per-person) rate ratio. Assumptions: the log-linear mean model is
# right (additive on the log scale, linear in each factor); missing values are missing at random
# (rows with any factor × lag missing are left out); and there are enough clusters for the sandwich
# (it warns below 40 people). The p-values are adjusted together
# (Benjamini–Hochberg).

# %%
interventions = [c for c in daily.columns if c.startswith("on_") and daily[c].max() > daily[c].min()]
factors = [f for f in model_factors if f in daily] + interventions
model = spasmlog.cohort_model(daily, factors=factors, lags=model_lags, alpha=alpha)
model["p_adjusted"] = spasmlog.adjust_pvalues(model["p_value"])
if planted is not None:
    truth = planted.rename(columns={"rate_ratio": "planted"})
    is_intervention = truth["effect"] == "intervention"
    truth.loc[is_intervention, "factor"] = truth.loc[is_intervention, "factor"].map(intervention_column)
    model = model.merge(truth[["factor", "lag", "planted"]], how="left")
    model["planted"] = model["planted"].fillna(1.0)
    model["covers planted"] = (model["ci_low"] <= model["planted"]) & (model["planted"] <= model["ci_high"])
model.round(3)

# %%
if planted is not None:
    print(f"{model['covers planted'].sum()} of {len(model)} 95% intervals contain the planted rate ratio.")
plots.effects(model, alpha=alpha)
plt.show()

# %% [markdown]
# In the simulated cohort the model recovers each planted factor at its planted lag, and the factors
# without an effect — including those that "survived" as marginal correlations above — come out close
# to 1 once the weekday, the other lags and the other factors are in the model. A few intervals may
# miss the planted value: with 95% intervals about 1 in 20 should, and with this much data a small bias
# (the complete-case rows) is enough to exclude the truth.

# %% [markdown]
# ## 6. The wrong analysis: pooling days across people
#
# Symptom apps and quick analyses often put every person-day in one table and correlate, or fit a
# Poisson regression ignoring who each day belongs to. That mixes two different questions:
#
# - **between people**: do people who drink more have more spasms? (in the simulated cohort: *yes* —
#   the spasm-prone were told to drink more);
# - **within a person**: on days after I drink more than usual, do I have fewer spasms? (in the
#   simulated cohort: *yes, fewer* — planted rate ratio 0.80 per 500 mL).
#
# The pooled correlation and the pooled Poisson regression weigh both together (and treat tens of
# thousands of dependent days as independent, so their p-values are meaninglessly small). `rm_corr` and
# `within_person` answer only the within-person question; the GEE with person-centred factors
# does the same for rate ratios. spasmlog's per-person functions refuse a pooled table outright:

# %%
try:
    spasmlog.rate_ratios(daily, factors=[pooled_factor], lags=[pooled_lag])
except ValueError as error:
    print(error)

# %%
rows = daily.assign(x=lagged(daily, pooled_factor, pooled_lag))[["person_id", "x", "spasm_count"]].dropna()
means = rows.groupby("person_id")[["x", "spasm_count"]].mean()
per = 500 if pooled_factor.endswith("_ml") else 1
pooled_glm = sm.GLM(rows["spasm_count"], sm.add_constant(rows["x"] / per), family=sm.families.Poisson()).fit()
within_rm = spasmlog.rm_corr(rows, x="x", y="spasm_count", subject="person_id", alpha=alpha)
robust = spasmlog.within_person(daily, factors=[pooled_factor], lags=[pooled_lag], alpha=alpha)
gee = {
    centre: spasmlog.cohort_model(daily, factors=[pooled_factor], lags=[pooled_lag], centre=centre, alpha=alpha)
    for centre in ("person", "none")
}
low, high = np.exp(pooled_glm.conf_int(alpha=alpha).iloc[1])
rr = f"rate ratio per {per:g}"
ratio = ["rate_ratio", "ci_low", "ci_high", "n"]
comparison = pd.DataFrame(
    [
        ("pooled: Pearson r, all person-days", "r", rows["x"].corr(rows["spasm_count"]), None, None, len(rows)),
        ("between: r of the person means", "r", means["x"].corr(means["spasm_count"]), None, None, len(means)),
        ("within: rm_corr (days independent)", "r", *within_rm.loc[0, ["r", "ci_low", "ci_high", "n"]]),
        ("within: within_person (cluster-robust)", "r", *robust.loc[0, ["r", "ci_low", "ci_high", "n"]]),
        ("pooled: Poisson GLM ignoring person", rr, np.exp(pooled_glm.params.iloc[1]), low, high, len(rows)),
        ("GEE on raw values (centre='none')", rr, *gee["none"].loc[0, ratio]),
        ("within: GEE, person-centred", rr, *gee["person"].loc[0, ratio]),
    ],
    columns=["analysis", "measure", "estimate", "ci_low", "ci_high", "n"],
).astype({"n": int})
if planted is not None:
    truth = planted[(planted["factor"] == pooled_factor) & (planted["lag"] == pooled_lag)]
    print(f"Planted within-person rate ratio: {truth['rate_ratio'].iloc[0] if len(truth) else 1.0} per {per}.")
comparison.round(3)

# %% [markdown]
# In the simulated cohort, the pooled correlation and the pooled Poisson regression point the **wrong
# way**: they say more water
# goes with *more* spasms (with a vanishingly small p-value), because the between-person association
# (people told to drink more are the spasm-prone ones) outweighs the within-person one. The
# within-person analyses agree with the truth: more water than usual, fewer spasms the next day.
#
# The GEE on raw values lands close to the within-person answer here, because an exchangeable working
# correlation leans on within-person contrasts when each person has many days; with fewer days per
# person, or an independence working correlation, it moves towards the pooled answer. Centre on the
# person's mean to ask the within-person question explicitly (Neuhaus & Kalbfleisch 1998).
#
# The same contrast without any model: person-days in fifths of the factor. Pooled, the fifths are of
# the raw values across everyone, and the spasms per day climb from the first fifth to the last (the
# between-person gradient). Within, the fifths are of each day's deviation from the person's own mean,
# and the spasms are relative to the person's own average day (1 = their usual): they fall (the
# within-person gradient). spasmlog's charts draw one person at a time, so this comparison is a table.

# %%
person = rows.groupby("person_id")
fifths = [1, 2, 3, 4, 5]
pooled_fifth = pd.qcut(rows["x"], 5, labels=fifths)
within_fifth = pd.qcut(rows["x"] - person["x"].transform("mean"), 5, labels=fifths)
relative = rows["spasm_count"] / person["spasm_count"].transform("mean")
pd.DataFrame(
    {
        "pooled: mean of factor": rows["x"].groupby(pooled_fifth, observed=True).mean().round(0),
        "pooled: spasms per day": rows["spasm_count"].groupby(pooled_fifth, observed=True).mean(),
        "within: deviation from own mean": (rows["x"] - person["x"].transform("mean"))
        .groupby(within_fifth, observed=True)
        .mean()
        .round(0),
        "within: spasms vs own average": relative.groupby(within_fifth, observed=True).mean(),
    }
).rename_axis(f"fifth of {pooled_factor} (lag {pooled_lag}), 1 = least").round(3)

# %% [markdown]
# ## Summary and caveats
#
# - Analyse within-person questions with within-person methods: repeated-measures correlation with
#   cluster-robust inference for screening, a marginal (GEE) or mixed count model with person-centred
#   factors for adjusted rate ratios. Pooling person-days is never the default in spasmlog.
# - Statistical significance in a large cohort is cheap: report effect sizes with intervals, and the
#   lag, and correct for every factor × lag tested.
# - Marginal correlations do not identify the factor or the lag; a multivariable model (with weekday,
#   the other lags and co-interventions) is needed, and is still only an association — unmeasured
#   time-varying confounders (illness, heat waves, training blocks) are not adjusted for.
# - The simulation makes the truth known; on real data, check the planted-effect recovery on a
#   simulation that mimics the cohort's size, missingness and dispersion before trusting the design.
#
# ### References
#
# - Bakdash JZ, Marusich LR (2017). Repeated measures correlation. *Front Psychol* 8:456.
#   doi:10.3389/fpsyg.2017.00456
# - Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate. *J R Stat Soc B* 57:289–300.
#   doi:10.1111/j.2517-6161.1995.tb02031.x
# - Cameron AC, Miller DL (2015). A practitioner's guide to cluster-robust inference. *J Hum Resour*
#   50:317–372. doi:10.3368/jhr.50.2.317
# - Liang KY, Zeger SL (1986). Longitudinal data analysis using generalized linear models. *Biometrika*
#   73:13–22. doi:10.1093/biomet/73.1.13
# - Neuhaus JM, Kalbfleisch JD (1998). Between- and within-cluster covariate effects in the analysis of
#   clustered data. *Biometrics* 54:638–645. doi:10.2307/3109770
# - Robinson WS (1950). Ecological correlations and the behavior of individuals. *Am Sociol Rev*
#   15:351–357. doi:10.2307/2087176
