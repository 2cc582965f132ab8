"""Benchmark: importing a large Apple Health export (issue 11's budget: at least 60 MB/s, peak under 300 MiB).

A synthetic ``export.xml`` of the requested size (default 1 GB) is written once, day after day of a
realistic mix: heart rate (the bulk, each with a metadata entry; skipped by the importer), active and
basal energy, distance, steps from a watch and a phone, stand hours and stand time, water typed into
Health and logged by an app, food correlations whose records are repeated at top level, sleep stages,
a workout with pause/resume events, statistics and a route, and an activity summary. Values, times and
UTC offsets (daylight saving, a trip) vary, so the file compresses like a real export (about 10-20:1).
The watch's and the phone's step samples overlap in part, and the water typed into Health falls between
the app's entries, so the overlap-aware totals (each sample kept, then compared by real time
with those of sources ranked higher) do their full work.

Throughput is given by wall time and by CPU time (user + system of the child): on a machine shared with
other jobs the wall time measures the load as much as the import, and the CPU figure is the one to
compare with the budget.

Each measurement runs in a fresh process so its peak memory (``ru_maxrss`` of that child) is its own:

- a do-nothing parse of ``export.xml`` (the reference: the parser the importer uses, expat
  with ``start`` and ``end`` handlers that do nothing, fed the same 1 MiB chunks), measured first and
  again last so that a change of load in between shows; the import's CPU time is given as a multiple of it;
- ``read_apple_health`` on ``export.xml``;
- ``read_apple_health`` on ``export.zip`` (the same document, streamed out of the zip);
- ``healthkit-to-sqlite export.zip healthkit.db --silent`` (PyPI ``healthkit-to-sqlite``; it stores every
  record in SQLite, a different job, but the usual way people read these exports). It is skipped, with
  the reason, when its command is not installed.

Usage: ``python benchmarks/bench_import_apple_health.py [--size-mb 1000] [--keep DIR] [--no-healthkit-to-sqlite]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REFERENCE = r"""
import json, resource, sys, time
from xml.parsers import expat
def nothing(*args): pass
start, cpu = time.perf_counter(), time.process_time()
parser = expat.ParserCreate()
parser.StartElementHandler = nothing
parser.EndElementHandler = nothing
with open(sys.argv[1], "rb") as stream:
    while chunk := stream.read(1 << 20):
        parser.Parse(chunk, False)
parser.Parse(b"", True)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD = r"""
import json, resource, sys, time
from spasmlog.importers.apple_health import read_apple_health
start, cpu = time.perf_counter(), time.process_time()
frame = read_apple_health(sys.argv[1], progress=False)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rows": len(frame), "columns": list(frame.columns)[1:],
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# Written for this benchmark in the shape of Apple's inline DTD: element and attribute declarations only.
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 12 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate value CDATA #REQUIRED>
<!ELEMENT Me EMPTY>
<!ATTLIST Me HKCharacteristicTypeIdentifierBiologicalSex CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED sourceName CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED device CDATA #IMPLIED creationDate CDATA #IMPLIED startDate CDATA #REQUIRED
  endDate CDATA #REQUIRED>
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutStatistics|WorkoutRoute)*)>
<!ELEMENT WorkoutEvent EMPTY>
<!ELEMENT WorkoutStatistics EMPTY>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ELEMENT FileReference EMPTY>
<!ELEMENT ActivitySummary EMPTY>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry key CDATA #REQUIRED value CDATA #REQUIRED>
]>
<HealthData locale="en_GB">
 <ExportDate value="2025-06-01 09:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
"""
WATCH = "Sam’s Apple Watch"
WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x28{:07x}&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, "
    "hardware:Watch6,2, software:9.{}&gt;"
)
PHONE = "Sam’s iPhone"
PHONE_DEVICE = (
    "&lt;&lt;HKDevice: 0x28{:07x}&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone, "
    "hardware:iPhone13,2, software:16.{}&gt;"
)
HK = "HKQuantityTypeIdentifier"


