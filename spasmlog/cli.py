"""The ``spasmlog`` command line.

Exit codes: 0 success (``validate``: no errors; warnings may be shown), 1 ``validate`` found rows with
errors, 2 usage errors or input that cannot be read (or output that cannot be written), 3 a bug in spasmlog
(reported in one line; rerun with ``--debug`` for the traceback), 130 interrupted with Ctrl-C (one line says
whether anything was changed).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import signal
import sys
import threading
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from spasmlog._interrupt import forget_interrupts, interrupted_while_loading, record_and_raise, was_interrupted
from spasmlog.errors import LogNotFoundError, LogReadError, ParameterError, SpasmlogError

# Nothing heavy is imported here (no pandas, no Log, no report): `spasmlog --help` and a missing path answer at
# once. Each command imports what it needs when it runs.
if TYPE_CHECKING:
    from spasmlog.log import Log
    from spasmlog.report.validation_text import validation_text as report_text  # noqa: F401 (the old name)

__all__ = ["main"]

_ENCODING_HELP = (
    "the encoding of the log's CSV files (cp1250, cp1251, cp1252, ...), when a warning says it was a guess "
    "(default: detected for each file)"
)
_DRINK_HELP = (
    "grams of ethanol per standard drink, for columns counted in drinks and Apple Health's alcoholic beverages "
    "(default: the WHO's 10 g, spasmlog.logformat.units.STANDARD_DRINK_G)"
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spasmlog",
        description="Validate spasm logs and find what is associated with more or fewer spasms.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks (for bug reports)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    validate = commands.add_parser(
        "validate",
        help="check a log and report every problem",
        description="Read a log (folder, sub-folder per person, XLSX workbook or table file), check every row "
        "against the log format and report problems with file, line, column, value and how to fix them. "
        "Exit 0 when no row has an error, 1 when some do, 2 when the input cannot be read.",
    )
    validate.add_argument("path", type=Path, help="log folder, workbook or table file")
    validate.add_argument("--quarantine", type=Path, metavar="OUT.csv", help="write the rows set aside to this CSV")
    validate.add_argument("--format", choices=("text", "json"), default="text", help="report format (default text)")
    order = validate.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst", dest="dayfirst", action="store_const", const=True, help="read 03/04/2026 as 3 April"
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_const", const=False, help="read 03/04/2026 as March 4"
    )
    validate.add_argument("--drink-g", type=float, metavar="GRAMS", help=_DRINK_HELP)
    validate.add_argument("--encoding", metavar="NAME", help=_ENCODING_HELP)

    template = commands.add_parser(
        "template",
        help="write empty tables to start logging in a spreadsheet",
        description="Write daily.csv, spasms.csv, interventions.csv and people.csv with the canonical headers and "
        "an example row, and spasmlog_template.xlsx whose cells offer drop-down lists and reject "
        "out-of-range numbers.",
    )
    template.add_argument("directory", type=Path, help="folder to write to (created if missing)")
    template.add_argument("--overwrite", action="store_true", help="replace template files already there")
    template.add_argument(
        "--format",
        choices=("both", "csv", "xlsx"),
        default="both",
        help="CSV tables, the XLSX workbook, or both (default; keep only the one you fill in)",
    )

    importing = commands.add_parser(
        "import",
        help="bring in app exports (Apple Health, Cronometer, MyFitnessPal, Garmin, Bearable, Visible)",
        usage="spasmlog import (SOURCE FILE... | --auto FILE...) --into LOGDIR [options]",
        description="Read app exports and merge them into a person's daily.csv: imported values fill empty "
        "cells, values you logged are kept (unless --overwrite) and every disagreement is reported; "
        "provenance.csv records where each imported value came from. Re-importing a file changes nothing. "
        "The medicines and supplements a symptom app lists go to interventions.csv, and what an export says "
        "of each person (sex, age) to people.csv, by the same rules. "
        "SOURCE is one of apple-health, cronometer, myfitnesspal, garmin, bearable, visible, flaredown, generic "
        "(any app's long export, with --mapping); --auto detects it from the content. An export of several people "
        "(Flaredown's research export, a long file with a person column) goes to one sub-folder of LOGDIR per person, "
        "named by the person's ID (characters a folder name cannot hold written as %XX: ../x becomes %2E.%2Fx).",
    )
    importing.add_argument("items", nargs="+", metavar="SOURCE FILE", help="the export format, then the files")
    importing.add_argument("--auto", action="store_true", help="detect each file's format from its content")
    importing.add_argument("--into", type=Path, required=True, metavar="LOGDIR", help="the log folder")
    importing.add_argument(
        "--person",
        metavar="ID",
        help="whose log, when LOGDIR holds one folder per person (an existing folder: create a new client's first)",
    )
    importing.add_argument("--overwrite", action="store_true", help="replace your values where the import differs")
    importing.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    dates = importing.add_mutually_exclusive_group()
    dates.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        help="read 03/04/2026 as 3 April (in the exports and in your daily.csv)",
    )
    dates.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False, help="read it as March 4")
    importing.add_argument("--drink-g", type=float, metavar="GRAMS", help=_DRINK_HELP)
    importing.add_argument(
        "--mapping",
        type=Path,
        metavar="MAP.toml",
        help="generic: the mapping file (TOML or CSV) saying which names are spasms, factors, interventions",
    )
    importing.add_argument(
        "--prefer",
        action="append",
        metavar="NAME",
        help="Apple Health: rank the sources (devices, apps) whose name contains NAME first; repeat it to rank "
        "several, the first given ranked highest. Where samples of different sources overlap in time, the "
        "higher-ranked source's samples count and the others' are left out (the phone's and the watch's steps "
        "are not added up); samples that do not overlap are added up, whatever their source (a water app's "
        "entries and a glass added by hand), as the Health app does. Without --prefer, the Health app's own "
        "order is followed: the watch before the phone before apps",
    )

    report = commands.add_parser(
        "report",
        help="write a self-contained HTML report (one page per person)",
        description="Write a report that opens offline and prints on A4: who and which period, headline numbers, "
        "charts, the associations that survive correction (in plain words, with their intervals and lags), the "
        "interventions and what followed, intake against reference values, and data quality. A log of one person "
        "gives one HTML file; a log of several people gives a folder with index.html and one page per person. "
        "A log of several people always gives a folder, even when --from/--to leaves only one of them with data; "
        "the index page names the people without data in the period.",
    )
    report.add_argument("path", type=Path, help="log folder, workbook or table file")
    report.add_argument(
        "-o",
        "--output",
        type=str,  # a str keeps a trailing "/" (a folder), which Path would drop
        metavar="OUT",
        help="where to write. One person (the log holds one, or --person): the HTML file, default report.html; "
        ".html is added to a name without it, and an existing folder (or a name ending in /) gets report.html "
        "inside. Several people: a folder with index.html and one page each, default report/",
    )
    report.add_argument("--person", metavar="ID", help="report on this person only")
    report.add_argument("--encoding", metavar="NAME", help=_ENCODING_HELP)
    report.add_argument("--from", dest="start", metavar="DATE", help="first day of the period (YYYY-MM-DD)")
    report.add_argument("--to", dest="end", metavar="DATE", help="last day of the period (YYYY-MM-DD)")

    sharing = commands.add_parser(
        "share",
        help="write a de-identified copy of a log to give a researcher or colleague",
        description="Write a bundle (a log folder that spasmlog reads, and manifest.json saying what was changed): "
        "person ids replaced by random pseudonyms, each person's dates moved by a random number of whole weeks "
        "(or, with --mode safe-harbor, turned into study days with the year only), birth years replaced by age "
        "bands (90+ above 89), notes dropped, intervention names replaced by their kind and a label, app and device "
        "names left out, columns of your own renamed or dropped. The key that maps pseudonyms back is written "
        "apart, readable by you only (default BUNDLE.key.csv): never send it with the bundle.",
    )
    sharing.add_argument("path", type=Path, metavar="LOG", help="log folder, workbook or table file")
    sharing.add_argument("--out", type=Path, required=True, metavar="BUNDLE", help="the bundle folder (new or empty)")
    sharing.add_argument(
        "--mode",
        choices=("shifted", "safe-harbor"),
        default="shifted",
        help="shifted (default): dates moved by whole weeks, weekdays kept; safe-harbor: study days and the year only",
    )
    sharing.add_argument(
        "--keep-notes", action="store_true", help="keep notes, intervention names and doses as written"
    )
    sharing.add_argument(
        "--key",
        type=Path,
        metavar="KEYFILE",
        help="the key file; an existing one is reused (same pseudonyms and shifts) and extended",
    )
    sharing.add_argument(
        "--allow-column",
        action="append",
        default=[],
        metavar="NAME",
        help="keep a column of your own under its name (repeatable)",
    )
    sharing.add_argument("--force", action="store_true", help="replace a bundle and key written before")

    plan = commands.add_parser(
        "plan",
        help="plan a randomised personal experiment (a calendar to print, and its chance to show an effect)",
        description="Draw a randomised schedule of blocks with and without a change (the order within each pair "
        "of blocks drawn at random), add it to the log's experiments table (experiments.csv) with its seed, write "
        "a printable one-page calendar beside it, and say from the person's own history how likely the plan is to "
        "show an effect.",
    )
    plan.add_argument("path", type=Path, help="log folder (the plan is added to experiments.csv in it)")
    plan.add_argument(
        "--try", dest="change", required=True, metavar="CHANGE", help='what to try, e.g. "magnesium 300 mg"'
    )
    plan.add_argument("--against", default="none", help="what the off-blocks do instead (default: none)")
    plan.add_argument("--person", metavar="ID", help="the person (required when the log holds several)")
    plan.add_argument("--block-days", type=int, default=7, metavar="N", help="days per block (default 7)")
    plan.add_argument("--pairs", type=int, default=4, metavar="N", help="pairs of on/off blocks (default 4)")
    plan.add_argument(
        "--washout-days", type=int, default=2, metavar="N", help="days between blocks, not analysed (default 2)"
    )
    plan.add_argument("--design", choices=("pairs", "counterbalanced"), default="pairs", help="how the order is drawn")
    plan.add_argument("--start", metavar="DATE", help="first day (YYYY-MM-DD; default tomorrow)")
    plan.add_argument("--seed", type=int, metavar="N", help="seed of the draw (default: a fresh one, recorded)")
    plan.add_argument(
        "--effect",
        type=float,
        default=0.7,
        metavar="RR",
        help="rate ratio to judge the plan by (default 0.7: 30%% fewer)",
    )
    plan.add_argument(
        "--allow-overlap",
        action="store_true",
        help="add the plan even if its days overlap another experiment of the person (two changes tried at once)",
    )
    plan.add_argument(
        "--calendar",
        type=Path,
        metavar="OUT.html",
        help="where to write the calendar (default: EXPERIMENT_ID.html, PERSON-EXPERIMENT_ID.html in a caseload, in "
        "the current folder, as `report` does, with -2, -3 ... rather than over another plan's calendar; not in the "
        "log folder, where it would be listed as a file not read)",
    )

    commands.add_parser(
        "demo",
        help="run the main job on the bundled sample data",
        description="Validate the bundled sample logs and print what spasmlog found.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    with _ctrl_c_remembered(), _warnings_in_words():
        before = _snapshot(_written_by(args))
        try:
            code = _run(args)
            if was_interrupted():  # Ctrl-C swallowed on its way up (in a callback): still an interrupt
                raise KeyboardInterrupt
            return code
        except KeyboardInterrupt:  # Ctrl-C: one line saying what, if anything, was changed; no traceback
            return _stopped(before, args)
        except SpasmlogError as error:
            print(f"spasmlog: error: {error}", file=sys.stderr)
            return EXIT_USAGE
        except OSError as error:  # a path that cannot be read or written: say which and why, in words
            where = f"{error.filename}: " if error.filename else ""
            print(f"spasmlog: error: {where}{error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
        except UnicodeError as error:
            print(f"spasmlog: error: {error}", file=sys.stderr)
            return EXIT_USAGE
        except Exception as error:  # a bug: one line for the person, the traceback only on request
            if was_interrupted():  # Ctrl-C landing inside a library can surface as another error
                return _stopped(before, args)
            if args.debug:
                raise
            print(
                f"spasmlog: internal error ({type(error).__name__}: {error}). Please report it; rerun with --debug "
                "for details.",
                file=sys.stderr,
            )
            return EXIT_BUG


if not TYPE_CHECKING:  # hidden from type checkers, which see the import above

    def __getattr__(name: str) -> Any:
        """``report_text``: the validation report's name before it moved to
        :func:`spasmlog.report.validation_text.validation_text`, loaded when first used."""
        if name == "report_text":
            from spasmlog.report.validation_text import validation_text

            return validation_text
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _run(args: argparse.Namespace) -> int:
    if (
        args.command in ("validate", "report", "share", "plan") and not args.path.exists()
    ):  # said before anything heavy loads
        raise LogNotFoundError.missing(args.path)
    if args.command == "validate":
        return _validate(args, sys.stdout)
    if args.command == "template":
        return _template(args, sys.stdout)
    if args.command == "import":
        return _import(args, sys.stdout)
    if args.command == "report":
        return _report(args, sys.stdout)
    if args.command == "share":
        return _share(args, sys.stdout)
    if args.command == "plan":
        return _plan(args, sys.stdout)
    return _demo(sys.stdout)


def _stopped(before: dict[Path, tuple[int, int, int]], args: argparse.Namespace) -> int:
    print(_interrupted(before, _snapshot(_written_by(args))), file=sys.stderr)
    return EXIT_INTERRUPTED


@contextmanager
def _ctrl_c_remembered() -> Iterator[None]:
    """While a command runs, Ctrl-C is remembered as well as raised, and never prints a traceback.

    An interrupt can land where Python cannot raise it (a weakref callback: it would print "Exception
    ignored") or inside a library that turns it into another error; remembering it lets :func:`main` end
    as interrupted all the same, and lets the atomic writers put nothing more in place. The previous
    handler and hook come back afterwards (``main`` is also called in-process, by tests and notebooks).
    """
    handler = signal.getsignal(signal.SIGINT)
    ours = threading.current_thread() is threading.main_thread() and handler in (
        interrupted_while_loading,
        signal.default_int_handler,
    )  # not when Ctrl-C is ignored (nohup) or handled by the caller
    hook = sys.unraisablehook
    forget_interrupts()
    if ours:
        signal.signal(signal.SIGINT, record_and_raise)
        sys.unraisablehook = _quiet_when_interrupted
    try:
        yield
    finally:
        if ours:
            signal.signal(
                signal.SIGINT, handler if handler is not interrupted_while_loading else signal.default_int_handler
            )
            sys.unraisablehook = hook
        forget_interrupts()


def _quiet_when_interrupted(unraisable: Any) -> None:
    """No traceback for a Ctrl-C that lands in a callback Python cannot raise from (it is remembered)."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def _written_by(args: argparse.Namespace) -> list[Path]:
    """The files and folders a command may write (watched so that Ctrl-C can say what was changed)."""
    if args.command == "validate":
        return [args.quarantine] if args.quarantine is not None else []
    if args.command == "template":
        return [args.directory]
    if args.command == "import":
        return [args.into, *([args.into / args.person] if args.person else [])]
    if args.command == "report":
        output = Path(args.output) if args.output is not None else None
        return [Path("report"), Path("report.html")] if output is None else [output, Path(f"{output}.html")]
    if args.command == "share":
        return [args.out, args.key or args.out.parent / f"{args.out.name}.key.csv"]
    if args.command == "plan":
        return [args.path, Path(".")] if args.calendar is None else [args.path, args.calendar]
    return []


def _snapshot(paths: list[Path]) -> dict[Path, tuple[int, int, int]]:
    """Identity, time and size of each file in ``paths`` (a file, or a folder's files one level down)."""
    seen: dict[Path, tuple[int, int, int]] = {}
    for path in paths:
        try:
            files = [path] if path.is_file() else [p for p in path.iterdir() if p.is_file()] if path.is_dir() else []
            for file in files:
                status = file.stat()
                seen[file] = (status.st_ino, status.st_mtime_ns, status.st_size)
        except OSError:  # unreadable: nothing to compare
            continue
    return seen


def _interrupted(before: dict[Path, tuple[int, int, int]], after: dict[Path, tuple[int, int, int]]) -> str:
    """The one line printed after Ctrl-C: nothing changed, or which files were written or removed."""
    changed = sorted(str(p) for p in set(before) | set(after) if before.get(p) != after.get(p))
    if not changed:
        return "Interrupted; nothing was changed."
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return f"Interrupted; already written before stopping: {shown}."


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    from spasmlog.report.validation_text import validation_json, validation_text
    from spasmlog.validation.read import read_log

    log = read_log(args.path, errors="quarantine", dayfirst=args.dayfirst, encoding=args.encoding, **_drink(args))
    if args.quarantine is not None:
        from spasmlog.io.write import atomic_write_csv

        atomic_write_csv(log.quarantine, args.quarantine)  # atomic, and no cell a spreadsheet would run
    if args.format == "json":
        json.dump(validation_json(log, args.path), out, indent=2, default=str)
        out.write("\n")
    else:
        out.write(validation_text(log, args.path))
        if args.quarantine is not None:
            out.write(f"\n{len(log.quarantine)} quarantined row(s) written to {args.quarantine}\n")
    return EXIT_PROBLEMS if len(log.errors) else EXIT_OK


def _drink(args: argparse.Namespace) -> dict[str, float]:
    """``drink_g=`` when --drink-g was given (else the readers' default, the one standard drink)."""
    return {} if args.drink_g is None else {"drink_g": args.drink_g}


def _import(args: argparse.Namespace, out: TextIO) -> int:
    import warnings

    from spasmlog.errors import ImportFormatError
    from spasmlog.importers import SOURCES, detect, read_export
    from spasmlog.importers.merge import merge_into
    from spasmlog.importers.myfitnesspal import PercentDailyValueWarning

    items = list(args.items)
    unrecognised: list[str] = []  # --auto: files of no known app, each said in one line; the others imported
    if args.auto:
        groups: dict[str, list[Path]] = {}
        first_error: ImportFormatError | None = None
        for item in items:
            try:
                groups.setdefault(detect(Path(item)), []).append(Path(item))
            except ImportFormatError as error:
                first_error = first_error or error
                why = error.detail.get("reason")
                unrecognised.append(
                    f"{item}: not imported: "
                    + (f"cannot tell which app it comes from ({why})" if why else error.message)
                    + ". Name its format instead of --auto (spasmlog import SOURCE FILE)."
                )
        if not groups and first_error is not None:  # nothing could be told: as before, the full message
            raise first_error
    else:
        source = items.pop(0)
        if source not in SOURCES:
            raise SpasmlogError(
                f"'{source}' is not an export format spasmlog reads: use one of {', '.join(SOURCES)}, "
                "or --auto to detect the format from the files' content."
            )
        if not items:
            raise SpasmlogError(f"Give the {source} export file(s) to import after '{source}'.")
        groups = {source: [Path(item) for item in items]}
    imports = []
    for source, files in groups.items():  # read every export before merging any: a bad file changes nothing
        for file in files:
            if not file.exists():
                raise SpasmlogError(f"{file} does not exist.", file=str(file))
        if source == "apple-health":
            options = {"source_priority": args.prefer} if args.prefer else {}
            options.update(_drink(args))
        else:
            options = {"dayfirst": args.dayfirst}
        if source == "generic":
            if args.mapping is None:
                raise SpasmlogError(
                    "spasmlog import generic needs --mapping MAP.toml (or .csv): which names are spasms, factors "
                    "and interventions. See the example in sample_data/mappings/generic_mapping.toml."
                )
            options["mapping"] = args.mapping
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PercentDailyValueWarning)  # the summary's notes say it
            try:
                imports.append(read_export(source, files, **options))
            except LogReadError as error:  # a wrong format, or a row the reader stumbled on
                raise _in_cli_terms(_other_apps(error, source, files)) from None
    # Where each import goes, decided (and every person's folder checked) before anything is written, so
    # that a dry run shows what the real run does and a refusal leaves the log as it was.
    failed = False
    written: list[str] = []  # the folders merged into so far, said if a later merge fails
    for imported, destinations in _destinations(imports, args):
        if not destinations:  # say why, instead of an import that silently changed nothing
            line, nothing_usable = _nothing_imported(imported)
            failed = failed or nothing_usable
            # The reason in one line; what was skipped below it, when there was something to skip.
            notes = imported.attrs.get("notes", []) if imported.attrs.get("records") != 0 else []
            out.write(line + "\n" + "".join(f"  note: {note}\n" for note in notes))
            continue
        shared = _shared_notes([table for _, _, table in destinations])
        for into, person, table in destinations:
            if shared:  # said once for the whole export, below, not once per person
                table.attrs = {**table.attrs, "notes": [n for n in table.attrs.get("notes", []) if n not in shared]}
            try:
                result = merge_into(
                    table,
                    into,
                    person_id=person,
                    overwrite=args.overwrite,
                    dry_run=args.dry_run,
                    dayfirst=args.dayfirst,
                    **_drink(args),
                )
            except SpasmlogError as error:
                raise _in_cli_terms(_after(error, written)) from None
            out.write(result.summary() + "\n")
            if result.changed and not args.dry_run:
                written.append(str(result.target))
        if shared:
            source = imported.attrs.get("source", "the export")
            out.write(
                f"Import from {source}, all {len(destinations)} people:\n"
                + "".join(f"  note: {note}\n" for note in shared)
            )
    for line in unrecognised:
        print(f"spasmlog: {line}", file=sys.stderr)
    return EXIT_PROBLEMS if failed or unrecognised else EXIT_OK


