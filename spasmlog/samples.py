"""The bundled sample logs: where they are, how to load them, and the recipes that regenerate them.

``alex`` is one person followed for two years; ``clinic`` is a physiotherapist's caseload of twelve
clients, one sub-folder per client. Both are outputs of :func:`spasmlog.simulate.simulate` with planted
effects listed in ``sample_data/README.md``; ``python -m spasmlog.samples`` (``make samples``) writes them
again, identically. ``messy`` is a hand-made set of files with dialect problems and invalid rows.

In the repository the samples are in the top-level ``sample_data/`` folder; an installed wheel carries
them as ``spasmlog/_sample_data``.
"""

from __future__ import annotations

import argparse
import shutil
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from spasmlog import _checks
from spasmlog.errors import LogNotFoundError
from spasmlog.simulate import Effect, Intervention, Simulation, simulate

if TYPE_CHECKING:
    from spasmlog.log import Log

__all__ = [
    "RECIPES",
    "load_sample",
    "main",
    "sample_names",
    "sample_path",
    "simulate_sample",
    "write_samples",
]

_ALEX: dict[str, Any] = {
    "n_people": 1,
    "days": 730,
    "start": "2024-09-01",
    "seed": 20240901,
    "person_ids": ["alex"],
    "baseline_per_day": 0.8,
    "dispersion": 0.6,
    "person_sd": 0.0,
    "missing_day_rate": 0.06,
    "missing_cell_rate": 0.03,
    "effects": [
        Effect("water_ml", lag=1, per=500, rate_ratio=0.75),
        Effect("exercise_min", lag=1, per=30, rate_ratio=1.15),
        Effect("sitting_h", lag=0, per=1, rate_ratio=1.08),
    ],
    "interventions": [
        Intervention("magnesium glycinate", kind="supplement", rate_ratio=1.0, dose="300 mg", start_day=120, days=150),
        Intervention("sports massage", kind="therapy_session", rate_ratio=1.0, start_day=300, days=180, every_days=30),
        Intervention(
            "calf stretching programme",
            kind="home_exercise",
            rate_ratio=0.6,
            dose="10 min twice daily",
            start_day=365,
        ),
    ],
}

_CLINIC_FACTORS = (
    "water_ml", "caffeine_mg", "exercise_min", "exercise_type", "exercise_rpe", "stretching_min", "sitting_h",
    "posture_breaks", "sleep_h", "stress", "notes",
)  # fmt: skip
_PROGRAMMES = {
    "calf stretching programme": ("home_exercise", "3 x 30 s per leg, twice daily"),
    "hamstring stretching programme": ("home_exercise", "10 min daily"),
    "self-massage routine": ("home_exercise", "foam roller 10 min daily"),
    "hydration plan": ("lifestyle", "2.5 L of drinks a day"),
    "posture breaks": ("lifestyle", "5 min every 45 min of sitting"),
}


@dataclass(frozen=True)
class _Client:
    """One client of the clinic sample: when they were followed, their programme and planted effects."""

    person_id: str
    start: str
    days: int
    baseline: float  # spasms a day before the programme, at the client's average factor values
    programme: str
    programme_ratio: float  # rate ratio while on the home programme
    programme_day: int  # day of the log the programme starts (after a baseline period)
    effects: tuple[Effect, ...] = ()


def _water(ratio: float) -> Effect:
    return Effect("water_ml", lag=1, per=500, rate_ratio=ratio)


def _exercise(ratio: float) -> Effect:
    return Effect("exercise_min", lag=1, per=30, rate_ratio=ratio)


def _sitting(ratio: float) -> Effect:
    return Effect("sitting_h", lag=0, per=1, rate_ratio=ratio)


def _stress(ratio: float) -> Effect:
    return Effect("stress", lag=0, per=1, rate_ratio=ratio)


