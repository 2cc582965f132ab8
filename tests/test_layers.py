"""The layering of DESIGN.md: every import of a spasmlog module goes down (or sideways), never back up, and
no two modules import each other, directly or round a longer loop.

The imports are read with :mod:`ast` from the source of every module under ``spasmlog/`` (``tools/`` and the
notebooks are not part of the package). Imports inside functions count (a lazy import is still a dependency);
imports under ``if TYPE_CHECKING:`` do not (they never run). ``from spasmlog.x import y`` is an edge to
``spasmlog.x``, and to ``spasmlog.x.y`` as well when that is a module. Importing ``spasmlog.x.y`` also runs the
``__init__`` of ``spasmlog`` and ``spasmlog.x``; those implicit parent imports are not edges (every module would
otherwise depend on the root package), which is why package ``__init__`` files must stay cheap and lazy.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "spasmlog"

LAYERS: dict[str, int] = {
    # 0 base
    "spasmlog.errors": 0,
    "spasmlog._checks": 0,
    "spasmlog._interrupt": 0,
    "spasmlog._version": 0,
    "spasmlog._lazy": 0,
    # 1 declarations
    "spasmlog.logformat": 1,
    # 2 files
    "spasmlog.io": 2,
    # 3 validation
    "spasmlog.validation": 3,
    "spasmlog.log": 3,
    # 4 importers
    "spasmlog.importers": 4,
    "spasmlog.template": 4,
    "spasmlog.share": 4,
    # 5 engines
    "spasmlog.stats": 5,
    "spasmlog.simulate": 5,
    # 6 questions
    "spasmlog.analysis": 6,
    "spasmlog.samples": 6,
    # 7 pages
    "spasmlog.plots": 7,
    "spasmlog.report": 7,
    "spasmlog.spark": 7,  # per-person analyses on Spark: validation, daily table and analyses in each group
    # 8 drivers
    "spasmlog.cli": 8,
    "spasmlog.__main__": 8,
    "spasmlog": 8,
}
"""Module (or package prefix) → layer; a module's layer is that of its longest matching prefix."""

LAYER_NAMES = ("base", "declarations", "files", "validation", "importers", "engines", "questions", "pages", "drivers")


# --- the checker --------------------------------------------------------------------------------------------


def module_name(path: Path, root: Path = ROOT) -> str:
    """``spasmlog/io/cells.py`` → ``spasmlog.io.cells``; ``spasmlog/io/__init__.py`` → ``spasmlog.io``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str, layers: Mapping[str, int] = LAYERS) -> int | None:
    """The layer of the longest prefix of ``module`` (whole dotted parts) in ``layers``; None when none."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in layers:
            return layers[prefix]
    return None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> Iterable[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: module level and inside functions, not under ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)  # the `else:` of `if TYPE_CHECKING:` does run
            continue
        stack.extend(ast.iter_child_nodes(node))


def imports_of(module: str, source: str, modules: set[str], *, is_package: bool = False) -> set[str]:
    """The spasmlog modules that ``module`` (whose code is ``source``) imports: the set of edge targets."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in _runtime_imports(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        if node.level:  # relative: `from . import x`, `from ..io import y`
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, node.module] if node.module else base)
        else:
            target = node.module or ""
        submodules = {f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in modules}
        found |= submodules
        if target != "spasmlog" or len(submodules) < len(node.names):
            found.add(target)  # but `from spasmlog import _checks` takes a module, none of the root's names
    return {name for name in found if name == "spasmlog" or name.startswith("spasmlog.")} - {module}


def package_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """module → the spasmlog modules it imports, for every ``.py`` file under ``package``."""
    files = {module_name(path, package.parent): path for path in sorted(package.rglob("*.py"))}
    modules = set(files)
    return {
        name: imports_of(name, path.read_text(encoding="utf-8"), modules, is_package=path.name == "__init__.py")
        for name, path in files.items()
    }


def upward_edges(graph: Mapping[str, set[str]], layers: Mapping[str, int] = LAYERS) -> list[str]:
    """Every import that goes back up, as "a (layer i) imports b (layer j > i)"."""
    found = []
    for module, targets in sorted(graph.items()):
        low = layer_of(module, layers)
        for target in sorted(targets):
            high = layer_of(target, layers)
            if low is not None and high is not None and high > low:
                found.append(f"{module} (layer {low}) imports {target} (layer {high})")
    return found


def unplaced(graph: Mapping[str, set[str]], layers: Mapping[str, int] = LAYERS) -> list[str]:
    """Modules (and imported spasmlog names) that no prefix of ``layers`` places."""
    names = set(graph) | {target for targets in graph.values() for target in targets}
    return sorted(name for name in names if layer_of(name, layers) is None)


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The import cycles: each strongly connected component of more than one module (or a module importing
    itself), sorted, found with Tarjan's algorithm (iterative, so a long chain cannot overflow the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    nodes = sorted(set(graph) | {t for targets in graph.values() for t in targets})
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph.get(node, ()):
                        found.append(sorted(component))
    return sorted(found)


# --- the checker, checked on made-up graphs -------------------------------------------------------------------

FAKE_LAYERS = {"pkg.base": 0, "pkg.io": 2, "pkg.io.special": 3, "pkg.report": 7, "pkg": 8}


def test_layer_of_takes_the_longest_prefix_of_whole_parts() -> None:
    assert layer_of("pkg.io.cells", FAKE_LAYERS) == 2
    assert layer_of("pkg.io.special.deep", FAKE_LAYERS) == 3
    assert layer_of("pkg.iox", FAKE_LAYERS) == 8  # "pkg.io" is not a prefix of "pkg.iox": only "pkg" is
    assert layer_of("other", FAKE_LAYERS) is None


def test_an_import_back_up_is_reported_with_both_layers() -> None:
    graph = {"pkg.io.cells": {"pkg.base", "pkg.report.build"}, "pkg.report.build": {"pkg.io.cells"}}
    assert upward_edges(graph, FAKE_LAYERS) == ["pkg.io.cells (layer 2) imports pkg.report.build (layer 7)"]
    assert upward_edges({"pkg.report": {"pkg.io", "pkg.report.x"}}, FAKE_LAYERS) == []


def test_a_module_outside_the_map_is_reported() -> None:
    assert unplaced({"pkg.io": set(), "stray.module": {"other"}}, FAKE_LAYERS) == ["other", "stray.module"]


def test_cycles_are_found_inside_one_layer_and_across_layers() -> None:
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a", "d"},  # a → b → c → a
        "d": {"e"},
        "e": {"d"},  # d ⇄ e
        "f": {"f"},  # a module importing itself
        "g": {"a", "d"},  # pointing into cycles is not one
    }
    assert cycles(graph) == [["a", "b", "c"], ["d", "e"], ["f"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_a_long_chain_does_not_overflow_the_stack() -> None:
    graph = {f"m{i}": {f"m{i + 1}"} for i in range(5000)}
    assert cycles(graph) == []
    graph["m5000"] = {"m0"}
    assert cycles(graph) == [sorted(graph)]


def test_imports_are_read_at_module_level_inside_functions_and_relative_but_not_for_type_checking() -> None:
    source = """