def _shared_notes(parts: list[Any]) -> list[str]:
    """The notes every person's part of an export of several people carries (a row without a user, a file
    skipped): the CLI says them once for the export instead of once per person."""
    if len(parts) < 2:
        return []
    first = [str(n) for n in parts[0].attrs.get("notes", [])]
    others = [set(map(str, part.attrs.get("notes", []))) for part in parts[1:]]
    return [note for note in first if all(note in notes for notes in others)]


def _after(error: SpasmlogError, written: list[str]) -> SpasmlogError:
    """A merge's error, saying which folders the imports before it were written to (their summaries are
    above it); with nothing written, the error as it is."""
    if not written:
        return error
    shown = ", ".join(written[:10]) + (f" and {len(written) - 10} more" if len(written) > 10 else "")
    return type(error)(
        f"{error.message} The imports before it were written (their summaries are above): {shown}; this one "
        "and those after it were not.",
        **error.detail,
    )


def _other_apps(error: LogReadError, source: str, files: list[Path]) -> LogReadError:
    """The error of an import named ``source`` whose files are another app's export: said so, by detection
    (``looks like a MyFitnessPal export``), instead of what the reader stumbled on (a row of 9 cells)."""
    from spasmlog.errors import ImportFormatError
    from spasmlog.importers.detection import APP_NAMES, looks_like

    if source not in APP_NAMES:  # generic reads any app's long export: no file is another app's
        return error
    others = [(file, kind) for file in files if (kind := looks_like(file, source)) is not None]
    if not others:
        return error
    listed = "; ".join(f"{file} looks like a {APP_NAMES[kind]} export" for file, kind in others)
    kinds = sorted({kind for _, kind in others})
    how = f"spasmlog import {kinds[0]} FILE" if len(kinds) == 1 else "spasmlog import SOURCE FILE"
    return ImportFormatError(
        f"{listed}, not a {APP_NAMES[source]} one. Import it with `{how}`, or give --auto to tell each file's "
        "app from its content. Nothing was imported.",
        file=str(others[0][0]),
    )


