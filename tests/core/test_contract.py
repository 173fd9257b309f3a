"""The domain contract, checked on the source: what a new domain copies must follow it, or the suite fails.

- A domain imports another domain only if it declared it in `Domain(dependencies=...)`, and then only that
  domain's `selectors` or `services`; no domain imports the dashboard.
- Views and API handlers never write models or the audit log themselves: they call a service.
- Settings are read from the environment only in `ioc/settings.py` (and the data-dir bootstrap).
"""

import ast
from pathlib import Path

import pytest

from ioc.core.registry import Domain, Registry, RegistryError, registry

ROOT = Path(__file__).resolve().parents[2] / "ioc"
DOMAINS = [d for d in registry if d.key != "core"]
WRITES = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}


def python_files(folder: Path):
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.key)
def test_a_domain_imports_only_what_it_declared(domain):
    keys = {d.key for d in registry}
    problems = []
    for path in python_files(ROOT / domain.key):
        for line, module in imported_modules(path):
            parts = module.split(".")
            if parts[0] != "ioc" or len(parts) < 2:
                continue
            where = f"{path.relative_to(ROOT.parent)}:{line} imports {module}"
            if parts[1] == "dashboard":
                problems.append(f"{where} (no domain imports the dashboard)")
            elif parts[1] in keys and parts[1] not in ("core", domain.key):
                if parts[1] not in domain.dependencies:
                    problems.append(f"{where} without declaring {parts[1]!r} in dependencies")
                elif len(parts) < 3 or parts[2] not in ("selectors", "services"):
                    problems.append(f"{where} (only a dependency's selectors or services)")
    assert problems == []


def view_modules() -> list[Path]:
    files = [ROOT / "dashboard" / "views.py", ROOT / "core" / "views.py", ROOT / "core" / "api.py"]
    for domain in DOMAINS:
        for folder in ("views", "api"):
            files += python_files(ROOT / domain.key / folder)
    return [f for f in files if f.exists()]


def writes_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, receiver = node.func.attr, node.func.value
        text = ast.unparse(node.func)
        unsaved = any(k.arg == "commit" for k in node.keywords)  # form.save(commit=False) builds, writes nothing
        if name in WRITES and not unsaved and not (name == "save" and node.args):  # workbook.save(buffer): a file
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {text}()")
        elif name in ("create", "update") and (
            (isinstance(receiver, ast.Attribute) and receiver.attr == "objects") or isinstance(receiver, ast.Call)
        ):
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {text}()")
        elif text == "audit.record":
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {text}() (call a service that audits)")
    return found


def test_views_and_api_handlers_do_not_write():
    problems = [problem for path in view_modules() for problem in writes_in(path)]
    assert problems == []


def test_the_contract_check_sees_a_view_that_writes(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(
        "def page(request):\n"
        "    Report.objects.create(text='x')\n"
        "    Report.objects.filter(pk=1).update(text='y')\n"
        "    request.user.profile.save()\n"
        "    audit.record(request.user, 'x')\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(writes_in(bad)) == 4
    finally:
        ROOT = saved


def test_settings_alone_read_the_environment():
    allowed = {"settings.py", "paths.py", "cli.py", "wsgi.py", "asgi.py"}
    readers = [
        f"{path.relative_to(ROOT.parent)}"
        for path in python_files(ROOT)
        if path.name not in allowed and "os.environ" in path.read_text()
    ]
    assert readers == []


def test_a_missing_dependency_is_refused_clearly():
    reg = Registry()
    with pytest.raises(RegistryError, match="depends on weather, which is not registered"):
        reg.register(Domain(key="lamps", label="Lamps", icon="*", dependencies=("weather",)))
    reg.register(Domain(key="weather", label="Weather", icon="*"))
    reg.register(Domain(key="lamps", label="Lamps", icon="*", dependencies=("weather",)))
    assert [d.key for d in reg] == ["weather", "lamps"]


def test_the_cli_names_no_domain():
    source = (ROOT / "cli.py").read_text()
    assert [d.key for d in DOMAINS if f'"{d.key}"' in source or f"ioc.{d.key}" in source] == []


def test_every_domain_follows_the_layout():
    """The files a newcomer looks for are where DESIGN.md says."""
    missing = []
    for domain in DOMAINS:
        for name in ("domain.py", "models.py", "choices.py", "services.py", "selectors.py", "simulate.py"):
            if not (ROOT / domain.key / name).exists():
                missing.append(f"{domain.key}/{name}")
        if domain.api_router and not (ROOT / domain.key / "api" / "__init__.py").exists():
            missing.append(f"{domain.key}/api/")
        if domain.nav_url and not (ROOT / domain.key / "views" / "staff.py").exists():
            missing.append(f"{domain.key}/views/staff.py")
    assert missing == []