def _record(kind: str, source: str, device: str, unit: str, start: str, end: str, value: str, body: str = "") -> str:
    attributes = (
        f' <Record type="{kind}" sourceName="{source}" sourceVersion="9.1" device="{device}" unit="{unit}" '
        f'creationDate="{end}" startDate="{start}" endDate="{end}" value="{value}"'
    )
    return f"{attributes}>\n{body} </Record>\n" if body else f"{attributes}/>\n"


def _day_block(day: dt.date, offset: str, rng: random.Random) -> str:
    """One day of records, about 0.8 MB, in the proportions of a watch wearer's export."""
    stamp = day.isoformat()

    def at(second: int) -> str:
        second = min(max(second, 0), 86_399)
        return f"{stamp} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d} {offset}"

    watch = WATCH_DEVICE.format(rng.randrange(1 << 24), rng.randrange(6))
    phone = PHONE_DEVICE.format(rng.randrange(1 << 24), rng.randrange(6))
    out: list[str] = []
    add = out.append
    for _ in range(700):
        t = rng.randrange(86_400)
        motion = f'  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="{rng.randrange(3)}"/>\n'
        add(_record(f"{HK}HeartRate", WATCH, watch, "count/min", at(t), at(t), str(rng.randint(48, 150)), motion))
    for kind, count, low, high in (("ActiveEnergyBurned", 380, 0.05, 3.0), ("BasalEnergyBurned", 260, 0.8, 1.6)):
        for _ in range(count):
            t = rng.randrange(86_400)
            add(_record(f"{HK}{kind}", WATCH, watch, "kcal", at(t), at(t + 60), f"{rng.uniform(low, high):.3f}"))
    for _ in range(140):
        t = rng.randrange(86_400)
        add(_record(f"{HK}DistanceWalkingRunning", PHONE, phone, "km", at(t), at(t + 300), f"{rng.random():.5f}"))
    for source, device, count in ((WATCH, watch, 130), (PHONE, phone, 90)):
        for _ in range(count):
            t = rng.randrange(86_400)
            add(_record(f"{HK}StepCount", source, device, "count", at(t), at(t + 420), str(rng.randint(5, 900))))
    for hour in range(24):
        stood = "Stood" if rng.random() < 0.6 else "Idle"
        value = f"HKCategoryValueAppleStandHour{stood}"
        add(
            _record(
                "HKCategoryTypeIdentifierAppleStandHour",
                WATCH,
                watch,
                "",
                at(hour * 3600),
                at(hour * 3600 + 3600),
                value,
            )
        )
    for _ in range(35):
        t = rng.randrange(86_400)
        add(_record(f"{HK}AppleStandTime", WATCH, watch, "min", at(t), at(t + 300), str(rng.randint(1, 5))))
    for source, unit, count in (("Health", "mL", 3), ("WaterMinder", "fl_oz_us", 5)):
        for _ in range(count):
            t = rng.randrange(25_000, 80_000)
            add(_record(f"{HK}DietaryWater", source, "", unit, at(t), at(t), f"{rng.uniform(4, 400):.1f}"))
    for meal in range(4):  # food: a correlation with its records, each repeated at top level
        t = 27_000 + meal * 15_000 + rng.randrange(1800)
        nutrients = [
            (f"{HK}DietaryEnergyConsumed", "kcal", rng.uniform(150, 900)),
            (f"{HK}DietaryMagnesium", "mg", rng.uniform(10, 150)),
            (f"{HK}DietaryCalcium", "mg", rng.uniform(20, 400)),
            (f"{HK}DietaryPotassium", "mg", rng.uniform(100, 1200)),
            (f"{HK}DietarySodium", "mg", rng.uniform(50, 1500)),
            (f"{HK}DietaryCaffeine", "mg", rng.uniform(0, 120)),
        ]
        records = [
            _record(kind, "Cronometer", "", unit, at(t), at(t), f"{value:.2f}") for kind, unit, value in nutrients
        ]
        out.extend(records)
        add(
            f' <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="Cronometer" sourceVersion="3.2" '
            f'creationDate="{at(t)}" startDate="{at(t)}" endDate="{at(t)}">\n'
            f'  <MetadataEntry key="HKFoodType" value="Meal {meal}"/>\n'
            + "".join(" " + r for r in records)
            + " </Correlation>\n"
        )
    night = 1800 + rng.randrange(3600)  # asleep from about 01:00 (after midnight, to keep the day simple)
    for _ in range(22):
        length = rng.randrange(600, 2400)
        stage = rng.choice(["AsleepCore", "AsleepCore", "AsleepDeep", "AsleepREM", "Awake"])
        value = f"HKCategoryValueSleepAnalysis{stage}"
        add(_record("HKCategoryTypeIdentifierSleepAnalysis", WATCH, watch, "", at(night), at(night + length), value))
        night += length
    t = 61_200 + rng.randrange(3600)
    minutes = rng.uniform(25, 70)
    end = at(t + int(minutes * 60) + 300)  # a 5-minute pause: duration excludes it
    add(
        f' <Workout workoutActivityType="HKWorkoutActivityType{rng.choice(["Running", "Walking", "Cycling", "Yoga"])}" '
        f'duration="{minutes:.4f}" durationUnit="min" sourceName="{WATCH}" sourceVersion="9.1" device="{watch}" '
        f'creationDate="{end}" startDate="{at(t)}" endDate="{end}">\n'
        '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
        f'  <MetadataEntry key="HKWeatherTemperature" value="{rng.randint(40, 80)} degF"/>\n'
        f'  <WorkoutEvent type="HKWorkoutEventTypePause" date="{at(t + 900)}"/>\n'
        f'  <WorkoutEvent type="HKWorkoutEventTypeResume" date="{at(t + 1200)}"/>\n'
        f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{at(t)}" duration="10" durationUnit="min"/>\n'
        f'  <WorkoutStatistics type="{HK}ActiveEnergyBurned" startDate="{at(t)}" endDate="{at(t + 3600)}" '
        f'sum="{rng.uniform(100, 600):.2f}" unit="kcal"/>\n'
        f'  <WorkoutStatistics type="{HK}HeartRate" startDate="{at(t)}" endDate="{at(t + 3600)}" '
        f'average="{rng.uniform(100, 160):.2f}" minimum="90" maximum="175" unit="count/min"/>\n'
        f'  <WorkoutRoute sourceName="{WATCH}" sourceVersion="9.1" creationDate="{at(t)}" startDate="{at(t)}" '
        f'endDate="{at(t + 3600)}">\n'
        f'   <FileReference path="/workout-routes/route_{stamp}_{rng.randrange(10)}.gpx"/>\n'
        "  </WorkoutRoute>\n </Workout>\n"
    )
    add(
        f' <ActivitySummary dateComponents="{stamp}" activeEnergyBurned="{rng.uniform(200, 900):.3f}" '
        'activeEnergyBurnedGoal="500" activeEnergyBurnedUnit="kcal" appleMoveTime="0" appleMoveTimeGoal="0" '
        f'appleExerciseTime="{rng.randint(0, 90)}" appleExerciseTimeGoal="30" appleStandHours="{rng.randint(6, 16)}" '
        'appleStandHoursGoal="12"/>\n'
    )
    return "".join(out)