def _destinations(imports: list[Any], args: argparse.Namespace) -> list[tuple[Any, list[tuple[Path, str | None, Any]]]]:
    """Each import with where its parts go (none: it yielded nothing), planned before anything is written.

    An import of one person into --into makes it one person's log when it is not one yet; a later export of
    several people is then refused in the dry run as in the real run (each is planned as if the ones before
    it had been merged)."""
    _one_and_many(imports, args)
    one_person = (args.into / "daily.csv").exists()
    planned: list[tuple[Any, list[tuple[Path, str | None, Any]]]] = []
    for imported in imports:
        if imported.empty:
            planned.append((imported, []))
            continue
        parts = _per_person(imported, args, one_person=one_person)
        one_person = one_person or any(into == args.into and args.person is None for into, _, _ in parts)
        planned.append((imported, parts))
    return planned


def _one_and_many(imports: list[Any], args: argparse.Namespace) -> None:
    """Refuse, whatever the order of the files, one person's export and an export of several people into
    one --into without --person: the first makes --into one person's log, the second a folder of people."""
    if args.person is not None:
        return
    many = [i for i in imports if not i.empty and "person_id" in i.columns]
    one = [i for i in imports if not i.empty and "person_id" not in i.columns]
    if not many or not one:
        return

    def files(group: list[Any]) -> str:
        return ", ".join(str(f) for i in group for f in i.attrs.get("files", [])) or "the files given"

    people = len({p for i in many for p in i["person_id"].dropna().unique()})
    whose = "is one person's export" if len(one) == 1 else "are one person's exports"
    raise SpasmlogError(
        f"{files(one)} {whose} and {files(many)} holds "
        f"{people} people: into {args.into} they cannot both go (one person's log, or one sub-folder per "
        "person). Import them in two runs, the one person's into their own folder (or with --person ID), or "
        "give --person ID to import one person of each. Nothing was imported."
    )


