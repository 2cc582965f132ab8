"""Benchmark: reading a Flaredown research export (the long file of many people) with ``read_flaredown``.

A synthetic ``fd-export.csv`` of the requested number of rows (default 100,000) is written in the shape of
Flaredown's public research export (``user_id,age,sex,country,checkin_date,trackable_id,trackable_type,
trackable_name,trackable_value``): people with a few to a few hundred check-ins (most track for a short
while, a few for months), each tracking their own conditions and symptoms rated 0–4 (cramp symptoms in
English, German and Spanish among them), treatments with doses (``400 mg``, ``2 x 5 mg``, ``Taken``,
``Not Taken``), tags and foods with empty values, weather values and an HBI score, and a few broken rows
(no user, a rating of 7, a dose nobody can read, a date that is not one), as real exports carry.

Throughput is given by CPU time (``time.process_time``: user + system of this process): on a machine
shared with other jobs the wall time measures the load as much as the import. Peak memory is the
process's ``ru_maxrss``.

Usage: ``python benchmarks/bench_flaredown.py [--rows 100000] [--seed 1] [--repeat 1] [--keep FILE]``

That a faster placing writes the same log is checked by ``benchmarks/compare_flaredown_import.py`` (the
same export imported by two checkouts, every file and message compared).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import platform
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from spasmlog.importers.flaredown import read_flaredown

HEADER = [
    "user_id", "age", "sex", "country", "checkin_date", "trackable_id", "trackable_type", "trackable_name",
    "trackable_value",
]  # fmt: skip
CONDITIONS = ["Fibromyalgia", "Crohn's disease", "Migraine", "Ehlers-Danlos syndrome", "Lupus", "Morbus Crohn",
              "Rheumatoide Arthritis", "Endometriosis", "Hypothyroidism", "Depression"]  # fmt: skip
SYMPTOMS = ["Fatigue", "Headache", "Nausea", "Joint pain", "Brain fog", "Anxiety", "Müdigkeit", "Dolor de cabeza",
            "Abdominal pain", "Insomnia", "Muscle cramps", "Leg cramps", "Muskelkrämpfe", "calambres",
            "Muscle spasms", "Back pain"]  # fmt: skip
TREATMENTS = [("Magnesium", ["400 mg", "200 mg", "2 x 200 mg", "Not Taken", "0.4 g"]),
              ("Ibuprofen", ["Taken", "Not Taken", "400 mg", "2 x 200mg"]),
              ("Vitamin D", ["1000 IU", "Taken", "Not Taken"]),
              ("Magnesiumcitrat", ["0.3 g", "300 mg", "Not Taken"]),
              ("Prednisone", ["5 mg", "10 mg", "Not Taken"]),
              ("Kalium", ["2 x 0.5 g", "Taken", "Not Taken"]),
              ("Gabapentin", ["300 mg", "3 x 300 mg", "Not Taken"]),
              ("Sleep hygiene", ["Taken", "Not Taken"])]  # fmt: skip
TAGS = ["stressed", "period", "bad sleep", "travel", "alcohol", "exercise", "gestresst", "hot weather"]
FOODS = ["Banana", "Coffee", "Bread", "Milk", "Rice", "Chocolate", "Eggs", "Pasta", "Kaffee"]
WEATHER = ["icon", "temperature_min", "temperature_max", "precip_intensity", "pressure", "humidity"]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
COUNTRIES = ["US", "GB", "DE", "ES", "CA", "AU", "FR", ""]


def generate(path: Path, rows: int, *, seed: int = 1) -> tuple[int, int]:
    """Write a research export of ``rows`` rows; return (rows written, people)."""
    rng = random.Random(seed)
    written = people = 0
    ids: dict[str, int] = {}

    def trackable_id(name: str) -> int:
        return ids.setdefault(name, len(ids) + 1)

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        while written < rows:
            people += 1
            user = "".join(
                rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(12)
            )
            user = f"QEVuQwEA{user}=="
            age = str(rng.randint(15, 75)) if rng.random() < 0.8 else ""
            sex = rng.choice(["female", "female", "male", "other", ""])
            country = rng.choice(COUNTRIES)
            conditions = rng.sample(CONDITIONS, rng.randint(1, 3))
            symptoms = rng.sample(SYMPTOMS, rng.randint(2, 6))
            treatments = rng.sample(TREATMENTS, rng.randint(0, 3))
            tags = rng.sample(TAGS, rng.randint(0, 4))
            foods = rng.sample(FOODS, rng.randint(0, 4))
            weather = rng.sample(WEATHER, rng.randint(0, 3))
            checkins = max(1, int(rng.lognormvariate(2.3, 1.2)))  # median ~10, a long tail of months
            day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(1500))
            for _ in range(checkins):
                stamp = day.isoformat()
                lines: list[tuple[str, str, str]] = []
                lines += [("Condition", name, str(rng.randint(0, 4))) for name in conditions]
                lines += [("Symptom", name, str(rng.randint(0, 4)) if rng.random() < 0.95 else "") for name in symptoms]
                lines += [("Treatment", name, rng.choice(doses)) for name, doses in treatments]
                lines += [("Tag", name, "") for name in tags if rng.random() < 0.4]
                lines += [("Food", name, "") for name in foods if rng.random() < 0.5]
                lines += [("Weather", name, f"{rng.uniform(0, 100):.1f}") for name in weather]
                if rng.random() < 0.05:
                    lines.append(("HBI", "HBI", str(rng.randint(0, 20))))
                for kind, name, value in lines:
                    fields = [user, age, sex, country, stamp, str(trackable_id(name)), kind, name, value]
                    broken = rng.random()
                    if broken < 0.0005:
                        fields[0] = ""  # no user
                    elif broken < 0.001 and kind == "Symptom":
                        fields[8] = "7"  # not on Flaredown's 0-4 scale
                    elif broken < 0.0015 and kind == "Treatment":
                        fields[8] = "abc"  # a dose nobody can read
                    elif broken < 0.002:
                        fields[4] = "not a date"
                    writer.writerow(fields)
                    written += 1
                day += dt.timedelta(days=1 if rng.random() < 0.8 else rng.randint(2, 10))
    return written, people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the research export")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs (the median CPU time is reported)")
    parser.add_argument("--keep", type=Path, help="write the export here and keep it")
    args = parser.parse_args()

    path = args.keep or Path(tempfile.mkdtemp(prefix="spasmlog-bench-flaredown-")) / "fd-export.csv"
    rows, people = generate(path, args.rows, seed=args.seed)
    print(f"generated {path} ({rows:,} rows, {people:,} people, {path.stat().st_size / 1e6:.1f} MB)")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    cpu, wall = [], []
    for _ in range(args.repeat):
        start, clock = time.perf_counter(), time.process_time()
        table = read_flaredown(path)
        cpu.append(time.process_time() - clock)
        wall.append(time.perf_counter() - start)
    seconds = statistics.median(cpu)
    print("| measurement | CPU s | rows/s (CPU) | wall s | table rows | peak MiB |")
    print("|---|---|---|---|---|---|")
    print(
        f"| read_flaredown research export | {seconds:.2f} | {rows / seconds:,.0f} | {statistics.median(wall):.2f} "
        f"| {len(table):,} | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} |"
    )
    if args.keep is None:
        path.unlink()
        path.parent.rmdir()


if __name__ == "__main__":
    main()
