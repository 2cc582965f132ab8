"""spasmlog.analysis.factor_tests re-exports the engines that moved to spasmlog.stats, unchanged."""

from __future__ import annotations

from spasmlog.analysis import factor_tests
from spasmlog.stats import maxt, serial_covariance


def test_the_old_names_are_the_engines() -> None:
    assert set(factor_tests.__all__) == {
        "AcfInference", "acf_covariance", "joint_correlation", "max_lag_of", "max_t_pvalue", "weighted_max_t_pvalue",
    }  # fmt: skip
    for name in factor_tests.__all__:
        home = maxt if hasattr(maxt, name) else serial_covariance
        assert getattr(factor_tests, name) is getattr(home, name)