def _nothing_imported(imported: Any) -> tuple[str, bool]:
    """The one line that says why an import yielded no value, and whether that is a failure (exit 1).

    Every importer says, in ``attrs``, how many ``records`` its files held and how many of them were
    ``unreadable``. No records is an empty export (a header row only): not a failure. Records none of which
    could be read, records that hold nothing spasmlog uses, or an importer that does not say, are failures:
    the person's data did not come in.
    """
    source = imported.attrs.get("source", "the export")
    files = ", ".join(str(f) for f in imported.attrs.get("files", [])) or "the files given"
    records, unreadable = imported.attrs.get("records"), imported.attrs.get("unreadable")
    if records == 0:
        empty = "no Record or Workout element" if source == "apple-health" else "a header row only"
        return f"Nothing to import from {source}: {files} holds no records ({empty}, or an empty export).", False
    if records is None or unreadable is None:
        why = f"no value spasmlog reads was found in {files}"
    elif unreadable >= records:
        why = f"none of the {_records(records)} of {files} could be read"
    elif unreadable:
        why = (
            f"{unreadable} of the {_records(records)} of {files} could not be read, and the others hold nothing "
            "spasmlog uses"
        )
    elif records == 1:
        why = f"the only record of {files} holds nothing spasmlog uses"
    else:
        why = f"the {records} records of {files} hold nothing spasmlog uses"
    return f"Nothing imported from {source}: {why} (the notes below say what was skipped).", True


