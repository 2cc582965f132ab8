"""Where a report's charts are drawn: here, or in a worker process that draws them while the analysis runs.

A cold ``spasmlog report`` spends about half its time on the analysis (pandas, reading, the fits) and half on
the charts (matplotlib's import and the drawing), and the two do not need each other until the page is put
together: the charts of the log itself (trend, calendar, body map, intake) need only the daily table, and
those of the results (forest, lag profile) only the result tables. :func:`charts_in_worker` forks one worker
process at the start of the command, once pandas is imported (the worker then has it without importing it
again: the worker costs little more CPU time than drawing here); the worker imports matplotlib while the
command reads the log, the report hands each chart to it (:func:`submit`) as soon as its data is known, and
collects the SVG when the page is rendered (:meth:`Pending.result`). The worker draws with the same function
as the command would (:func:`spasmlog.report.charts.draw`), under the same factor names: the page is the same.
A second core shortens the wall-clock time; on a machine whose cores are all busy with other work at the
start, no worker is started (it would only share this process's time).

Outside :func:`charts_in_worker` (in Python, in notebooks, in tests), or where a worker cannot be started
safely, :func:`submit` draws at once, in this process. Nothing is cached between runs.

This module imports nothing heavy: the command's process never imports matplotlib when the worker draws.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from spasmlog.report._chart import Chart

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["Pending", "charts_in_worker", "submit"]


class Pending:
    """A chart handed to :func:`submit`: :meth:`result` gives it once it is drawn."""

    def __init__(self, name: str, data: Any, options: dict[str, Any], worker: _Worker | None = None) -> None:
        self._job = (name, data, options)
        self._worker = worker
        self._number = -1
        self._chart: Chart | None = None
        if worker is not None:
            self._number = worker.send(name, data, options)
        if self._number < 0:  # no worker, or it could not take the job: drawn here, now
            self._worker = None
            self._chart = _draw_here(name, data, options)

    @property
    def alt(self) -> str:
        """The chart in words, as given to :func:`submit` (known before it is drawn)."""
        return str(self._job[2]["alt"])

    def result(self) -> Chart:
        """The chart; waits for the worker if it is drawing it, draws it here if the worker has stopped."""
        if self._chart is None:
            chart = self._worker.receive(self._number) if self._worker is not None else None
            self._chart = chart if chart is not None else _draw_here(*self._job)
        return self._chart


def _draw_here(name: str, data: Any, options: dict[str, Any]) -> Chart:
    from spasmlog.report.charts import draw  # matplotlib: imported when the first chart is drawn in this process

    return draw(name, data, **options)


def _factor_names() -> Mapping[str, str] | None:
    """The factor names in force (:func:`spasmlog.analysis.findings.factor_names`), for the worker's labels."""
    from spasmlog.analysis.findings import _NAMES  # (spasmlog.analysis.findings is also a function's name)

    return _NAMES.get()


def submit(
    name: str,
    data: Any,
    *,
    key: str,
    alt: str,
    size: tuple[float, float] | None = None,
    **options: Any,
) -> Pending:
    """Have ``spasmlog.plots.<name>(data, ...)`` drawn as a chart (:func:`spasmlog.report.charts.draw`).

    Inside :func:`charts_in_worker` the worker draws it while this process goes on; otherwise it is drawn
    here, before this returns. The arguments are those of :func:`~spasmlog.report.charts.draw`.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.DataFrame({"date": pd.date_range("2025-03-01", periods=30), "spasm_count": [1, 2, 0] * 10})
    >>> chart = submit("trend", days, key="doctest", alt="Spasms per day.", size=(7.2, 2.9)).result()
    >>> chart.svg.startswith("<svg"), chart.alt
    (True, 'Spasms per day.')
    """
    arguments = {"key": key, "alt": alt, "size": size, **options}
    return Pending(name, data, arguments, _WORKER.get())


# ---------------------------------------------------------------------------------------------------------------
# The worker


class _Worker:
    """One worker process (forked) and the pipe to it: jobs go one way, charts (or errors) come back."""

    def __init__(self, connection: Connection, process: BaseProcess) -> None:
        self._connection = connection
        self._process = process
        self._sent = 0
        self._received: dict[int, tuple[Chart | None, BaseException | None]] = {}
        self.stopped = False

    def send(self, name: str, data: Any, options: dict[str, Any]) -> int:
        """Hand a job to the worker; its number, or -1 when the worker has stopped."""
        if self.stopped:
            return -1
        number = self._sent
        job = (number, name, data, _factor_names(), options)
        try:
            message = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):  # data the pipe cannot carry: drawn here
            return -1
        try:
            self._connection.send_bytes(message)
        except OSError:  # the worker has gone: every chart from now on is drawn here
            self.stopped = True
            return -1
        self._sent += 1
        return number

    def receive(self, number: int) -> Chart | None:
        """The chart of job ``number`` (the worker's error raised here), or None if the worker stopped first."""
        while number not in self._received:
            try:
                answer = pickle.loads(self._connection.recv_bytes())
            except (EOFError, OSError):
                self.stopped = True
                return None
            self._received[answer[0]] = answer[1:]
        chart, error = self._received.pop(number)
        if error is not None:
            raise error
        return chart

    def close(self, *, finished: bool) -> None:
        """Let the worker end (``finished``) or end it now (an error or Ctrl-C on the way), and wait for it."""
        if finished and not self.stopped:
            with contextlib.suppress(OSError, EOFError):  # EOF: the worker has ended
                self._connection.send_bytes(pickle.dumps(None))
                while True:  # charts started but not needed (the page decided otherwise): read, so it can end
                    self._connection.recv_bytes()
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=10)
        self._connection.close()


