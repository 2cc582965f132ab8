"""Importers: app exports (Apple Health, Cronometer, MyFitnessPal, Garmin Connect) as ``daily`` tables.

Every ``read_<source>(path)`` returns a :class:`pandas.DataFrame` with the contract below, and
:func:`spasmlog.importers.merge.merge_into` merges it into a person's log folder without losing or
overwriting what the person wrote by hand.

The contract of an imported table
---------------------------------
- one row per local calendar day, column ``date`` (``datetime64[us]``, midnight, unique, sorted);
- canonical ``daily`` columns in canonical units (``water_ml``, ``magnesium_mg``, ``exercise_min``,
  ``exercise_type``, ``steps``, ``sleep_h``, ...; see :func:`spasmlog.logformat.schemas.field_specs`),
  float64 for numbers; a missing value means the app recorded nothing that day (never zero);
- extra columns, clearly named, for what has no canonical column (``calcium_pct_dv_mfp``,
  ``stand_h``, ...);
- ``frame.attrs``: ``"source"`` (``"apple-health"``, ``"cronometer"``, ``"myfitnesspal"`` or
  ``"garmin"``), ``"files"`` (list of the files read, as strings), ``"notes"`` (list of sentences a
  person should read: what was converted, skipped or kept aside), and optionally ``"detail"``: a
  DataFrame with columns ``date``, ``column``, ``detail`` saying where inside the export a value came
  from (for Apple Health, the device or app that recorded it).
"""
