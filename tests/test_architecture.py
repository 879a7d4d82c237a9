"""The direction of imports: ``index/`` never imports the service or Flask; within
``service/``, the search part (``SEARCH_PART``) imports no Flask and no web module,
and no module imports back into a cycle. Read from the source (every ``import``
statement, those inside functions too), not from what happens to be loaded."""

import ast
from pathlib import Path

from tests.support import ROOT

WEB = {"flask", "werkzeug", "jinja2"}
#: ``service/`` modules that make the search and must not need the web: the
#: answer to a search, the document view, query planning, ranking, highlighting,
#: suggestions and their errors. (The package's ``__init__`` still builds the Flask
#: app; the split into web, search and engine packages will move it.)
SEARCH_PART = {"core", "search", "query", "ranking", "docsets", "phrases", "names", "boost",
               "scoring", "snippets", "syntax", "translate", "suggest", "deadline", "cache",
               "problems", "params", "searcher"}
#: ``service/`` modules of the web part (Flask views, handlers, the page, serving).
WEB_PART = {"api", "bodies", "documents", "discovery", "pages", "errors", "metrics", "security",
            "serving", "openapi", "__init__", "__main__"}


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


def service_modules() -> dict[str, set[str]]:
    """Each ``service/`` module and the ``service/`` modules it imports."""
    names = {p.stem for p in (ROOT / "service").glob("*.py")}
    graph = {}
    for name in names:
        used = imports(ROOT / "service" / f"{name}.py")
        graph[name] = {m.split(".")[1] for m in used
                       if m.startswith("service.") and m.split(".")[1] in names}
    return graph


def test_every_service_module_is_in_one_part():
    assert set(service_modules()) == SEARCH_PART | WEB_PART
    assert not SEARCH_PART & WEB_PART


def test_index_never_imports_the_service_or_the_web():
    for path in (ROOT / "index").glob("*.py"):
        bad = {m for m in imports(path) if m.split(".")[0] in WEB | {"service"}}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_search_part_imports_neither_flask_nor_the_web_part():
    graph = service_modules()
    for name in SEARCH_PART:
        used = imports(ROOT / "service" / f"{name}.py")
        web = {m for m in used if m.split(".")[0] in WEB}
        assert not web, f"service/{name}.py imports {sorted(web)}"
        assert not graph[name] & WEB_PART, \
            f"service/{name}.py imports the web part: {sorted(graph[name] & WEB_PART)}"


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