_WORKER: ContextVar[_Worker | None] = ContextVar("spasmlog_chart_worker", default=None)


def _can_fork(fresh: bool) -> bool:
    """Whether a worker can be forked safely and pays off: Linux, two cores or more, one of them free now
    (:func:`_idle_core`), a process that was ``fresh`` (it had loaded nothing but the standard library when
    the command started; pandas since), no thread of Python's besides this one, and matplotlib not loaded.

    Forking a process that runs threads is safe only if nothing a thread may hold is needed in the child. The
    threads of a process that has only imported pandas are NumPy's OpenBLAS pool and the jemalloc background
    thread of pyarrow, idle, both of which prepare for a fork (``pthread_atfork``); a program that has used
    more (matplotlib's GUI loops, Arrow's thread pools, threads of its own) may not be.
    """
    if not fresh or not sys.platform.startswith("linux") or not hasattr(os, "sched_getaffinity"):
        return False
    alone = threading.active_count() == 1 and "matplotlib" not in sys.modules
    return alone and len(os.sched_getaffinity(0)) > 1 and _idle_core()


def _idle_core(loadavg: str = "/proc/loadavg") -> bool:
    """Whether a core of the machine is free at this moment: fewer tasks running than cores (the count of
    ``/proc/loadavg`` includes this process). When every core is busy with other work, a worker would share
    this process's time instead of adding to it, and only cost its own start (about 0.1 s of CPU)."""
    try:
        with open(loadavg, encoding="ascii") as file:
            running = int(file.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return True
    return running < (os.cpu_count() or 1)


@contextlib.contextmanager
def charts_in_worker(*, fresh: bool) -> Iterator[bool]:
    """Within the block, :func:`submit` hands the charts to a worker process; yields whether one was started.

    The command line calls it first thing, after importing pandas, with ``fresh`` true when its process had
    loaded nothing heavy before (a new ``spasmlog report``, not ``main()`` called inside a program): the
    worker is forked from it, then imports matplotlib and the charts while this process reads the log. Where
    a worker cannot be forked safely (see :func:`_can_fork`), nothing is started and the charts are drawn in
    this process, as outside the block. Leaving the block ends the worker (at once on an error).
    """
    if not _can_fork(fresh):
        yield False
        return
    import multiprocessing
    import signal
    import warnings

    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe()
    for stream in (sys.stdout, sys.stderr):  # the child must not write out a copy of what is still buffered
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    process = context.Process(target=_serve, args=(theirs,), name="spasmlog-charts", daemon=True)
    # Ctrl-C is held back until the worker ignores it (a Ctrl-C at the fork would stop it with a traceback)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with warnings.catch_warnings():  # Python 3.12+ warns of any fork with threads: these two allow it (above)
            warnings.filterwarnings("ignore", message=r".*multi-threaded.*fork", category=DeprecationWarning)
            process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    theirs.close()
    worker = _Worker(mine, process)
    token = _WORKER.set(worker)
    finished = False
    try:
        yield True
        finished = True
    finally:
        _WORKER.reset(token)
        worker.close(finished=finished)


def _serve(connection: Connection) -> None:
    """The worker: imports matplotlib and the charts, then draws each job as it comes, in order.

    Two threads only move bytes: one receives the jobs, one sends the charts back, so that neither side ever
    waits for the other to read (a chart is larger than what the pipe holds, and the command reads it only
    when it puts the page together). The jobs are unpickled and drawn in the main thread. Ctrl-C is the
    command's to handle: the worker ignores it and is ended by the command.
    """
    import queue
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back by charts_in_worker while forking
    jobs: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    answers: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def receive() -> None:
        try:
            while True:
                jobs.put(connection.recv_bytes())
        except (EOFError, OSError):
            jobs.put(None)

    def send() -> None:
        with contextlib.suppress(OSError):  # the command has gone: nothing left to send to
            while (answer := answers.get()) is not None:
                connection.send_bytes(answer)

    threading.Thread(target=receive, name="spasmlog-charts-receive", daemon=True).start()
    sender = threading.Thread(target=send, name="spasmlog-charts-send")
    sender.start()
    try:
        _warm_up()
        from spasmlog.analysis.findings import factor_names
        from spasmlog.report.charts import draw

        while (message := jobs.get()) is not None:
            job = pickle.loads(message)
            if job is None:
                break
            number, name, data, names, options = job
            chart: Chart | None = None
            error: BaseException | None = None
            try:
                with factor_names(names) if names is not None else contextlib.nullcontext():
                    chart = draw(name, data, **options)
            except Exception as raised:
                error = raised
            try:
                answers.put(pickle.dumps((number, chart, error), protocol=pickle.HIGHEST_PROTOCOL))
            except Exception:  # an error that does not pickle: its type and message
                answers.put(pickle.dumps((number, None, RuntimeError(f"{type(error).__name__}: {error}"))))
    finally:
        answers.put(None)
        sender.join()
        connection.close()


def _warm_up() -> None:
    """What every chart needs, loaded while the command reads the log: matplotlib (files only), the plots."""
    import matplotlib

    matplotlib.use("Agg")
    import spasmlog.plots.associations
    import spasmlog.plots.body
    import spasmlog.plots.timeline
    import spasmlog.report.charts  # noqa: F401
