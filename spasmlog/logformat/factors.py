"""The one table of facts about every known factor and outcome of the daily table.

One :class:`Factor` per column: how people read its name (``label``), its unit, the step a rate ratio refers
to (``step``), the band width of a chart (``bin_width``), the phrase of a sentence, its reference-intake
columns (``share``, ``target``, ``intake``), the known suspect it measures (``hypothesis``: the primary
family of :mod:`spasmlog.analysis.decision`) and the direction in which it is expected to act. Everything
else (``DEFAULT_PER``, ``DEFAULT_BIN_WIDTHS``, ``PRIMARY_HYPOTHESES``, the sentences of
:func:`~spasmlog.findings`, chart labels, the report's steps) reads its facts from here.

The units of the factors are stated here, and only here: the :class:`~spasmlog.logformat.models.Daily`
model takes each factor column's ``unit`` metadata from this table, and a score's range (``scale``) from it
too, so the log format states each unit once. This module is plain data (it imports neither pandas nor
pandera): :mod:`spasmlog.analysis.decision` and :mod:`spasmlog.analysis.findings` read it without paying
for the models.

A person's own columns (``banana``, ``hot_bath_min``) have no entry: :func:`factor` describes them from
their name alone (see there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "FACTORS",
    "PHYSICAL_SUFFIXES",
    "SHARE_UNIT",
    "Factor",
    "Kind",
    "bin_width",
    "factor",
    "label",
    "step",
    "unit",
]

Kind = Literal["amount", "share", "score", "count", "load", "ratio", "flag", "other", "outcome"]
"""What the values of a column are: ``amount`` (a physical quantity: mL, mg, g, min, h), ``share`` (% of the
person's reference intake), ``score`` (a rating on a fixed scale), ``count`` (steps, breaks), ``load``
(minutes × session effort, ``min × RPE``), ``ratio`` (a unitless ratio), ``flag`` (yes/no), ``other`` (a
person's own column whose name says nothing) or ``outcome`` (spasms per day …)."""

PHYSICAL_SUFFIXES: dict[str, str] = {"_ml": "mL", "_mg": "mg", "_min": "min", "_h": "h", "_g": "g"}
"""Name endings that say a column's unit, for a person's own columns (``hot_bath_min``)."""

SHARE_UNIT = "% of reference"
"""The unit of the ``*_pct`` columns: percent of the person's reference intake (own target, else shipped)."""

_LABEL_SUFFIXES = (*PHYSICAL_SUFFIXES, "_pct")


@dataclass(frozen=True)
class Factor:
    """The facts about one column of the daily table.

    Attributes
    ----------
    name : str
        The column (``water_ml``).
    label : str
        Its name in a sentence or on an axis (``water``).
    kind : str
        What its values are (see :data:`Kind`).
    unit : str
        The unit of its values as an axis writes it: ``mL``, ``0–10`` (a score's scale), ``steps``,
        ``% of reference``, ``min × RPE``; empty when it has none.
    step : float or None
        The step a rate ratio refers to, in ``unit`` (:data:`spasmlog.analysis.rates.DEFAULT_PER`); None
        for yes/no columns (per 1: days with it against days without) and outcomes.
    bin_width : float or None
        The band width of :func:`spasmlog.plots.factor_response`.
    phrase : str
        What a higher value reads as in a sentence, ``{per}`` standing for the step with its unit (``drank
        {per} more water``); for a yes/no column, what a day with it reads as (``warmed up``).
    share, intake, target : str or None
        For an intake: the ``*_pct`` column holding it as % of the person's reference, and the ``people``
        column of the person's own target. For a ``*_pct`` column: the intake column it is a share of.
    hypothesis : str or None
        The known suspect (SPEC, "Why it exists") this column measures: the hypothesis it is tested under, in
        the primary family; None for a column of the exploratory family.
    direction : int
        −1 when more of it is expected to go with fewer spasms, +1 with more, 0 when no direction is expected.
    axis_label : str
        For an outcome, its axis label with its unit (``spasms per day``).
    nutrient : str
        For an intake, its name as a page's table of intakes writes it (``Water from drinks``); empty
        otherwise.
    scale : tuple of two numbers, or None
        For a score, its lowest and highest rating: the range the ``daily`` model accepts, and its ``unit``
        (``0–10``).
    """

    name: str
    label: str
    kind: Kind
    unit: str = ""
    step: float | None = None
    bin_width: float | None = None
    phrase: str = ""
    share: str | None = None
    intake: str | None = None
    target: str | None = None
    hypothesis: str | None = None
    direction: int = 0
    axis_label: str = ""
    nutrient: str = ""
    scale: tuple[float, float] | None = None

    @property
    def family(self) -> str:
        """``"primary"`` for a known suspect, ``"exploratory"`` otherwise."""
        return "primary" if self.hypothesis is not None else "exploratory"

    @property
    def step_unit(self) -> str:
        """The unit a sentence writes after a step: ``mL``, ``point`` (scores), ``%`` (shares), ``min × RPE``
        (exercise load, as on its charts); empty for counts (the phrase names what is counted), ratios and yes/no
        columns."""
        return {"amount": self.unit, "score": "point", "share": "%", "load": self.unit}.get(self.kind, "")


def _intake(name: str, label: str, step: float, width: float, phrase: str, hypothesis: str, **facts: object) -> Factor:
    stem, ending = name.rsplit("_", 1)
    return Factor(
        name, label, "amount", PHYSICAL_SUFFIXES[f"_{ending}"], step=step, bin_width=width, phrase=phrase,
        share=f"{stem}_pct", target=f"{stem}_target_{ending}", hypothesis=hypothesis, **facts,  # type: ignore[arg-type]
    )  # fmt: skip


def _score(name: str, label: str, scale: tuple[float, float], width: float, phrase: str, **facts: object) -> Factor:
    return Factor(
        name, label, "score", f"{scale[0]:g}–{scale[1]:g}", step=1.0, bin_width=width, phrase=phrase, scale=scale,
        **facts,  # type: ignore[arg-type]
    )  # fmt: skip


def _share(intake: str, label: str, phrase: str, hypothesis: str | None, direction: int) -> Factor:
    name = intake.rsplit("_", 1)[0] + "_pct"
    return Factor(
        name, label, "share", SHARE_UNIT, step=10.0, bin_width=20.0, phrase=phrase, intake=intake,
        hypothesis=hypothesis, direction=direction,
    )  # fmt: skip


# A table: one entry to a row reads better than the formatter's one argument to a line.
# fmt: off
_TABLE: tuple[Factor, ...] = (
    # the known suspects, in the order of their hypotheses; each intake before its share of the reference
    _intake("water_ml", "water", 500.0, 500, "drank {per} more water", "water", direction=-1,
            nutrient="Water from drinks"),
    _intake("water_total_ml", "water total", 500.0, 500, "took in {per} more water (food and drinks)", "water",
            direction=-1, nutrient="Water, food and drinks"),
    _share("water_ml", "water", "drank {per} more of your reference water intake", "water", -1),
    # a variant of the water question like water_total_ml (tested only when asked for: association_factors
    # drops a share whose intake column is present)
    _share("water_total_ml", "water total", "took in {per} more of your reference total water", "water", -1),
    _intake("magnesium_mg", "magnesium", 100.0, 100, "took in {per} more magnesium", "magnesium", direction=-1,
            nutrient="Magnesium"),
    _share("magnesium_mg", "magnesium", "took in {per} more of your reference magnesium", "magnesium", -1),
    _intake("calcium_mg", "calcium", 250.0, 250, "took in {per} more calcium", "calcium", direction=-1,
            nutrient="Calcium"),
    _share("calcium_mg", "calcium", "took in {per} more of your reference calcium", "calcium", -1),
    _intake("potassium_mg", "potassium", 500.0, 500, "took in {per} more potassium", "potassium", direction=-1,
            nutrient="Potassium"),
    _share("potassium_mg", "potassium", "took in {per} more of your reference potassium", "potassium", -1),
    _intake("sodium_mg", "sodium", 500.0, 500, "took in {per} more sodium", "sodium", direction=-1,
            nutrient="Sodium"),
    _share("sodium_mg", "sodium", "took in {per} more of your reference sodium", "sodium", -1),
    Factor("exercise_min", "exercise", "amount", "min", step=30.0, bin_width=15, phrase="exercised {per} longer",
           hypothesis="exercise", direction=1),
    Factor("exercise_load", "exercise load", "load", "min × RPE", step=100.0,
           phrase="had an exercise load {per} higher", hypothesis="exercise", direction=1),
    Factor("acute_chronic_ratio", "acute chronic ratio", "ratio", step=0.5, bin_width=0.25,
           phrase="had an acute:chronic load ratio {per} higher", hypothesis="exercise", direction=1),
    Factor("unaccustomed_exercise", "unaccustomed exercise", "flag", phrase="did unaccustomed exercise",
           hypothesis="exercise", direction=1),
    Factor("sitting_h", "sitting", "amount", "h", step=1.0, bin_width=2, phrase="sat {per} longer",
           hypothesis="sitting", direction=1),
    Factor("posture_breaks", "posture breaks", "count", "breaks", step=1.0, bin_width=2,
           phrase="took {per} more posture breaks", hypothesis="posture_breaks", direction=-1),
    Factor("sleep_h", "sleep", "amount", "h", step=1.0, bin_width=1, phrase="slept {per} longer",
           hypothesis="sleep", direction=-1),
    _score("stress", "stress", (0, 10), 2, "rated your stress {per} higher", hypothesis="stress", direction=1),
    Factor("caffeine_mg", "caffeine", "amount", "mg", step=100.0, bin_width=100, phrase="had {per} more caffeine",
           hypothesis="caffeine", direction=1),
    Factor("alcohol_g", "alcohol", "amount", "g", step=10.0, bin_width=10, phrase="drank {per} more alcohol",
           hypothesis="alcohol", direction=1),
    # built-in columns of the exploratory family (some with an expected direction all the same)
    _score("exercise_rpe", "exercise rpe", (0, 10), 2, "rated your exercise effort {per} higher", direction=1),
    Factor("warmup", "warmup", "flag", phrase="warmed up", direction=-1),
    Factor("stretching_min", "stretching", "amount", "min", step=10.0, bin_width=5, phrase="stretched {per} longer",
           direction=-1),
    Factor("steps", "steps", "count", "steps", step=1000.0, bin_width=2000, phrase="walked {per} more steps"),
    _score("posture_score", "posture score", (1, 5), 1, "rated your posture {per} better", direction=-1),
    # the daily outcomes
    Factor("spasm_count", "spasm count", "outcome", axis_label="spasms per day"),
    Factor("spasm_minutes", "spasm minutes", "outcome", axis_label="minutes of spasm per day"),
    Factor("max_intensity", "max intensity", "outcome", axis_label="strongest spasm of the day (0–10)"),
    Factor("night_spasms", "night spasms", "outcome", axis_label="night spasms per day"),
    Factor("snow_score", "snow score", "outcome", axis_label="Snow frequency score (1–5)"),
)
# fmt: on


FACTORS: dict[str, Factor] = {entry.name: entry for entry in _TABLE}
"""Every known factor and outcome of the daily table, by column name, in the order of the hypotheses."""


def _label_from_name(name: str) -> str:
    name = name[3:] if name.startswith("on_") else name
    for suffix in _LABEL_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.replace("_", " ")


def factor(name: str) -> Factor:
    """The facts about a column: its entry in :data:`FACTORS`, else what its name says.

    A column without an entry (a person's own ``banana``, ``hot_bath_min``, ``magnesium_extra_pct``, an
    intervention's ``on_*`` column) is described from its name alone: the label drops ``on_`` and one unit
    ending and reads ``_`` as a space; a name ending in ``_ml``, ``_mg``, ``_min``, ``_h`` or ``_g``
    (:data:`PHYSICAL_SUFFIXES`) is an ``amount`` in that unit; one ending in ``_pct`` a ``share``
    (:data:`SHARE_UNIT`, in bands of 20 percentage points); any other is ``other`` without a unit. It has no
    step (a rate ratio picks one from the data), no phrase and no hypothesis (it belongs to the exploratory
    family).

    Examples
    --------
    >>> factor("water_ml").unit, factor("water_ml").step, factor("water_ml").hypothesis
    ('mL', 500.0, 'water')
    >>> factor("stress").unit, factor("posture_score").unit
    ('0–10', '1–5')
    >>> own = factor("hot_bath_min")
    >>> own.label, own.kind, own.unit, own.step, own.family
    ('hot bath', 'amount', 'min', None, 'exploratory')
    >>> factor("on_magnesium_300_mg").label, factor("banana").kind, factor("extra_pct").unit
    ('magnesium 300', 'other', '% of reference')
    """
    known = FACTORS.get(name)
    if known is not None:
        return known
    if name.endswith("_pct"):
        return Factor(name, _label_from_name(name), "share", SHARE_UNIT, bin_width=20.0)
    for suffix, physical in PHYSICAL_SUFFIXES.items():
        if name.endswith(suffix):
            return Factor(name, _label_from_name(name), "amount", physical)
    return Factor(name, _label_from_name(name), "other")


def label(name: str) -> str:
    """A column's name as people read it: ``water_ml`` → ``water``, ``hot_bath`` → ``hot bath``."""
    return factor(name).label


def unit(name: str) -> str:
    """A column's unit as an axis writes it (``mL``, ``0–10``, ``% of reference``), or ``""``."""
    return factor(name).unit


def step(name: str) -> float | None:
    """The step a rate ratio of a built-in factor refers to; None for yes/no and unknown columns."""
    return factor(name).step


def bin_width(name: str) -> float | None:
    """The band width of a chart of the column; None when the data should choose one."""
    return factor(name).bin_width
