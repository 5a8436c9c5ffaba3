"""Engines proven, not assumed: the sample site built by MkDocs 1.6 and by ProperDocs (the maintained
drop-in continuation of MkDocs 1.6, in requirements-dev.lock) is the same, byte for byte, apart from
the generator meta tag each engine writes into every page."""

from __future__ import annotations

import difflib
import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cached_copy
from township_archive import cli

pytestmark = pytest.mark.slow

# Material's base.html: <meta name="generator" content="mkdocs-{{ mkdocs_version }}, mkdocs-material-…">;
# ProperDocs passes "ProperDocs 1.6.7" as mkdocs_version.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
SHOWN = 12  # differing files reported with an excerpt


def build_env(config: Path) -> dict[str, str]:
    """The environment `township-archive build` gives MkDocs: SOURCE_DATE_EPOCH from the newest article."""
    env = cli._reproducible_env(cli.build_parser().parse_args(["--config", str(config), "build"]))
    assert "SOURCE_DATE_EPOCH" in env, "township-archive build would set SOURCE_DATE_EPOCH for the sample"
    return env | {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "NO_COLOR": "1"}


def build(engine: str, config: Path, site: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", engine, "build", "--strict", "--config-file", str(config), "--site-dir", str(site)]
    result = subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, f"{engine} build failed:\n{result.stdout}{result.stderr}"


def files(site: Path) -> dict[str, Path]:
    return {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*")) if path.is_file()}


def without_generator(data: bytes) -> bytes:
    return GENERATOR.sub(b'<meta name="generator">', data)


def readable(name: str, data: bytes) -> list[str] | None:
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    try:
        return without_generator(data).decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def excerpt(name: str, a: bytes, b: bytes) -> str:
    """A unified diff of the two texts (gzip unpacked, generator tags blanked), else where the bytes part."""
    lines_a, lines_b = readable(name, a), readable(name, b)
    diff = []
    if lines_a is not None and lines_b is not None:
        diff = list(difflib.unified_diff(lines_a, lines_b, "mkdocs/" + name, "properdocs/" + name, n=1, lineterm=""))
    if not diff:
        first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        return f"  bytes: {len(a)} vs {len(b)}, first difference at byte {first}"
    return "\n".join(f"  {line[:200]}" for line in diff[:24])


def test_properdocs_builds_the_sample_byte_for_byte_like_mkdocs(tmp_path: Path, sample_cache: Path):
    project = cached_copy(tmp_path / "project", sample_cache)
    config = project.root / "mkdocs.yml"
    env = build_env(config)
    # Both builds find the sample's pictures processed (conftest's sample_cache), as a rebuild would.
    build("mkdocs", config, tmp_path / "mkdocs-site", env)
    build("properdocs", config, tmp_path / "properdocs-site", env)

    by_mkdocs, by_properdocs = files(tmp_path / "mkdocs-site"), files(tmp_path / "properdocs-site")
    problems = [f"only MkDocs wrote {name}" for name in sorted(by_mkdocs.keys() - by_properdocs.keys())]
    problems += [f"only ProperDocs wrote {name}" for name in sorted(by_properdocs.keys() - by_mkdocs.keys())]
    differing = []
    generators: dict[str, set[bytes]] = {"mkdocs": set(), "properdocs": set()}
    for name in sorted(by_mkdocs.keys() & by_properdocs.keys()):
        a, b = by_mkdocs[name].read_bytes(), by_properdocs[name].read_bytes()
        generators["mkdocs"].update(GENERATOR.findall(a))
        generators["properdocs"].update(GENERATOR.findall(b))
        if without_generator(a) != without_generator(b):
            differing.append(name)
    for name in differing[:SHOWN]:
        problems.append(f"{name} differs:\n" + excerpt(name, by_mkdocs[name].read_bytes(), by_properdocs[name].read_bytes()))
    if len(differing) > SHOWN:
        problems.append(f"… and {len(differing) - SHOWN} more differing files: {', '.join(differing[SHOWN:])}")
    assert not problems, f"{len(by_mkdocs)} files by MkDocs, {len(by_properdocs)} by ProperDocs:\n" + "\n".join(problems)

    # The two engines really ran, and they differ only in the tag that names them.
    assert len(by_mkdocs) > 100
    assert generators["mkdocs"] and all(b"ProperDocs" not in tag for tag in generators["mkdocs"])
    assert generators["properdocs"] and all(b"ProperDocs" in tag for tag in generators["properdocs"])
