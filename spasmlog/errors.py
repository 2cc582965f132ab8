"""The exceptions spasmlog raises, each carrying structured detail as well as a readable message.

One small hierarchy: every error the package raises on purpose is a :class:`SpasmlogError`, so a caller
can catch that one class. Each exception keeps the data it was built from as attributes (``file``,
``column``, ``problems``, ...), so callers and tests need not parse the message. All of them pickle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where it is used: `import spasmlog.errors` stays cheap for the CLI
    import pandas as pd

__all__ = [
    "AmbiguousColumnError",
    "ConflictingTablesError",
    "EncodingError",
    "ImportFormatError",
    "LogNotFoundError",
    "LogReadError",
    "LogValidationError",
    "MissingColumnError",
    "ParameterError",
    "ParameterTypeError",
    "SmallSampleWarning",
    "SpasmlogError",
    "UnrecognisedTableError",
    "UnsafeFileError",
    "WriteError",
]


class SpasmlogError(Exception):
    """Base class of every error spasmlog raises on purpose.

    Keyword arguments given to the constructor are kept as attributes and survive pickling.
    """

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        for key, value in detail.items():
            setattr(self, key, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.detail))

    def __str__(self) -> str:
        return self.message


def _rebuild(cls: type[SpasmlogError], message: str, detail: dict[str, Any]) -> SpasmlogError:
    error = cls.__new__(cls)
    SpasmlogError.__init__(error, message, **detail)
    return error


class LogReadError(SpasmlogError):
    """A file or folder could not be read as a log at all (not a problem with one row)."""

    file: str


class LogNotFoundError(LogReadError, FileNotFoundError):
    """The path given does not exist, or holds no table spasmlog recognises."""

    @classmethod
    def missing(cls, path: str | Path) -> LogNotFoundError:
        """The error for a path that does not exist, in the same words from :func:`spasmlog.read_log` and the CLI.

        Examples
        --------
        >>> error = LogNotFoundError.missing(Path("no") / "such" / "log")
        >>> str(error) == f"{Path('no/such/log')} does not exist. Give the path of a log folder or a table file."
        True
        >>> isinstance(error, FileNotFoundError), error.file == str(Path("no/such/log"))
        (True, True)
        """
        return cls(f"{path} does not exist. Give the path of a log folder or a table file.", file=str(path))


class EncodingError(LogReadError):
    """A text file is neither UTF-8 (with or without BOM), UTF-16 with BOM, nor Windows-1252."""


class UnrecognisedTableError(LogReadError):
    """A file's name and columns match none of the tables ``daily``, ``spasms``, ``interventions``, ``people``."""


class MissingColumnError(LogReadError):
    """A table lacks a column it cannot do without (``date`` in ``daily``, ``start`` in ``spasms``, ...)."""

    table: str
    column: str


class AmbiguousColumnError(LogReadError):
    """Two headers of one file mean the same column (``Water (L)`` and ``water_ml``)."""


class ConflictingTablesError(LogReadError):
    """A folder holds the same table in two forms (CSV tables and a workbook sheet)."""


class ImportFormatError(LogReadError):
    """An app export is not in the format it was read as (or, with auto-detection, in no known format)."""


class UnsafeFileError(LogReadError):
    """A file was refused for safety: XML with entity declarations or external references (billion
    laughs, XXE), a zip entry that would land outside its folder, or an absurd compression ratio."""


class WriteError(SpasmlogError, OSError):
    """A file could not be written (a full disk, no permission); what was there before is left as it was.

    Attributes
    ----------
    file : str
        The file that was being written, as the person named it (not the temporary file beside it).
    cause : str
        Why, in words (``No space left on device``).
    errno : int or None
        The operating system's error number (``errno.ENOSPC``).
    """

    file: str
    cause: str


class LogValidationError(SpasmlogError, ValueError):
    """Rows of the log break the rules of the log format.

    Raised by :func:`spasmlog.read_log` with ``errors="raise"`` after every problem has been collected.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem, with the columns of :attr:`spasmlog.Log.problems`.
    """

    problems: pd.DataFrame

    @classmethod
    def from_problems(cls, problems: pd.DataFrame, *, shown: int = 10) -> LogValidationError:
        """Build the error with a message listing the first ``shown`` problems and how many more."""
        errors = problems[problems["severity"] == "error"]
        rows = [f"{len(errors)} problem(s) found in the log:"]
        for problem in errors.head(shown).to_dict("records"):
            rows.append("  " + describe_problem({str(k): v for k, v in problem.items()}))
        if len(errors) > shown:
            rows.append(
                f"  ... and {len(errors) - shown} more. "
                "Use errors='quarantine' (or `spasmlog validate`) to see them all."
            )
        return cls("\n".join(rows), problems=problems)


class ParameterError(SpasmlogError, ValueError):
    """An argument of a spasmlog function is not one it accepts (still a :class:`ValueError`).

    Attributes
    ----------
    function : str
        The function that was called (``rate_ratios``).
    parameter : str
        The argument's name (``alpha``).
    value : object
        What was given.
    allowed : str
        What would have been accepted, in words (``a number in (0, 1)``).

    Examples
    --------
    >>> error = ParameterError.build("rate_ratios", "alpha", 2, "a number in (0, 1)")
    >>> str(error)
    "The 'alpha' parameter of rate_ratios must be a number in (0, 1). Got 2 instead."
    >>> isinstance(error, ValueError), error.parameter
    (True, 'alpha')
    """

    function: str
    parameter: str
    value: object
    allowed: str

    @classmethod
    def build(cls, function: str, parameter: str, value: object, allowed: str, *, hint: str = "") -> ParameterError:
        """The error with the standard message: which argument of which function, what it must be, what it got."""
        message = f"The {parameter!r} parameter of {function} must be {allowed}. Got {value!r} instead."
        return cls(
            message + (f" {hint}" if hint else ""), function=function, parameter=parameter, value=value, allowed=allowed
        )


class ParameterTypeError(ParameterError, TypeError):
    """An argument of the wrong kind altogether (a list where a DataFrame is needed).

    Both a :class:`ParameterError` (so a :class:`ValueError`) and a :class:`TypeError`, as scikit-learn's
    ``InvalidParameterError`` is, so code that caught either before still catches it.

    Examples
    --------
    >>> error = ParameterTypeError("No table.", function="correlate", parameter="daily", value=[1], allowed="a table")
    >>> isinstance(error, TypeError), isinstance(error, ValueError), error.parameter
    (True, True, 'daily')
    """


class SmallSampleWarning(UserWarning):
    """A result rests on few units (people, days): it is computed with a small-sample correction, but read
    it with care. Keyword arguments (``subjects``, ...) are kept as attributes and survive pickling."""

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        for key, value in detail.items():
            setattr(self, key, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_warning, (type(self), self.message, self.detail))

    def __str__(self) -> str:
        return self.message


def _rebuild_warning(cls: type[SmallSampleWarning], message: str, detail: dict[str, Any]) -> SmallSampleWarning:
    return cls(message, **detail)


def describe_problem(problem: dict[str, Any]) -> str:
    """One readable line for one problem: ``daily.csv:14 water_ml = '-3': message``."""
    import pandas as pd

    where = Path(str(problem["file"])).name if problem["file"] else problem["table"]
    column = f" {problem['column']}" if problem["column"] else ""
    value = problem["value"]
    shown = f" = {value!r}" if isinstance(value, str) else ""
    line = problem["line"]
    at = "" if pd.isna(line) else f":{line}"  # a file not read has no line
    return f"{where}{at}{column}{shown}: {problem['message']}"
