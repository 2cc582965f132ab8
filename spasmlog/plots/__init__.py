"""Charts (matplotlib): tidy data in, Axes or Figure out; nothing here computes statistics.

Every function takes its data first and keyword-only options, draws on ``ax`` (or ``fig`` for
multi-panel charts; a new one when not given) and returns it; none calls ``plt.show()``. All share one
colour-blind-safe style (:mod:`spasmlog.plots._style`) that reads in greyscale, dates formatted for
people, and titles and axis labels in plain words with units. Per-person charts take ``person=`` and
refuse a table of several people without it.

- ``trend(daily, *, person=None, outcome="spasm_count", kind="bars", windows=(7, 28), interventions=True,
  ax=None) -> Axes``
- ``calendar(daily, *, person=None, outcome="spasm_count", months_per_row=12, fig=None) -> Figure``
- ``body_map(spasms, *, person=None, fig=None) -> Figure``
- ``effects(results, *, alpha=0.05, person=None, factors=None, lags=None, ax=None) -> Axes``
- ``forest(results, *, alpha=0.05, person=None, ax=None) -> Axes`` (rate ratios, interventions and sessions)
- ``lag_profile(results, *, factors=None, alpha=0.05, person=None, ax=None) -> Axes``
- ``factor_response(daily, factor, *, bins=None, outcome="spasm_count", lag=0, reference=None, person=None,
  ax=None) -> Axes``
- ``time_pattern(spasms, *, person=None, ax=None) -> Axes``
- ``intake(daily, *, person=None, window=7, ax=None) -> Axes``
- ``caseload(daily, *, summary=None, outcome="spasm_count", window=7, x="since_start", ncols=4, fig=None)
  -> Figure``

``region_counts(spasms)`` gives the count behind each patch of the body map.
"""

from typing import TYPE_CHECKING

from spasmlog._lazy import attach

if TYPE_CHECKING:  # the real imports, for type checkers; at run time each name is imported on first use
    from spasmlog.plots.associations import effects, factor_response, forest, lag_profile
    from spasmlog.plots.body import body_map, region_counts
    from spasmlog.plots.timeline import calendar, caseload, intake, time_pattern, trend

__all__ = [
    "body_map",
    "calendar",
    "caseload",
    "effects",
    "factor_response",
    "forest",
    "intake",
    "lag_profile",
    "region_counts",
    "time_pattern",
    "trend",
]

_MODULES: dict[str, str] = {
    "body_map": "spasmlog.plots.body",
    "calendar": "spasmlog.plots.timeline",
    "caseload": "spasmlog.plots.timeline",
    "effects": "spasmlog.plots.associations",
    "factor_response": "spasmlog.plots.associations",
    "forest": "spasmlog.plots.associations",
    "intake": "spasmlog.plots.timeline",
    "lag_profile": "spasmlog.plots.associations",
    "region_counts": "spasmlog.plots.body",
    "time_pattern": "spasmlog.plots.timeline",
    "trend": "spasmlog.plots.timeline",
}
"""Each public name → the module that defines it, imported on first use (one place to update when code moves)."""

if not TYPE_CHECKING:  # hidden from type checkers: with it, any misspelt attribute would pass as Any
    __getattr__, __dir__ = attach(__name__, _MODULES)
