"""Charts (matplotlib): tidy data in, Axes or Figure out; nothing here computes statistics.

Every function takes its data first and keyword-only options, draws on ``ax`` (or ``fig`` for
multi-panel charts; a new one when not given) and returns it; none calls ``plt.show()``. All share one
colour-blind-safe style (:mod:`spasmlog.plots._style`) that reads in greyscale, dates formatted for
people, and titles and axis labels in plain words with units.

Planned API (issue 4):

- ``trend(daily, *, person=None, outcome="spasm_count", kind="bars", windows=(7, 28), ax=None) -> Axes``
- ``calendar(daily, *, person=None, outcome="spasm_count", fig=None) -> Figure``
- ``body_map(spasms, *, person=None, fig=None) -> Figure``
- ``effects(results, *, alpha=0.05, ax=None) -> Axes``
- ``lag_profile(results, *, factors=None, ax=None) -> Axes``
- ``factor_response(daily, factor, *, bins=None, outcome="spasm_count", ax=None) -> Axes``
- ``time_pattern(spasms, *, person=None, ax=None) -> Axes``
- ``intake(daily, *, person=None, window=7, ax=None) -> Axes``
- ``caseload(daily, *, summary=None, fig=None) -> Figure``
"""
