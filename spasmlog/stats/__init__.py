"""Engines: the model fits and covariances behind the analyses, kept apart from the questions they answer.

Arrays and frames in, estimates out; nothing here knows what a factor, a finding or a sentence is (the way
``statsmodels`` keeps ``genmod/``, ``cov_struct.py`` and ``sandwich_covariance.py``). They are justified by
measured speed and by features ``statsmodels`` lacks, and are tested against R and ``statsmodels``.

- :mod:`spasmlog.stats.glm`: log-linear count models (Poisson, quasi-Poisson, negative binomial), many at once
  (:func:`~spasmlog.stats.glm.fit_batch`) or one on any table (:func:`~spasmlog.stats.glm.count_regression`).
- :mod:`spasmlog.stats.sandwich`: Newey–West (HAC) and cluster-robust sandwiches, their lags and small-sample
  corrections.
- :mod:`spasmlog.stats.segmented`: interrupted time series (:func:`~spasmlog.stats.segmented.segmented_regression`).
- :mod:`spasmlog.stats.gee`: generalized estimating equations for counts, vectorised over people.
- :mod:`spasmlog.stats.autocorrelation`: autocorrelation with missing days and the effective sample size.
- :mod:`spasmlog.stats.lagged_correlation`: correlations of lagged daily series, one person's (with the
  effective number of days) and a cohort's (repeated measures, cluster-robust), and their tests and intervals.
- :mod:`spasmlog.stats.serial_covariance`: coefficient covariances under autocorrelated noise (Zeger 1988).
- :mod:`spasmlog.stats.maxt`: max-T tests over a family of correlated statistics.
- :mod:`spasmlog.stats.mvn`: multivariate normal box probabilities by Genz's method.
- :mod:`spasmlog.stats.roots`: Brent's root finder (``scipy.optimize.brentq``'s steps, without importing it).
- :mod:`spasmlog.stats.linalg`: the pseudo-inverse of stacks of matrices they share.
- :mod:`spasmlog.stats.lags`: lagging a daily series within a person, by calendar day (how lags meet gaps).
- :mod:`spasmlog.stats.trend`: the piecewise-linear time trend the daily models allow for.
- :mod:`spasmlog.stats.distributions`: normal and t tail probabilities and quantiles from ``scipy.special``
  (the values of ``scipy.stats``, without importing it).

Import them from their modules (``from spasmlog.stats.glm import count_regression``); this package
loads nothing by itself.
"""