def _records(n: int) -> str:
    return "1 record" if n == 1 else f"{n} records"


def _per_person(imported: Any, args: argparse.Namespace, *, one_person: bool) -> list[tuple[Path, str | None, Any]]:
    """Where each person's part of an import goes: an export of several people (a ``person_id`` column) fills
    one sub-folder of --into per person (or only --person's), named by
    :func:`~spasmlog.importers.merge.person_folder` (every ID checked before anything is written); any other
    import goes to --into as it is. ``one_person``: --into is (or an import before this one makes it) one
    person's log."""
    if "person_id" not in imported.columns:
        return [(args.into, args.person, imported)]
    from spasmlog.importers.generic import split_people
    from spasmlog.importers.merge import person_folder, person_folders

    parts = split_people(imported)
    if args.person is not None:
        chosen = [(person, table) for person, table in parts if args.person in (person, _folder_or_none(person))]
        if not chosen:
            shown = ", ".join(person for person, _ in parts[:10])
            raise SpasmlogError(f"The export holds no person '{args.person}'; it holds: {shown}.")
        person, table = chosen[0]
        return [(args.into, person_folder(person), table)]
    if one_person:
        has = "has a daily.csv" if (args.into / "daily.csv").exists() else "an import before this one goes there"
        raise SpasmlogError(
            f"The export holds {len(parts)} people, and {args.into} is one person's log ({has}). Import "
            "into a new or caseload folder (one sub-folder per person is made), or give --person ID to import one. "
            "Nothing was imported."
        )
    folders = person_folders([person for person, _ in parts], args.into)
    return [(folders[person], None, table) for person, table in parts]