_CALF, _HAMSTRING, _MASSAGE = (
    "calf stretching programme",
    "hamstring stretching programme",
    "self-massage routine",
)
_HYDRATION, _POSTURE = "hydration plan", "posture breaks"
_CLIENTS = [
    _Client("c01", "2025-01-13", 120, 1.2, _CALF, 0.55, 21, (_water(0.75),)),
    _Client("c02", "2025-02-03", 180, 0.9, _HYDRATION, 0.70, 21, (_water(0.70),)),
    _Client("c03", "2025-02-24", 270, 0.7, _POSTURE, 0.75, 28, (_sitting(1.12),)),
    _Client("c04", "2025-03-17", 90, 1.0, _HAMSTRING, 1.0, 21, (_exercise(1.20),)),
    _Client("c05", "2025-04-07", 150, 0.8, _CALF, 0.60, 21, (_stress(1.10),)),
    _Client("c06", "2025-04-28", 210, 0.6, _HYDRATION, 1.0, 21),
    _Client("c07", "2025-05-19", 240, 1.1, _POSTURE, 0.65, 28, (_sitting(1.10), _stress(1.06))),
    _Client("c08", "2025-06-09", 120, 1.5, _CALF, 0.50, 21, (_water(0.80), _exercise(1.15))),
    _Client("c09", "2025-07-07", 180, 0.9, _MASSAGE, 0.80, 21),
    _Client("c10", "2025-08-04", 120, 0.7, _HYDRATION, 0.85, 21, (_water(0.80),)),
    _Client("c11", "2025-09-01", 240, 1.0, _CALF, 0.70, 28, (_exercise(1.12),)),
    _Client("c12", "2025-10-06", 270, 0.8, _POSTURE, 0.80, 21, (_sitting(1.08),)),
]


def _client(i: int, client: _Client) -> dict[str, Any]:
    kind, dose = _PROGRAMMES[client.programme]
    return {
        "n_people": 1,
        "days": client.days,
        "start": client.start,
        "seed": 101 + i,
        "person_ids": [client.person_id],
        "baseline_per_day": client.baseline,
        "dispersion": 0.5,
        "person_sd": 0.0,
        "missing_day_rate": 0.08,
        "missing_cell_rate": 0.04,
        "factors": _CLINIC_FACTORS,
        "effects": list(client.effects),
        "interventions": [
            Intervention("physiotherapy session", kind="therapy_session", start_day=0, every_days=14),
            Intervention(
                client.programme,
                kind=kind,
                rate_ratio=client.programme_ratio,
                dose=dose,
                start_day=client.programme_day,
            ),
        ],
    }


RECIPES: dict[str, list[dict[str, Any]]] = {
    "alex": [_ALEX],
    "clinic": [_client(i, client) for i, client in enumerate(_CLIENTS)],
}
"""The arguments of :func:`~spasmlog.simulate.simulate` behind each simulated sample, one call per person."""


def _roots() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "_sample_data", here.parent / "sample_data"]


def _root() -> Path:
    for root in _roots():
        if root.is_dir():
            return root
    return _roots()[-1]


def sample_names() -> list[str]:
    """The names of the bundled samples, sorted.

    Examples
    --------
    >>> {"alex", "clinic"} <= set(sample_names())
    True
    """
    root = _root()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def sample_path(name: str) -> Path:
    """The folder of the sample called ``name``.

    Raises
    ------
    LogNotFoundError
        When there is no such sample; the message lists the ones there are.

    Examples
    --------
    >>> sample_path("alex").name
    'alex'
    """
    names = sample_names()
    if name not in names:
        listed = ", ".join(names) if names else f"none (no sample folder at {_root()})"
        raise LogNotFoundError(
            f"There is no sample called {name!r}. The samples are: {listed}.",
            file=str(_root() / str(name)),
            name=name,
            available=names,
        )
    return _root() / name


