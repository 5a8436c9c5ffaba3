"""Shared fixtures: copies of the real project built with the real MkDocs, in temporary folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: list[str], cwd: Path) -> Run:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true", NO_COLOR="1", COLUMNS="200")
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False)
    return Run(result.returncode, result.stdout, result.stderr)


class Project:
    """A copy of mkdocs.yml, docs/ and overrides/ that a test may break."""

    def __init__(self, root: Path):
        self.root = root
        self.docs = root / "docs"

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def mkdocs_build(self, site_dir: str = "site") -> Run:
        return run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", site_dir], self.root)

    def cli(self, *args: str) -> Run:
        return run([str(BIN / "township-archive"), *args], self.root)


def copy_project(destination: Path) -> Project:
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "villages.yml", "overrides", "docs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        else:
            shutil.copy2(source, destination / name)
    return Project(destination)


def small_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """The sample's mkdocs.yml, villages.yml and theme with only `files` under docs/ (and a home page);
    returns mkdocs.yml. For commands run in-process (`cli.main`), without building the sample."""
    root.mkdir(parents=True)
    for name in ("mkdocs.yml", "villages.yml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    files = {"index.md": "---\ntitle: 首页\n---\n欢迎。\n", **files}
    for relative, content in files.items():
        path = root / "docs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root / "mkdocs.yml"


def plan_settings(root: Path, **changes):
    """Settings for planning the archive in `root`/docs in-process (no mkdocs.yml read): two sections,
    small picture widths; `changes` replace fields (media_enabled=False, offline=…)."""
    import dataclasses

    from township_archive.content.model import Section
    from township_archive.media.library import MediaSettings
    from township_archive.media.model import MediaSpec
    from township_archive.settings import Identity, RightsSettings, Settings

    settings = Settings(
        project_dir=root,
        docs_dir=root / "docs",
        config_file=root / "mkdocs.yml",
        identity=Identity("曲樟档案", "https://www.quzhang.gov.cn/", "合浦县曲樟乡", "曲樟乡人民政府", RightsSettings("曲樟乡人民政府", "未经授权不得转载。")),
        sections=(Section("dangjian", "党建成果", "基层党建"), Section("kejia", "客家文化")),
        media=MediaSettings(MediaSpec(widths=(320, 640), formats=("webp",)), root / ".cache/media", "曲樟乡人民政府"),
    )
    return dataclasses.replace(settings, **changes)


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory) -> Project:
    """The repository's own sample archive, built once in strict mode."""
    built = copy_project(tmp_path_factory.mktemp("sample") / "project")
    result = built.mkdocs_build()
    assert result.returncode == 0, result.output
    return built


@pytest.fixture(scope="session")
def sample_site(sample_project: Project) -> Path:
    return sample_project.root / "site"


@pytest.fixture
def project(tmp_path: Path, sample_project: Project) -> Project:
    """A fresh copy to break; it starts with the sample's image cache, as a staff machine would."""
    copy = copy_project(tmp_path / "project")
    shutil.copytree(sample_project.root / ".cache", copy.root / ".cache")
    return copy


def article(
    title: str = "测试文章",
    slug: str | None = "ce-shi-wen-zhang",
    status: str = "published",
    date: str = "2024-05-01",
    extra: str = "",
    body: str = "正文第一段。\n",
) -> str:
    """Front matter plus body of a valid published article (marked 历史稿件, see `historical`); `extra`
    adds raw YAML lines. Tests of the 三审 gate write their own `reviews:` in `extra`."""
    lines = ["---", f"title: {title}"]
    if slug:
        lines.append(f"slug: {slug}")
    lines += [f"status: {status}", f"date: {date}", "authors: [测试作者]", "editor: 测试编辑", "tags: [测试]"]
    if extra:
        lines.append(extra.rstrip("\n"))
    text = "\n".join([*lines, "---"]) + "\n\n" + body
    return historical(text) if status == "published" and "reviews:" not in extra else text


def historical(text: str) -> str:
    """A published article's text marked 历史稿件 for this very version, so that the 三审 gate lets it
    through: one line before the closing fence. A blank line after the fence goes, so the body's lines
    stay where they were."""
    from township_archive.content.frontmatter import parse, split_front_matter
    from township_archive.content.reviews import fingerprint

    front, _problems = parse("article.md", text)
    version = fingerprint(front.data, front.body) if front is not None else ""
    split = split_front_matter(text)
    if split.yaml is None:
        return text
    mark = f'reviews: [{{level: 历史稿件, by: 测试导入人, date: 2024-05-01, fingerprint: "{version}"}}]\n'
    body = split.body.removeprefix("\n")
    return "---\n" + split.yaml + mark + "---\n" + body


def published_articles() -> list[tuple[str, dict]]:
    """(output path, front matter) of every published article in the repository's docs/."""
    found = []
    for path in sorted((ROOT / "docs").glob("*/*.md")):
        if path.name == "index.md":
            continue
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if meta.get("status") == "published":
            found.append((f"{path.parent.name}/{meta['slug']}/index.html", meta))
    return found


BUNDLE_GLOB = "*-offline-*.zip"


def build_offline(project: Project, *args: str) -> Path:
    result = project.cli("offline", *args)
    assert result.returncode == 0, result.output
    assert "离线版中最大的文件" in result.output  # the build prints the bundle's size and largest files
    (zip_path,) = (project.root / "dist").glob(BUNDLE_GLOB)
    return zip_path


@pytest.fixture(scope="session")
def offline_zip(tmp_path_factory, sample_project) -> Path:
    project = copy_project(tmp_path_factory.mktemp("offline") / "project")
    shutil.copytree(sample_project.root / ".cache", project.root / ".cache")
    return build_offline(project)


@pytest.fixture(scope="session")
def unpacked(offline_zip: Path, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("usb")
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(target)
    (folder,) = [p for p in target.iterdir() if p.is_dir()]
    return folder