def _folder_or_none(person: str) -> str | None:
    from spasmlog.importers.merge import person_folder

    try:
        return person_folder(person)
    except SpasmlogError:
        return None


_ENCODING_ADVICE = re.compile(r"load it with encoding='([\w-]+)' \(or another encoding Python knows\)")


def _cli_words(text: str) -> str:
    """A message's Python advice (``dayfirst=True``, ``encoding='cp1251'``) in command-line terms.

    Examples
    --------
    >>> _cli_words("or load it with encoding='cp1251' (or another encoding Python knows).")
    'or give --encoding cp1251 (or another encoding Python knows).'
    """
    for python, command_line in (
        ("Pass dayfirst=True or dayfirst=False", "Give --dayfirst or --monthfirst"),
        ("pass dayfirst=True or dayfirst=False", "give --dayfirst or --monthfirst"),
    ):
        text = text.replace(python, command_line)
    return _ENCODING_ADVICE.sub(r"give --encoding \1 (or another encoding Python knows)", text)


def _in_cli_terms(error: SpasmlogError) -> SpasmlogError:
    """The error with its Python advice (``dayfirst=True``) in command-line terms (``--dayfirst``)."""
    message = _cli_words(error.message)
    if message == error.message:
        return error
    return type(error)(message, **error.detail)


