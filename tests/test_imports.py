"""The house's rules for imports, read from the source (no import is executed).

* No import cycle among the package's modules, counting imports inside functions too.
* No module reaches into another package's private module (``hocvuso.core._i18n`` from widgets):
  each package's public face (its ``__init__`` or a module without a leading underscore) is what
  the others use.
* ``core`` is the ground floor: it imports nothing else of hocvuso.

The module names come from pyproject.toml's package-dir mapping, as an installed hocvuso has them.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from setuptools.config.pyprojecttoml import read_configuration

REPO = Path(__file__).resolve().parents[1]


def package_modules() -> dict[str, Path]:
    """Every module of the installed package, by dotted name, from the source tree."""
    mapping = read_configuration(REPO / "pyproject.toml")["tool"]["setuptools"]["package-dir"]
    modules: dict[str, Path] = {}
    for package, folder in mapping.items():
        root = REPO / folder
        for path in root.rglob("*.py"):
            relative = path.relative_to(root).with_suffix("")
            parts = [p for p in relative.parts if p != "__init__"]
            if any(p in {"judge", "__pycache__"} and (root / p).is_dir() and not (root / p / "__init__.py").exists()
                   for p in relative.parts):
                continue  # data folders that hold scripts, not modules
            name = ".".join([package, *parts])
            # a subfolder mapped by its own entry belongs to that entry
            if any(other != package and other.startswith(package + ".") and name.startswith(other)
                   for other in mapping):
                continue
            modules[name] = path
    return modules


def imported_names(module: str, path: Path) -> set[str]:
    """The hocvuso modules `module` imports (relative imports resolved), wherever the import stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    base = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "hocvuso")
            continue
        if node.level:
            anchor = base[: len(base) - (node.level - 1)]
            target = ".".join([*anchor, node.module] if node.module else anchor)
        else:
            target = node.module or ""
        if target.split(".")[0] != "hocvuso":
            continue
        found.add(target)
        found.update(f"{target}.{a.name}" for a in node.names)  # `from pkg import submodule`
    return found


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, in functions too (a lazy import hides a cycle from the interpreter, not
    from the reader), except those under ``if TYPE_CHECKING:`` (annotations only)."""
    out: list[ast.Import | ast.ImportFrom] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.extend(i for n in node.orelse for i in _imports(ast.Module(body=[n], type_ignores=[])))
        else:
            out.extend(_imports(node))
    return out


MODULES = package_modules()


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = imported_names(name, path)
        graph[name] = {t for t in targets if t in MODULES and t != name}
    return graph


def _package_of(module: str) -> str:
    """`hocvuso.core._x` → `hocvuso.core`; the top package's own modules (cli, …) are `hocvuso`."""
    parts = module.split(".")
    name = ".".join(parts[:2])
    return name if name in MODULES and (MODULES[name].name == "__init__.py") else "hocvuso"


def _is_private(module: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in module.split(".")[2:])


def test_the_module_list_is_the_package():
    assert "hocvuso.cli" in MODULES and "hocvuso.core" in MODULES and "hocvuso.grader" in MODULES
    assert len(MODULES) > 50


def test_there_is_no_import_cycle():
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_no_package_reaches_into_another_packages_private_module():
    graph = _graph()
    offences = sorted(f"{src} imports {dst}" for src, targets in graph.items() for dst in targets
                      if _package_of(src) != _package_of(dst) and _is_private(dst))
    assert not offences, "\n".join(offences)


def test_core_is_the_ground_floor():
    graph = _graph()
    upward = sorted(f"{src} imports {dst}" for src, targets in graph.items() if _package_of(src) == "hocvuso.core"
                    for dst in targets if _package_of(dst) != "hocvuso.core")
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("source, expected", [
    ("from hocvuso.core._i18n import N_\n", {"hocvuso.core._i18n", "hocvuso.core._i18n.N_"}),
    ("from . import _x\n", {"hocvuso.widgets", "hocvuso.widgets._x"}),
    ("from ._task import T\n", {"hocvuso.widgets._task", "hocvuso.widgets._task.T"}),
    ("if TYPE_CHECKING:\n    from hocvuso.grader import x\n", set()),
    ("def f():\n    import hocvuso.grader\n", {"hocvuso.grader"}),
    ("try:\n    from .x import y\nexcept ImportError:\n    pass\n", {"hocvuso.widgets.x", "hocvuso.widgets.x.y"}),
])
def test_the_reader_resolves_imports(tmp_path, source, expected):
    """The rules above are only as good as the import reader: relative, TYPE_CHECKING, lazy, try."""
    path = tmp_path / "_mod.py"
    path.write_text(source)
    assert imported_names("hocvuso.widgets._mod", path) == expected