def load_sample(name: str, *, errors: Literal["raise", "quarantine"] = "raise") -> Log:
    """Read a bundled sample log with :func:`spasmlog.read_log`.

    Parameters
    ----------
    name : str
        One of :func:`sample_names`: ``"alex"`` (one person, two years), ``"clinic"`` (twelve clients of
        a physiotherapist, 3–9 months each) or ``"messy"`` (files with problems to report).
    errors : {"raise", "quarantine"}
        Passed to :func:`spasmlog.read_log`; the ``messy`` sample needs ``"quarantine"``.

    Returns
    -------
    Log

    Raises
    ------
    LogNotFoundError
        For an unknown name; the message lists the samples there are.

    Examples
    --------
    >>> log = load_sample("alex")
    >>> log.person_ids
    ['alex']
    >>> str(log.daily["date"].min().date()), str(log.daily["date"].max().date())
    ('2024-09-01', '2026-08-31')
    """
    from spasmlog.validation.read import read_log

    return read_log(sample_path(name), errors=errors)


def simulate_sample(name: str) -> list[Simulation]:
    """Simulate the sample ``name`` again from :data:`RECIPES`: one :class:`Simulation` per recipe.

    Examples
    --------
    >>> [sim.log.people["person_id"].iloc[0] for sim in simulate_sample("clinic")][:3]
    ['c01', 'c02', 'c03']
    """
    _checks.one_of(name, "name", "simulate_sample", sorted(RECIPES))
    return [simulate(**recipe) for recipe in RECIPES[name]]


def write_samples(folder: str | Path) -> list[Path]:
    """Simulate every sample of :data:`RECIPES` and write it under ``folder``, with its README section.

    ``folder/alex`` holds one person's tables; ``folder/clinic`` one sub-folder per client. Those two
    folders are replaced; anything else in ``folder`` (the ``messy`` sample, the rest of ``README.md``)
    is left as it is. Returns the folders written.
    """
    folder = Path(folder)
    written = []
    simulations = {name: simulate_sample(name) for name in RECIPES}
    for name, sims in simulations.items():
        target = folder / name
        if target.exists():
            shutil.rmtree(target)
        if len(sims) == 1:
            sims[0].log.write(target)
        else:
            for sim in sims:
                sim.log.write(target / str(sim.log.people["person_id"].iloc[0]))
        written.append(target)
    _write_readme(folder / "README.md", _readme_section(simulations))
    return written


_BEGIN = "<!-- BEGIN simulated samples: written by `python -m spasmlog.samples`; edit spasmlog/samples.py -->"
_END = "<!-- END simulated samples -->"


