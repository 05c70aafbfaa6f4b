"""The import graph of the project's own modules: who may import whom, no cycles, lazy imports named.

Every module of every project package is parsed with `ast` (nothing is imported), function-local
imports included, so that an arrow hidden inside a function still counts. The packages are the
top-level ones pyproject.toml installs, plus bench/.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each core package may import of the other project packages (docs/ARCHITECTURE.md):
# vocabulary and db are the ground floor every stage may import; the stages never import one
# another; training may import the cores it trains. Packages not listed here (msa, publish, bench
# and any new top floor) may import anything, and no listed package may import them.
ALLOWED: dict[str, frozenset[str]] = {
    "vocabulary": frozenset(),
    "db": frozenset({"vocabulary"}),
    "crawler": frozenset({"db", "vocabulary"}),
    "extract": frozenset({"db", "vocabulary"}),
    "classify": frozenset({"db", "vocabulary"}),
    "training": frozenset({"classify", "extract", "db", "vocabulary"}),
}


def project_packages() -> list[str]:
    """Top-level packages named by pyproject's `packages.find include` (globs), plus bench."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    names = {pattern.split(".")[0].rstrip("*") for pattern in include} | {"bench"}
    return sorted(n for n in names if (ROOT / n).is_dir())


@dataclass(frozen=True)
class Import:
    """One import of a project module: who imports, what, where, and whether inside a function."""

    importer: str
    target: str
    line: int
    local: bool
    lazy_comment: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    """Dotted name -> file, for every .py file of every project package."""
    return {module_name(p): p for pkg in project_packages() for p in sorted((ROOT / pkg).rglob("*.py"))}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def _lazy_comment(lines: list[str], node: ast.stmt) -> bool:
    span = lines[max(0, node.lineno - 2) : node.end_lineno]
    return any("# lazy:" in line and line.split("# lazy:", 1)[1].strip() for line in span)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The project modules `name` imports: `from a import b` counts as a.b when that is a module."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    out: list[Import] = []

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                module = _resolve(name, path.name == "__init__.py", child)
                targets = [
                    f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module for a in child.names
                ]
            else:
                visit(child, inner)
                continue
            lazy = _lazy_comment(lines, child)
            for target in dict.fromkeys(targets):
                while target and target not in modules:  # `import a.b.c` of a name inside a.b
                    target = target.rpartition(".")[0]
                if target and target != name:
                    out.append(Import(name, target, child.lineno, local, lazy))

    visit(tree, False)
    return out


@pytest.fixture(scope="module")
def graph() -> list[Import]:
    modules = project_modules()
    return [imp for name, path in modules.items() for imp in imports_of(name, path, modules)]


def top(module: str) -> str:
    return module.split(".")[0]


def test_packages_are_discovered_from_pyproject():
    packages = project_packages()
    for expected in (
        "msa",
        "crawler",
        "extract",
        "classify",
        "db",
        "vocabulary",
        "publish",
        "training",
        "bench",
    ):
        assert expected in packages
    assert set(ALLOWED) <= set(packages)


def test_the_walk_finds_local_relative_and_commented_imports(tmp_path):
    source = tmp_path / "stage.py"
    source.write_text(
        "from db.schema import CRITERIA\n"
        "from . import sibling\n"
        "def run():\n"
        "    # lazy: spaCy\n"
        "    from extract.sentences import split_sentences\n"
        "    import classify.criteria_rules\n"
        "    from classify.summary_areas import MET  # lazy: the tables\n"
    )
    modules = {
        m: tmp_path for m in ("db.schema", "pkg.sibling", "extract.sentences", "classify.criteria_rules")
    }
    modules["classify.summary_areas"] = tmp_path
    found = [(i.target, i.local, i.lazy_comment) for i in imports_of("pkg.stage", source, modules)]
    assert found == [
        ("db.schema", False, False),
        ("pkg.sibling", False, False),
        ("extract.sentences", True, True),
        ("classify.criteria_rules", True, False),
        ("classify.summary_areas", True, True),
    ]


def test_graph_sees_the_clis_function_local_imports(graph):
    local = {(i.importer, i.target) for i in graph if i.local}
    assert ("msa.cli", "msa.demo") in local


def test_classify_imports_nothing_from_extract_or_crawler(graph):
    bad = [i for i in graph if top(i.importer) == "classify" and top(i.target) in ("extract", "crawler")]
    assert not bad, "\n".join(f"{i.importer}:{i.line} imports {i.target}" for i in bad)


def test_core_packages_import_only_the_allowed_arrows(graph):
    bad = [
        i
        for i in graph
        if top(i.importer) in ALLOWED
        and top(i.target) != top(i.importer)
        and top(i.target) not in ALLOWED[top(i.importer)]
    ]
    assert not bad, "\n".join(f"{i.importer}:{i.line} imports {i.target}" for i in bad)


def import_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
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
                    cycles.append(sorted(component))
    return cycles


def test_cycle_finder_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_project_modules(graph):
    edges: dict[str, set[str]] = {}
    for i in graph:
        edges.setdefault(i.importer, set()).add(i.target)
    cycles = import_cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_function_local_project_imports_say_why(graph):
    """A project import inside a function is there only to keep a heavy or optional dependency out
    of start-up, and says which with a `# lazy: <why>` comment on it or on the line above."""
    bad = [i for i in graph if i.local and not i.lazy_comment]
    assert not bad, "\n".join(
        f"{i.importer}:{i.line} imports {i.target} without '# lazy: <why>'" for i in bad
    )