def generate(path: Path, size_bytes: int, *, seed: int = 1) -> int:
    """Write an export of at least ``size_bytes``; return the number of days written."""
    rng = random.Random(seed)
    day = dt.date(2021, 1, 1)
    days = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        written = len(HEADER)
        while written < size_bytes:
            trip = 200 <= days % 365 < 214  # two weeks abroad each year
            offset = "-0400" if trip else ("+0100" if day.month in (4, 5, 6, 7, 8, 9, 10) else "+0000")
            block = _day_block(day, offset, rng)
            out.write(block)
            written += len(block.encode("utf-8"))
            day += dt.timedelta(days=1)
            days += 1
        out.write("</HealthData>\n")
    return days


def _run_measured(command: list[str]) -> tuple[float, float, str, float]:
    """Run ``command``: its wall time (s), its own peak RSS (MiB, ``ru_maxrss`` from ``os.wait4``), its stdout
    and its CPU time (s, user + system)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode:
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{err.read().decode()[-2000:]}")
        return seconds, usage.ru_maxrss / 1024, out.read().decode(), usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1000, help="size of export.xml in MB (10^6 bytes)")
    parser.add_argument("--keep", type=Path, help="folder to keep the generated files in")
    parser.add_argument("--no-healthkit-to-sqlite", action="store_true", help="skip the comparison")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="spasmlog-bench-apple-"))
    folder.mkdir(parents=True, exist_ok=True)
    xml = folder / "export.xml"
    start = time.perf_counter()
    days = generate(xml, int(args.size_mb * 1e6))
    size = xml.stat().st_size
    print(f"generated {xml} ({size / 1e6:,.0f} MB, {days:,} days) in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    archive = folder / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(xml, "apple_health_export/export.xml")
    zipped = archive.stat().st_size
    print(f"zipped to {zipped / 1e6:,.0f} MB ({size / zipped:.0f}:1) in {time.perf_counter() - start:.1f} s")

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| measurement | seconds | MB/s of export.xml | peak memory (MiB) |")
    print("|---|---|---|---|")
    results = {}
    reference_cpu = []
    runs = (
        ("do-nothing parse export.xml (reference)", REFERENCE, xml),
        ("read_apple_health export.xml", CHILD, xml),
        ("read_apple_health export.zip", CHILD, archive),
        ("do-nothing parse export.xml (reference, again)", REFERENCE, xml),
    )
    for label, code, target in runs:
        seconds, peak, stdout, cpu = _run_measured([sys.executable, "-c", code, str(target)])
        figures = json.loads(stdout.strip().splitlines()[-1])
        results[label] = seconds, figures["cpu_seconds"]
        if code is REFERENCE:
            reference_cpu.append(figures["cpu_seconds"])
        print(
            f"| {label} | {seconds:.1f} (in the call: {figures['seconds']:.1f}; CPU in the call: "
            f"{figures['cpu_seconds']:.1f}, whole process: {cpu:.1f}) | {size / 1e6 / seconds:.1f} "
            f"(by CPU time in the call: {size / 1e6 / figures['cpu_seconds']:.1f}) | {peak:,.0f} |"
        )
    reference = sum(reference_cpu) / len(reference_cpu)
    print(f"\nload: {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)")
    for label in ("read_apple_health export.xml", "read_apple_health export.zip"):
        print(f"{label}: {results[label][1] / reference:.2f}x the CPU time of the do-nothing parse")
    ours = results["read_apple_health export.zip"][0]

    command = shutil.which("healthkit-to-sqlite", path=str(Path(sys.executable).parent)) or shutil.which(
        "healthkit-to-sqlite"
    )
    if args.no_healthkit_to_sqlite:
        print("\nhealthkit-to-sqlite: skipped (--no-healthkit-to-sqlite)")
    elif command is None:
        print("\nhealthkit-to-sqlite: not installed (pip install healthkit-to-sqlite), comparison skipped")
    else:
        database = folder / "healthkit.db"
        database.unlink(missing_ok=True)
        seconds, peak, _, _ = _run_measured([command, str(archive), str(database), "--silent"])
        print(f"| healthkit-to-sqlite export.zip | {seconds:.1f} | {size / 1e6 / seconds:.1f} | {peak:,.0f} |")
        print(f"\nhealthkit-to-sqlite takes {seconds / ours:.1f}x as long as read_apple_health on the same zip")
    if args.keep is None:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
