"""The package's layer rules (README, "Design"), read from the source's import statements.

Data flows one way: content -> plan -> rendering -> engine adapter -> command line. A module imports
only its own layer or lower ones, and only the adapter package knows MkDocs and Material, so a port
to another engine is a new adapter, not a change everywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "township_archive"

# Lowest first. A module belongs to the first layer with a prefix that names it or its package.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("problems", "progress", "urls", "safe_url", "dates", "samples", "serving", "site_checks", "links", "files", "hanzi")),
    ("content", ("content", "safety", "villages")),
    ("domain", ("media", "rights", "search", "listings", "relations", "bundle")),
    ("settings", ("settings",)),
    ("plan", ("plan",)),
    ("rendering", ("templating", "buildkeys")),
    ("authoring", ("authoring",)),
    ("adapter", ("mkdocs",)),
    ("command", ("cli", "__init__")),
]
ENGINES = ("mkdocs", "material", "mkdocs_glightbox", "properdocs")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def layer_of(module: str) -> int:
    for number, (_name, prefixes) in enumerate(LAYERS):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return number
    raise LookupError(module)


def imports_of(path: Path, text: str | None = None) -> list[tuple[str, int]]:
    """(imported module, line) of the module at `path` (or of `text` read as that module):
    our own modules as township_archive.<name>, relative imports resolved; others by their full name."""
    module = module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if module == "__init__":
        package = []
    found = []
    for node in ast.walk(ast.parse(text if text is not None else path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                names = [".".join([*base, node.module])] if node.module else [".".join([*base, alias.name]) for alias in node.names]
                found += [(f"township_archive.{name}".rstrip("."), node.lineno) for name in names]
            else:
                found.append((node.module or "", node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    unplaced = [module_name(path) for path in SOURCES if not _placed(module_name(path))]
    assert not unplaced, f"add these modules to a layer in LAYERS (and to the README's design section): {unplaced}"


def _placed(module: str) -> bool:
    try:
        layer_of(module)
    except LookupError:
        return False
    return True


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_only_the_adapter_knows_the_engine(path: Path):
    module = module_name(path)
    if layer_of(module) == layer_of("mkdocs"):
        return
    engine = [f"line {line}: {name}" for name, line in imports_of(path) if name.split(".")[0] in ENGINES]
    assert not engine, f"{module} imports the engine; move this into township_archive/mkdocs/: {engine}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_layer_imports_a_higher_one(path: Path):
    module = module_name(path)
    own = layer_of(module)
    upward = []
    for name, line in imports_of(path):
        if not name.startswith("township_archive."):
            continue
        target = name.removeprefix("township_archive.")
        target_layer = _layer_of_import(target)
        if target_layer is not None and target_layer > own:
            upward.append(f"line {line}: {target} ({LAYERS[target_layer][0]})")
    assert not upward, f"{module} ({LAYERS[own][0]}) imports a higher layer: {upward}"


def _layer_of_import(target: str) -> int | None:
    # `from .content import model` names the package; `from .x import name` may name a function.
    while target:
        try:
            return layer_of(target)
        except LookupError:
            target = target.rpartition(".")[0]
    return None


def test_the_rules_catch_a_violation():
    """The checks above read real import statements: content importing the plan or MkDocs is found."""
    text = "from ..plan import SitePlan\nimport mkdocs.plugins\nfrom mkdocs.structure import files\n"
    names = [name for name, _line in imports_of(PACKAGE / "content" / "model.py", text)]
    assert names == ["township_archive.plan", "mkdocs.plugins", "mkdocs.structure"]
    assert _layer_of_import("plan") > layer_of("content.model")