def _write_readme(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Sample data\n"
    if _BEGIN in text and _END in text:
        before, rest = text.split(_BEGIN, 1)
        after = rest.split(_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def _number(value: Any) -> str:
    return "" if pd.isna(value) else f"{value:g}"


def _wrap(text: str) -> list[str]:
    return [*textwrap.wrap(text, width=100, break_on_hyphens=False), ""]


def _unplanted(sim: Simulation) -> str:
    planted = set(sim.effects.loc[sim.effects["effect"] == "factor", "factor"])
    columns = [c for c in sim.parameters["factors"] if c not in planted and c not in _NOT_FACTORS]
    return ", ".join(f"`{c}`" for c in columns)


_NOT_FACTORS = {"notes", "exercise_type"}


def _readme_section(simulations: dict[str, list[Simulation]]) -> str:
    alex = simulations["alex"][0]
    clinic = simulations["clinic"]
    a, c = alex.parameters, clinic[0].parameters
    lines = [
        _BEGIN,
        "## Simulated samples: `alex` and `clinic`",
        "",
        *_wrap(
            "Both are outputs of `spasmlog.simulate.simulate`, one call per person, with the arguments kept "
            "in `spasmlog.samples.RECIPES`. They are regenerated, identically, by"
        ),
        "```sh",
        "make samples        # or: python -m spasmlog.samples",
        "```",
        "",
        'Load them with `spasmlog.load_sample("alex")` and `spasmlog.load_sample("clinic")`.',
        "",
        *_wrap(
            "How the spasms were drawn: on day *t* the expected count is the person's baseline, multiplied "
            "by `rate_ratio ** ((x - mean) / per)` for every planted factor effect, where *x* is the factor "
            "on day *t* − `lag` and *mean* the person's own mean of it, and by `rate_ratio` for every "
            "intervention active that day (from its start to its end, or to the end of the log when "
            "open-ended). The daily count is negative binomial around that expectation (variance μ + αμ², "
            "α = `dispersion`); each event then gets a time (mostly at night), body region, side, "
            "intensity, duration, kind, context and relief, none of which depends on the factors."
        ),
        *_wrap(
            "**Every factor and intervention not in the table of planted effects below has no effect**, "
            "and those in it with a rate ratio of 1 were planted as no effect. Factors are independent of "
            "one another and of the interventions, given the person and the date. Several share a weekly "
            "rhythm (at weekends more exercise, steps and alcohol, less sitting and stress), so compare "
            "like weekdays; water also follows the seasons (most in July). Days not logged have no `daily` "
            'row and no events; empty cells mean "not recorded" (the factor still acted).'
        ),
        "### `alex`",
        "",
        *_wrap(
            f"One person, `alex`, followed for {a['days']} days from {a['start']}; seed {a['seed']}; "
            f"baseline {_number(a['baseline_per_day'])} spasms a day; dispersion {_number(a['dispersion'])}; "
            f"{a['missing_day_rate']:.0%} of days not logged and {a['missing_cell_rate']:.0%} of cells left "
            f"empty. Tables in `alex/`: {_counts(alex)}. Alex logs every daily factor and a yes/no column "
            "of their own, `hot_bath`. Alex tried a magnesium supplement for five months and had monthly "
            "sports massages for half a year (both planted as no effect), and a year in started a calf "
            f"stretching programme (rate ratio 0.6). No effect was planted for {_unplanted(alex)}."
        ),
        "### `clinic`",
        "",
        *_wrap(
            f"A physiotherapist's caseload of {len(clinic)} clients, one sub-folder per client named by its "
            "`person_id`, each with the four tables. Clients log "
            + ", ".join(f"`{f}`" for f in c["factors"])
            + ". Each has a physiotherapy session every 14 days from the first day (planted as no effect) "
            "and starts a home programme after a baseline of two to four weeks. The planted effects differ "
            f"from client to client. All clients: dispersion {_number(c['dispersion'])}; "
            f"{c['missing_day_rate']:.0%} of days not logged and {c['missing_cell_rate']:.0%} of cells "
            "left empty."
        ),
        "| person_id | seed | first day | last day | days | baseline_per_day | home programme | from day | rows |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for sim, client in zip(clinic, _CLIENTS, strict=True):
        p = sim.parameters
        first = pd.Timestamp(p["start"])
        last = first + pd.Timedelta(days=p["days"] - 1)
        lines.append(
            f"| {client.person_id} | {p['seed']} | {first.date()} | {last.date()} | {p['days']} | "
            f"{_number(p['baseline_per_day'])} | {client.programme} | {client.programme_day} | "
            f"{_counts(sim)} |"
        )
    lines += [
        "",
        "### Planted effects",
        "",
        *_wrap(
            "`per` is the step of the factor the rate ratio refers to (empty for interventions: their "
            "ratio compares days on them with days off them); `lag` is in days (1: the day before)."
        ),
        "| sample | person_id | effect | factor | lag | per | rate_ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, sims in simulations.items():
        for sim in sims:
            person = sim.log.people["person_id"].iloc[0]
            for e in sim.effects.itertuples(index=False):
                lines.append(
                    f"| {name} | {person} | {e.effect} | {e.factor} | {e.lag} | {_number(e.per)} | "
                    f"{_number(e.rate_ratio)} |"
                )
    lines.append(_END)
    return "\n".join(lines)


def _counts(sim: Simulation) -> str:
    log = sim.log
    return ", ".join(f"{len(log.table(t))} {t}" for t in ("daily", "spasms", "interventions"))


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the simulated samples: ``python -m spasmlog.samples [--out FOLDER]``."""
    parser = argparse.ArgumentParser(
        prog="python -m spasmlog.samples",
        description="Simulate the sample logs 'alex' and 'clinic' again (seeded: the same files every time).",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "sample_data",
        help="folder to write into (default: the repository's sample_data/)",
    )
    args = parser.parse_args(argv)
    for target in write_samples(args.out):
        size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        print(f"wrote {target} ({size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