from __future__ import annotations
import os
import spasmlog.io.cells
from typing import TYPE_CHECKING
from spasmlog.io import parsing, read_thing
from . import sibling
from ..logformat import schemas

if TYPE_CHECKING:
    from spasmlog.log import Log
else:
    from spasmlog.errors import SpasmlogError

def lazy():
    from spasmlog.report.build import render
    if typing.TYPE_CHECKING:
        import spasmlog.cli
"""
    modules = {"spasmlog.io.parsing", "spasmlog.importers.sibling", "spasmlog.logformat.schemas"}
    found = imports_of("spasmlog.importers.merge", source, modules)
    assert found == {
        "spasmlog.io.cells",
        "spasmlog.io",  # `from spasmlog.io import ...` runs spasmlog/io/__init__.py
        "spasmlog.io.parsing",  # ... and parsing is a module; read_thing is not
        "spasmlog.importers",
        "spasmlog.importers.sibling",
        "spasmlog.logformat",
        "spasmlog.logformat.schemas",
        "spasmlog.errors",
        "spasmlog.report.build",
    }
    # in a package's __init__, `from . import x` is relative to the package itself
    assert imports_of("spasmlog.io", "from . import parsing", modules, is_package=True) == {"spasmlog.io.parsing"}


# --- the package ------------------------------------------------------------------------------------------------

GRAPH = package_graph()


def test_every_module_has_a_layer() -> None:
    missing = unplaced(GRAPH)
    assert not missing, "place these modules in LAYERS (tests/test_layers.py):\n" + "\n".join(missing)


def test_no_import_goes_back_up() -> None:
    edges = upward_edges(GRAPH)
    assert not edges, "imports that go back up:\n" + "\n".join(edges)


def test_there_is_no_import_cycle() -> None:
    found = cycles(GRAPH)
    assert not found, "import cycles:\n" + "\n".join(" ⇄ ".join(cycle) for cycle in found)


def test_the_graph_is_read_from_the_real_package() -> None:
    """A guard on the guard: the reader sees the edges that exist, so an empty answer above means something."""
    assert "spasmlog.logformat.schemas" in GRAPH["spasmlog.validation"] | {
        t for m, ts in GRAPH.items() if m.startswith("spasmlog.validation.") for t in ts
    }
    assert "spasmlog.analysis._person_days" in GRAPH["spasmlog.analysis.rates"]
    assert "spasmlog._checks" in GRAPH["spasmlog.analysis.rates"]  # read from `from spasmlog import _checks`
    assert len(GRAPH) > 40


# Every module imported first, on its own: an import cycle that the order of a full test run hides shows here
# as an ImportError. One interpreter for all of them (third-party libraries load once): modules go in order of
# layer, and before each one every spasmlog module of its layer or above is dropped from sys.modules (lower
# layers may stay loaded: a cycle through them needs an import back up, which the test above refuses), and the
# root package is replaced by an empty one, as a lazy root (PEP 562) leaves it, so that its eager imports cannot
# hide a cycle below it.
_IMPORT_EACH = """
import importlib, sys, traceback, types
package, first, layer_of = sys.argv[1], sys.argv[2], dict(arg.rsplit(":", 1) for arg in sys.argv[3:])
failed = []
for name, layer in [(first, "-1"), *layer_of.items()]:
    for loaded in [m for m in sys.modules if m == "spasmlog" or m.startswith("spasmlog.")]:
        if loaded == "spasmlog" or int(layer_of.get(loaded, 99)) >= int(layer):
            del sys.modules[loaded]
    if "." in name and not name.startswith("spasmlog.cli"):
        root = types.ModuleType("spasmlog")
        root.__path__ = [package]
        sys.modules["spasmlog"] = root
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ":\\n" + traceback.format_exc(limit=-3))
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


FIRST = "spasmlog.validation"
"""Imported first, in a fresh interpreter (the cycle io ⇄ validation made ``import spasmlog.validation`` fail)."""


def test_each_module_imports_on_its_own() -> None:
    names = [name for name in GRAPH if name != "spasmlog.__main__"]  # __main__ runs the command line
    ordered = sorted((layer_of(name), name) for name in names)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, str(PACKAGE), FIRST, *(f"{name}:{layer}" for layer, name in ordered)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
