"""Lazy public names for spasmlog's packages (PEP 562), so that ``import spasmlog`` loads almost nothing.

A package lists its public names and the module each comes from; :func:`attach` gives it a module
``__getattr__`` that imports that module on first use (and keeps the value, so the cost is paid once) and a
``__dir__`` that lists them. ``spasmlog.read_log``, ``from spasmlog import read_log`` and
``from spasmlog.analysis import findings`` all work as if the names had been imported eagerly; a command
such as ``spasmlog --help`` never loads pandas, scipy, statsmodels or matplotlib.

Two things eager imports did implicitly are kept:

- a sub-module is an attribute of its package on first use (``spasmlog.samples.sample_path``), as it was
  when the package imported it;
- where a public function has the name of a sub-module (``spasmlog.simulate`` the function and
  ``spasmlog/simulate.py``, ``spasmlog.analysis.findings``), the function keeps the name: the import system
  binds a sub-module to its package's attribute when it first loads it, and the package refuses that one
  binding (see :class:`LazyPackage`).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["LazyPackage", "attach"]


class LazyPackage(ModuleType):
    """A package whose lazily imported public names win over its sub-modules of the same name."""

    _spasmlog_lazy: Mapping[str, str]

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and name in self.__dict__.get("_spasmlog_lazy", {}):
            return  # the import system binding spasmlog/simulate.py: spasmlog.simulate stays the function
        super().__setattr__(name, value)


def attach(package: str, names: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose public ``names`` live in the modules given.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping of str to str
        Each public name → the module that defines it under the same name (``"read_log":
        "spasmlog.validation.read"``).

    Returns
    -------
    tuple of callables
        ``__getattr__(name)`` and ``__dir__()``, to be bound at the package's module level.

    Notes
    -----
    The package's class becomes :class:`LazyPackage` (module ``__class__`` assignment, allowed since
    Python 3.5) so that a sub-module named like a public function never shadows the function.

    Examples
    --------
    >>> import spasmlog.analysis
    >>> "findings" in dir(spasmlog.analysis)
    True
    >>> from spasmlog.analysis import findings
    >>> callable(findings) and findings.__module__
    'spasmlog.analysis.findings'
    """
    module = sys.modules[package]
    module.__dict__["_spasmlog_lazy"] = dict(names)
    module.__class__ = LazyPackage

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
            module.__dict__[name] = value  # later look-ups find it without calling __getattr__
            return value
        if not name.startswith("_") and importlib.util.find_spec(f"{package}.{name}") is not None:
            return importlib.import_module(f"{package}.{name}")  # a sub-module, as an eager import made it
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(names))

    return __getattr__, __dir__
