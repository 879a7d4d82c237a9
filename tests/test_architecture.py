"""The direction of imports: web → search → engine, and ``index/`` under all three.

``service/`` has three parts. The **web part** (``WEB_PART``: Flask views, handlers,
the page, serving) imports Flask and the search part, never an engine (but the package's
``__init__``, which builds the app from every part, hands the engines' opener
to the search part). The
**search part** (``SEARCH_PART``: the answer to a search, query planning, names,
translation, highlighting, suggestions) imports neither Flask nor any engine: only
the engine interface, ``service.engines``. The **engine part**
(``service/engines/``: the interface, Whoosh's and Xapian's implementations)
imports no Flask and, of the search part, only the vocabulary both share
(``SHARED``: the plan, the deadline, the caches, the errors). ``index/`` never
imports ``service/`` or Flask, and no module imports back into a cycle. Read from
the source (every ``import`` statement, those inside functions too), not from what
happens to be loaded."""

import ast
from pathlib import Path

from tests.support import ROOT

WEB = {"flask", "werkzeug", "jinja2"}
#: The libraries of the engines: only the engine part (and ``index/``, which
#: writes the indexes) imports them.
ENGINE_LIBRARIES = {"whoosh", "xapian"}
SEARCH_PART = {"core", "search", "query", "names", "snippets", "syntax", "translate",
               "suggest", "deadline", "cache", "problems", "params", "searcher", "plan",
               "shapes", "partial"}
WEB_PART = {"api", "bodies", "documents", "discovery", "pages", "errors", "metrics", "security",
            "serving", "openapi", "__init__", "__main__"}
#: What the engine part may use of the search part.
SHARED = {"plan", "deadline", "cache", "problems"}
#: The engine interface, which the search part may import.
INTERFACE = "engines"
#: The module that builds the app from every part, the engines' opener included.
COMPOSITION_ROOT = "__init__"


def imports(path: Path) -> set[str]:
    """The modules a file imports, as dotted names (``from x import y`` gives x and
    x.y, so a module imported from its package counts)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _name(path: Path) -> str:
    """A ``service/`` module's name below ``service``: ``core``, ``engines``,
    ``engines.xapian_engine``."""
    parts = list(path.relative_to(ROOT / "service").with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def service_modules() -> dict[str, set[str]]:
    """Each ``service/`` module and the ``service/`` modules it imports."""
    paths = {_name(p): p for p in (ROOT / "service").rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        used = {m[len("service."):] for m in imports(path) if m.startswith("service.")}
        # "from service.engines import whoosh_docsets" names the module itself
        graph[name] = {m for m in used if m in paths}
    return graph


def engine_part() -> set[str]:
    return {name for name in service_modules() if name.split(".")[0] == INTERFACE}


def _libraries(name: str) -> set[str]:
    path = ROOT / "service" / Path(*name.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return {m.split(".")[0] for m in imports(path)}


def test_every_service_module_is_in_one_part():
    assert set(service_modules()) == SEARCH_PART | WEB_PART | engine_part()
    assert not SEARCH_PART & WEB_PART
    assert {"engines.whoosh_engine", "engines.xapian_engine"} <= engine_part()


def test_index_never_imports_the_service_or_the_web():
    for path in (ROOT / "index").glob("*.py"):
        bad = {m for m in imports(path) if m.split(".")[0] in WEB | {"service"}}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_search_part_imports_neither_flask_nor_the_web_part_nor_an_engine():
    graph = service_modules()
    for name in SEARCH_PART:
        libraries = _libraries(name)
        assert not libraries & WEB, f"service/{name} imports {sorted(libraries & WEB)}"
        assert not libraries & ENGINE_LIBRARIES, \
            f"service/{name} imports {sorted(libraries & ENGINE_LIBRARIES)}"
        assert not graph[name] & WEB_PART, \
            f"service/{name} imports the web part: {sorted(graph[name] & WEB_PART)}"
        engines = graph[name] & engine_part() - {INTERFACE}
        assert not engines, f"service/{name} imports an engine: {sorted(engines)}"


def test_the_engine_part_uses_only_the_shared_vocabulary_of_the_search_part():
    graph = service_modules()
    for name in engine_part():
        assert not _libraries(name) & WEB, f"service/{name} imports the web"
        assert not graph[name] & WEB_PART, f"service/{name} imports the web part"
        outside = graph[name] & SEARCH_PART - SHARED
        assert not outside, f"service/{name} imports the search part: {sorted(outside)}"


def test_the_web_part_imports_no_engine():
    graph = service_modules()
    for name in WEB_PART - {COMPOSITION_ROOT}:
        assert not _libraries(name) & ENGINE_LIBRARIES, f"service/{name} imports an engine"
        assert not graph[name] & engine_part(), \
            f"service/{name} imports the engine part: {sorted(graph[name] & engine_part())}"


def test_no_import_cycle_in_the_service():
    graph = service_modules()
    graph.pop("__init__")            # builds the app from all of them, imported by none
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for used in sorted(graph.get(name, ())):
            if state.get(used) == "open":
                raise AssertionError("import cycle: " + " -> ".join(path + [name, used]))
            if used not in state:
                visit(used, path + [name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_the_checks_see_an_import_inside_a_function(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from flask import request\n    import service.api\n")
    assert {"flask", "flask.request", "service.api"} <= imports(path)