@contextmanager
def _warnings_in_words() -> Iterator[None]:
    """spasmlog's own warnings (a guessed encoding, a small sample) printed as one line each, ``spasmlog:
    warning: ...`` in command-line terms, instead of Python's file, line number and source line."""
    show = warnings.showwarning

    def one_line(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if category.__module__.startswith("spasmlog"):
            print(f"spasmlog: warning: {_cli_words(str(message))}", file=sys.stderr)
        else:
            show(message, category, *args, **kwargs)

    warnings.showwarning = one_line
    try:
        yield
    finally:
        warnings.showwarning = show


@contextmanager
def _few_collections() -> Iterator[None]:
    """Python's cyclic garbage collector run less often (every 100,000 new objects instead of 700), then as before.

    A report loads pandas, scipy and matplotlib and makes tens of thousands of objects: with the default
    thresholds the collector walks every object loaded so far several times over, about 0.2 s of CPU of a
    one-person report (mypy raises its thresholds for the same reason). Memory is still freed: by reference
    counting at once, and cycles at the next, rarer, collection.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _report(args: argparse.Namespace, out: TextIO) -> int:
    with _few_collections():
        return _write_report(args, out)


def _write_report(args: argparse.Namespace, out: TextIO) -> int:
    from spasmlog.report._drawing import charts_in_worker

    # A worker process imports matplotlib and draws the charts while this one reads the log and runs the
    # statistics (where it can be started: see charts_in_worker); else the charts are drawn here. It is forked
    # once pandas is imported (both need it; the worker then has it for free), from a fresh command only.
    fresh = "numpy" not in sys.modules  # not main() called inside a program that has loaded (and run) more
    import pandas  # noqa: F401

    with charts_in_worker(fresh=fresh) as elsewhere:
        if not elsewhere:
            import matplotlib

            matplotlib.use("Agg")  # files only: no window, no display needed
        from spasmlog.report import write_report

        written = write_report(
            args.path, args.output, person=args.person, start=args.start, end=args.end, encoding=args.encoding
        )
    pages = sorted(p.name for p in written.parent.glob("*.html")) if written.name == "index.html" else []
    if pages:
        out.write(f"Wrote {written} and {len(pages) - 1} page(s) beside it, one per person. Open {written}\n")
    else:
        out.write(f"Wrote {written}. Open it in a browser; it prints on A4.\n")
    return EXIT_OK


def _share(args: argparse.Namespace, out: TextIO) -> int:
    from spasmlog.share import share

    shared = share(
        args.path,
        args.out,
        mode=args.mode,
        keep_notes=args.keep_notes,
        key=args.key,
        allow_columns=args.allow_column,
        force=args.force,
    )
    manifest = shared.manifest
    rows = ", ".join(f"{name} {count}" for name, count in manifest["tables"].items() if count)
    out.write(f"Wrote {shared.bundle} ({manifest['mode']}): {manifest['people']} person(s); rows: {rows}.\n")
    changed = sorted({f"{c['table']}.{c['column']} {c['action']}" for c in manifest["changes"]})
    out.write(f"Changed ({len(changed)}; all in {shared.bundle / 'manifest.json'}): {'; '.join(changed[:8])}")
    out.write((f"; and {len(changed) - 8} more" if len(changed) > 8 else "") + ".\n")
    k = manifest["k_anonymity"]
    if k["columns"]:
        out.write(
            f"k-anonymity over {', '.join(c.replace('_', ' ') for c in k['columns'])}: {len(k['groups'])} "
            f"combination(s), the smallest held by {k['smallest']} person(s).\n"
        )
    for warning in shared.warnings:
        out.write(f"warning: {warning}\n")
    out.write(f"The key is {shared.key} (readable by you only): keep it, and never send it with the bundle.\n")
    return EXIT_OK


def _template(args: argparse.Namespace, out: TextIO) -> int:
    from spasmlog.template import write_template

    written = write_template(args.directory, format=args.format, overwrite=args.overwrite)
    out.write("Wrote:\n" + "".join(f"  {path}\n" for path in written))
    if args.format == "both":
        out.write(
            "Fill in EITHER the CSV tables OR the workbook, and delete the other form (both hold the same example\n"
            "rows, so keeping both would report them as duplicates). Replace the example rows with your own.\n"
        )
    person = Path(args.directory).resolve().name
    out.write(f"The rows are about {person!r}, the folder's name (one folder per person; rename it to change).\n")
    out.write(f"Then check your log with: spasmlog validate {args.directory}\n")
    return EXIT_OK


def _demo(out: TextIO) -> int:
    from spasmlog.report.validation_text import validation_text
    from spasmlog.samples import load_sample, sample_path

    out.write("spasmlog demo: the bundled sample logs (see sample_data/README.md)\n\n")
    for name in ("alex", "clinic", "messy"):
        log = load_sample(name, errors="quarantine")
        out.write(validation_text(log, sample_path(name)) + "\n")
    out.write(
        "The 'messy' sample has a dozen deliberately broken rows: each is reported with its file, line and a hint,\n"
        "and set aside (see --quarantine), never dropped. Try it on your own log: spasmlog validate PATH\n"
    )
    return EXIT_OK


def _log_to_plan_from(folder: Path, out: TextIO) -> Log:
    """The log a plan is made from. A folder holding its tables both as CSV files and in a workbook, as
    ``spasmlog template`` writes them, is read form by form: when both hold the same rows, the CSV files are
    used (experiments.csv joins them) and the person is told to keep one form; when they differ, the plan
    refuses as ``validate`` does (which form is the log is the person's to say)."""
    from spasmlog.errors import ConflictingTablesError
    from spasmlog.io.sources import _WORKBOOKS, load_file
    from spasmlog.validation.read import read_log
    from spasmlog.validation.tables import build_log

    try:
        return read_log(folder, errors="quarantine")
    except ConflictingTablesError as error:
        if Path(error.file).resolve() != folder.resolve():  # a client's folder in a caseload: theirs to sort
            raise
        person = unicodedata.normalize("NFC", folder.resolve().name)
        forms: dict[bool, list[Any]] = {False: [], True: []}
        for file in sorted(folder.iterdir()):
            if file.is_file() and not file.name.startswith((".", "~$")):
                try:
                    forms[file.suffix.lower() in _WORKBOOKS] += load_file(file, person_id=person)
                except SpasmlogError:
                    continue  # not a table (notes, a PDF): read_log lists it, the plan needs only the tables
        logs = {form: build_log(raws, errors="quarantine") for form, raws in forms.items()}
        if not all(logs[False].table(t).equals(logs[True].table(t)) for t in ("daily", "spasms", "interventions")):
            raise
        workbooks = ", ".join(sorted({raw.file.split(" [", 1)[0] for raw in forms[True]}))
        out.write(
            f"Note: {folder} holds the same tables as CSV files and in {workbooks} (as `spasmlog template` writes "
            "them); the plan read the CSV files. Delete the form you will not fill in before you log.\n"
        )
        return logs[False]


def _calendar_path(given: Path | None, experiment_id: str, person: str | None) -> tuple[Path, str]:
    """Where a plan's calendar goes, and a note when that is not the plain name: ``EXPERIMENT_ID.html``, with the
    person first in a caseload (two clients may try the same change from the same day), and never over another
    plan's calendar (a free ``-2``, ``-3`` ... is taken). A ``--calendar`` given is used as it is; replacing a file
    there is said."""
    if given is not None:
        return given, " (it replaced the file that was there)" if given.exists() else ""
    from spasmlog.analysis.experiments import _slug

    stem = f"{_slug(person)}-{experiment_id}" if person else experiment_id
    target, k = Path(f"{stem}.html"), 1
    while target.exists():
        k += 1
        target = Path(f"{stem}-{k}.html")
    return target, f" ({stem}.html is another plan's calendar, kept)" if k > 1 else ""


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    from spasmlog.analysis.daily import daily_table
    from spasmlog.analysis.experiments import ExperimentPlan, plan_experiment
    from spasmlog.report.experiment_calendar import write_calendar

    if not args.path.is_dir():
        raise SpasmlogError(f"{args.path} is not a folder: plan into a log folder (experiments.csv is added to it).")
    log = _log_to_plan_from(args.path, out)
    daily = daily_table(log) if log.has_spasm_data else None
    people = log.person_ids
    person = args.person
    if person is None and len(people) > 1:
        raise SpasmlogError(f"The log holds {len(people)} people: say whose experiment it is with --person.")
    if person is not None and people and person not in people:
        raise SpasmlogError(f"No person {person!r} in the log; it holds {', '.join(people)}.")
    person = person or (people[0] if people else None)
    if daily is not None and person is not None:
        daily = daily[daily["person_id"] == person]
    folder = args.path / person if person and (args.path / person).is_dir() else args.path

    def planned(history: Any) -> ExperimentPlan:  # the person's daily table, or None
        try:
            return plan_experiment(
                history,
                change=args.change,
                against=args.against,
                person=person,
                block_days=args.block_days,
                pairs=args.pairs,
                washout_days=args.washout_days,
                design=args.design,
                start=args.start,
                seed=args.seed,
                effect=args.effect,
            )
        except ParameterError as error:  # in the terms of the command line: --pairs, not plan_experiment's pairs
            option = {"change": "try"}.get(error.detail.get("parameter", ""), error.detail.get("parameter", ""))
            message = re.sub(r"The '\w+' parameter of plan_experiment", f"--{option.replace('_', '-')}", error.message)
            raise SpasmlogError(message.replace("design='pairs'", "--design pairs")) from None

    if not args.allow_overlap:  # the dates alone (no history, so no power simulation): refused before the wait
        try:
            planned(None).check_overlap(folder)
        except SpasmlogError as error:
            if "first_free" not in error.detail:
                raise
            free = error.detail["first_free"]
            raise SpasmlogError(
                f"{error.detail['clash']} The first free start is {free} (--start {free}); add --allow-overlap to "
                "try both changes at once on purpose."
            ) from None
    plan = planned(daily)
    table = plan.write(folder, allow_overlap=args.allow_overlap)
    target, note = _calendar_path(args.calendar, plan.experiment_id, person if len(people) > 1 else None)
    page = write_calendar(plan.periods, target, statement=plan.statement)
    starts = plan.periods["start"].dt.strftime("%Y-%m-%d").tolist()
    ends = plan.periods["end"].dt.strftime("%Y-%m-%d").tolist()
    out.write(f"Planned {plan.experiment_id}: {starts[0]} to {ends[-1]} (seed {int(plan.periods['seed'].iloc[0])}).\n")
    for start, end, arm in zip(starts, ends, plan.periods["arm"], strict=True):
        out.write(f"  {start} to {end}  {arm}\n")
    out.write(f"{plan.statement}\n")
    out.write(f"Plan added to {table}; calendar to print: {page}{note}\n")
    return EXIT_OK
