"""The README's charts, drawn from the bundled sample data: ``python tools/draw_docs.py [FOLDER]``.

``make docs`` runs it and writes ``docs/trend.png``, ``docs/effects.png`` and ``docs/body_map.png`` (two
years of the sample person ``alex``). The images are small PNGs without a timestamp or version in their
metadata, so drawing them again with the same matplotlib gives the same files.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt

__all__ = ["EFFECT_FACTORS", "main", "make_images"]

EFFECT_FACTORS = ("water_ml", "exercise_min", "sitting_h", "sleep_h", "magnesium_mg", "stretching_min")
"""The factors of the README's forest plot: the three the sample plants an effect on, and three it does not."""


def make_images(folder: str | Path = "docs", *, dpi: int = 90) -> list[Path]:
    """Draw the README's charts into ``folder`` and return their paths (``trend.png``, ``effects.png``,
    ``body_map.png``); tested in ``tests/test_draw_docs.py``."""
    from spasmlog import daily_table, load_sample, rate_ratios
    from spasmlog.plots import body_map, effects, trend

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    log = load_sample("alex")
    daily = daily_table(log)
    figures = {
        "trend.png": trend(daily).get_figure(root=True),
        "effects.png": effects(rate_ratios(daily), factors=EFFECT_FACTORS).get_figure(root=True),
        "body_map.png": body_map(log.spasms),
    }
    paths = []
    for name, figure in figures.items():
        if figure is None:  # an Axes drawn by the charts always belongs to a figure
            continue
        path = out / name
        figure.savefig(path, dpi=dpi, metadata={"Software": None})
        plt.close(figure)
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: draw the README's charts into FOLDER (``docs``) and print where they are."""
    parser = argparse.ArgumentParser(prog="python tools/draw_docs.py", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs", help="where to write the PNGs (default: docs)")
    parser.add_argument("--dpi", type=int, default=90, help="resolution (default: 90, about 900 px wide)")
    args = parser.parse_args(argv)
    plt.switch_backend("Agg")
    for path in make_images(args.folder, dpi=args.dpi):
        print(f"{path}  ({path.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
