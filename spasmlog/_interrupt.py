"""Ctrl-C while the ``spasmlog`` command is still loading its libraries: one line and exit 130, no traceback.

Imported first by the package. Only when Python runs the command (``spasmlog ...`` or ``python -m spasmlog``)
does it install a SIGINT handler, which :func:`spasmlog.cli.main` replaces by Python's own as soon as it
starts (from then on ``main`` handles Ctrl-C and says what was changed). Imported as a library, nothing
happens.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType

__all__ = ["forget_interrupts", "interrupted_while_loading", "record_and_raise", "was_interrupted"]

_RECEIVED: list[int] = []


def interrupted_while_loading(number: int, frame: FrameType | None) -> None:
    """The SIGINT handler while the command loads: nothing has been done yet, so say so and exit 130."""
    sys.stderr.write("Interrupted; nothing was changed.\n")
    sys.stderr.flush()
    os._exit(130)


def record_and_raise(number: int, frame: FrameType | None) -> None:
    """The SIGINT handler while a command runs: remember the interrupt, then raise :class:`KeyboardInterrupt`.

    Remembering matters because the exception can land where it is swallowed or mangled (in a weakref
    callback, inside a plotting library that turns it into another error); the command still ends as
    interrupted (see :func:`was_interrupted`) and nothing more is put in place.
    """
    _RECEIVED.append(number)
    raise KeyboardInterrupt


def was_interrupted() -> bool:
    """Whether Ctrl-C was pressed while the command ran (under :func:`record_and_raise`)."""
    return bool(_RECEIVED)


def forget_interrupts() -> None:
    """Start afresh: no Ctrl-C remembered (at the start and end of each command)."""
    _RECEIVED.clear()


def _running_as_the_command() -> bool:
    """``spasmlog ...`` or ``python -m spasmlog ...`` (not ``python -m spasmlog.samples``, not a notebook)."""
    original = list(getattr(sys, "orig_argv", []))
    if "-m" in original[:-1]:
        return original[original.index("-m") + 1] == "spasmlog"
    if any(argument.startswith("-m") for argument in original[1:]):
        return "-mspasmlog" in original
    return bool(sys.argv) and os.path.basename(sys.argv[0]) in ("spasmlog", "spasmlog.exe")


if (
    _running_as_the_command()
    and threading.current_thread() is threading.main_thread()
    and signal.getsignal(signal.SIGINT) is signal.default_int_handler  # not when Ctrl-C is ignored (nohup)
):
    signal.signal(signal.SIGINT, interrupted_while_loading)
