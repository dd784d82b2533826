"""The module import graph of ``bot`` and ``index``: no cycles, and the layers hold.

Built from the source with ``ast`` (nothing is imported): every ``import`` / ``from ...
import`` in a module counts, also one inside a function (a deferred import hides a cycle,
it does not remove it), except those under ``if TYPE_CHECKING:`` (never executed).
Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``, so those count too.

Rules (see the developers' guide): no import cycles; ``index`` never imports ``bot``;
``bot.core`` never imports an adapter or the CLI; ``bot.slack`` and ``bot.teams`` never
import each other.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "index")
ADAPTERS = ("bot.slack", "bot.teams", "bot.cli")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name ``module`` imports (``from a import b`` gives ``a`` and ``a.b``)."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return names


def _graph() -> dict[str, set[str]]:
    """module -> the modules of ours it imports (resolved to the module, plus its packages)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges: set[str] = set()
        for name in _imported_names(module, path):
            while name and name not in modules:  # ``from pkg import name``: name is no module
                name = name.rpartition(".")[0]
            while name:  # the module and the packages above it all run
                if name in modules and name != module and not module.startswith(name + "."):
                    edges.add(name)
                name = name.rpartition(".")[0]
        graph[module] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return _graph()


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_graph_sees_the_code(graph):
    """A guard for the guard: the graph has the modules and edges we know are there."""
    assert "bot.core.service" in graph and "index.search" in graph
    assert {"bot.core.delivery.outbox", "bot.core.delivery"} <= graph["bot.core.service"]  # the package runs too
    assert "bot.slack.wsgi" in graph["bot.cli.serve_cmd"]  # imported inside a function
    assert "bot.teams.runtime" not in graph["bot.teams.flows"]  # only under TYPE_CHECKING


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles(graph):
    assert _cycles(graph) == []


def test_index_never_imports_bot(graph):
    bad = [(m, d) for m, deps in graph.items() if _in(m, "index") for d in deps if _in(d, "bot")]
    assert bad == []


def test_core_imports_no_adapter(graph):
    bad = [(m, d) for m, deps in graph.items() if _in(m, "bot.core") for d in deps
           if any(_in(d, adapter) for adapter in ADAPTERS)]
    assert bad == []


def test_slack_and_teams_do_not_import_each_other(graph):
    bad = [(m, d) for m, deps in graph.items() for d in deps
           if (_in(m, "bot.slack") and _in(d, "bot.teams")) or (_in(m, "bot.teams") and _in(d, "bot.slack"))]
    assert bad == []
