"""Shared fixtures: copies of the real project built with the real MkDocs, in temporary folders;
the suite's tiers (pytest.ini's markers, tiers.py) and its per-checkout temporary folder."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import tiers
import yaml
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "NO_COLOR": "1", "COLUMNS": "200"}

# Fixtures that build the sample site or its offline bundle with the real CLI in a subprocess (once a
# session): a test using one, itself or through another fixture, is `slow`.
BUILT = {"sample_project", "sample_site", "offline_zip", "unpacked", "real_site", "kiosk"}


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders under this checkout (.pytest-tmp/, ignored by git), not in the machine's shared
    /tmp/pytest-of-$USER: two checkouts testing at once never touch each other's folders. pytest's own
    numbering, locking and keeping of the last three runs still apply inside it. --basetemp still wins."""
    if config.option.basetemp is None and "PYTEST_DEBUG_TEMPROOT" not in os.environ:
        root = ROOT / ".pytest-tmp"
        root.mkdir(exist_ok=True)
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # before `-m` deselects
        if BUILT.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    tiers.set_running(marker.name for marker in item.iter_markers())  # before the item's fixtures are set up


def pytest_unconfigure(config: pytest.Config) -> None:
    if "browser" in sys.modules:
        sys.modules["browser"].close_shared()


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: list[str], cwd: Path) -> Run:
    tiers.require("slow", f"{Path(args[0]).name} as a subprocess")
    remark_fixtures(cwd / "docs")
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=os.environ | ENV, timeout=300, check=False)
    return Run(result.returncode, result.stdout, result.stderr)


@contextlib.contextmanager
def _in_process(cwd: Path) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    """cwd, the environment `run` gives a subprocess and the standard streams, as a subprocess would have them;
    the MkDocs logger's level (township-archive sets it) restored afterwards."""
    saved_env = {key: os.environ.get(key) for key in ENV}
    logger = logging.getLogger("mkdocs")
    level = logger.level
    out, err = io.StringIO(), io.StringIO()
    remark_fixtures(cwd / "docs")
    os.environ.update(ENV)
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        logger.setLevel(level)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def cli_in_process(cwd: Path, *args: str) -> Run:
    """`township-archive ARGS` run from `cwd`, in this process: the same `main`, output and exit code as
    the command, without starting Python and importing everything again for each run."""
    from township_archive import cli

    with _in_process(cwd) as (out, err):
        code = cli.main(list(args))
    return Run(code, out.getvalue(), err.getvalue())


class _Lines(logging.Handler):
    def __init__(self, lines: list[str]):
        super().__init__(logging.INFO)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname:<8} -  {record.getMessage()}")


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
        remark_fixtures(self.docs)
        return path

    def mkdocs_build(self, site_dir: str = "site") -> Run:
        return run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", site_dir], self.root)

    def cli(self, *args: str) -> Run:
        return run([str(BIN / "township-archive"), *args], self.root)

    def cli_in_process(self, *args: str) -> Run:
        return cli_in_process(self.root, *args)

    def mkdocs_build_in_process(self, site_dir: str = "site") -> Run:
        """`mkdocs build --strict` as MkDocs' command line runs it, in this process (as `mkdocs serve` rebuilds
        in its own); its log is the output. The session's sample build runs the real command."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort

        lines: list[str] = []
        handler = _Lines(lines)
        logger = logging.getLogger("mkdocs")
        with _in_process(self.root) as (out, err):
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            try:
                config = load_config(str(self.root / "mkdocs.yml"), strict=True, site_dir=site_dir)
                config.plugins.on_startup(command="build", dirty=False)
                try:
                    build(config)
                finally:
                    config.plugins.on_shutdown()
                code = 0
            except Abort as error:
                lines.append(error.format_message())
                code = 1
            finally:
                logger.removeHandler(handler)
        return Run(code, out.getvalue() + "\n".join(lines), err.getvalue())


def copy_project(destination: Path) -> Project:
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "villages.yml", "overrides", "docs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        else:
            shutil.copy2(source, destination / name)
    return Project(destination)


def write_doc(root: Path, relative: str, content: str | bytes) -> Path:
    """Write `root`/docs/`relative` (folders made as needed), as staff would save it."""
    path = root / "docs" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def small_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """The sample's mkdocs.yml, villages.yml and theme with only `files` under docs/ (and a home page);
    returns mkdocs.yml. For commands run in-process (`cli.main`), without building the sample."""
    root.mkdir(parents=True)
    for name in ("mkdocs.yml", "villages.yml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "overrides", root / "overrides")
    files = {"index.md": "---\ntitle: 首页\n---\n欢迎。\n", **files}
    for name in ("images/banner.jpg", "images/banner.jpg.yml"):  # the home banner mkdocs.yml names
        if (ROOT / "docs" / name).is_file():
            files.setdefault(name, (ROOT / "docs" / name).read_bytes())
    for relative, content in files.items():
        write_doc(root, relative, content)
    remark_fixtures(root / "docs")
    return root / "mkdocs.yml"


def plan_settings(root: Path, **changes):
    """Settings for planning the archive in `root`/docs in-process (no mkdocs.yml read): two sections,
    small picture widths; `changes` replace fields (media_enabled=False, offline=…)."""
    remark_fixtures(root / "docs")
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


KEPT_CACHE = ROOT / ".pytest-tmp" / "sample-cache"  # the sample's pictures as the last run processed them


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """The folder `build` fills for a session fixture, once per run.

    With `make test`'s two workers (pytest-xdist) each worker is its own session: the first to ask
    builds into the run's shared temporary folder while the other waits on the lock, then both read
    the same build (session builds are never written to by the tests). Without workers, a fresh folder."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    folder = tmp_path_factory.getbasetemp().parent / f"built-{name}"
    with FileLock(f"{folder}.lock"):
        if not (folder / ".built").exists():  # a worker whose build failed left none: try again, fail again
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / ".built").touch()
    return folder


@pytest.fixture(scope="session")
def sample_cache(request, tmp_path_factory) -> Path:
    """The sample's pictures processed once, in process, by `township-archive check` (the build's own
    pipeline): the image cache every copy of the project starts with, as a staff machine's would.

    A run with only untiered tests (`make test-fast`) starts from the pictures this checkout's last run
    processed (KEPT_CACHE): entries are keyed by source, settings and PIPELINE_VERSION and written by
    renaming, so the check processes just what changed. Any other run processes them all afresh."""
    fast_only = not any(item.get_closest_marker(tier) for item in request.session.items for tier in tiers.TIERS)

    def process(folder: Path) -> None:
        copy = copy_project(folder / "project")
        if fast_only and KEPT_CACHE.is_dir():
            shutil.copytree(KEPT_CACHE, copy.root / ".cache", copy_function=_link)
        result = copy.cli_in_process("check")
        assert "Traceback" not in result.output, result.output
        cache = copy.root / ".cache"
        assert any(path.is_file() for path in cache.rglob("*")), result.output
        kept = KEPT_CACHE.with_name(f"{KEPT_CACHE.name}.{os.getpid()}")
        try:
            shutil.copytree(cache, kept, copy_function=_link)
            shutil.rmtree(KEPT_CACHE, ignore_errors=True)
            os.rename(kept, KEPT_CACHE)
        except OSError:  # another run in this checkout kept its own meanwhile: either will do
            shutil.rmtree(kept, ignore_errors=True)

    return built_once(tmp_path_factory, "cache", process) / "project" / ".cache"


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory, sample_cache: Path) -> Project:
    """The repository's own sample archive, built once in strict mode."""

    def build(folder: Path) -> None:
        built = copy_project(folder / "project")
        shutil.copytree(sample_cache, built.root / ".cache")
        result = built.mkdocs_build()
        assert result.returncode == 0, result.output

    return Project(built_once(tmp_path_factory, "sample", build) / "project")


@pytest.fixture(scope="session")
def sample_site(sample_project: Project) -> Path:
    return sample_project.root / "site"


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def cached_copy(destination: Path, cache: Path) -> Project:
    """A copy of the project with `cache` as its image cache. The cache's files are hard links: the pipeline
    never writes into a file it has written (new entries are renamed into place, the index replaced)."""
    copy = copy_project(destination)
    shutil.copytree(cache, copy.root / ".cache", copy_function=_link)
    return copy


@pytest.fixture
def project(tmp_path: Path, sample_cache: Path) -> Project:
    """A fresh copy to break; it starts with the sample's image cache, as a staff machine would."""
    return cached_copy(tmp_path / "project", sample_cache)


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
    mark = f'reviews: [{{level: 历史稿件, by: {FIXTURE_MARKER}, date: 2024-05-01, fingerprint: "{version}"}}]  # {TEXT_VERSION}{version}\n'
    body = split.body.removeprefix("\n")
    return "---\n" + split.yaml + mark + "---\n" + body


FIXTURE_MARKER = "测试导入人"  # who marks the fixtures 历史稿件
TEXT_VERSION = "fixture text version "
_FIXTURE_MARK = re.compile(r'fingerprint: "(?P<version>[0-9a-f]*)"\}\]  # ' + TEXT_VERSION + r"(?P<text>[0-9a-f]*)$", re.MULTILINE)


def remark_fixtures(docs: Path) -> None:
    """The fixtures `historical` marked, marked again for their pictures: tests write an article's pictures,
    cover and credits after its text, and these count in its version (content.reviews). Only a fixture whose
    text is still the one it was marked for is marked again; tests of the 三审 gate write their own reviews."""
    from township_archive.content.frontmatter import read_front_matter
    from township_archive.content.reviews import FileVersions, fingerprint, shown_file_versions

    if not docs.is_dir():
        return
    versions = FileVersions(docs)
    for path in docs.rglob("*.md"):
        if path.is_symlink() or not path.is_file():  # tests put links, pipes and folders named *.md there too
            continue
        raw = path.read_bytes()
        text = raw.decode("utf-8", errors="replace")
        mark = _FIXTURE_MARK.search(text)
        if mark is None or FIXTURE_MARKER not in text:
            continue
        front, _problems = read_front_matter(str(path), raw)
        if front is None or fingerprint(front.data, front.body) != mark.group("text"):
            continue
        files = shown_file_versions(front.data, front.body, path.relative_to(docs).as_posix(), versions)
        current = fingerprint(front.data, front.body, files)
        if current != mark.group("version"):
            start, end = mark.span("version")
            path.write_bytes((text[:start] + current + text[end:]).encode("utf-8"))


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
REAL_SITE = "https://www.qzx.gov.cn/"


def the_bundle(project_root: Path) -> Path:
    (zip_path,) = (project_root / "dist").glob(BUNDLE_GLOB)
    return zip_path


def the_folder(parent: Path) -> Path:
    (folder,) = [p for p in parent.iterdir() if p.is_dir()]
    return folder


def unzip(zip_path: Path, target: Path) -> Path:
    """The bundle's folder, unpacked into `target`."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return the_folder(target)


def build_offline(project: Project, *args: str, end_to_end: bool = True) -> Path:
    """`township-archive offline ARGS` as the command itself, or in this process (`end_to_end=False`).

    Session fixtures build their bundles as a subprocess: they are first asked for late in a run, when
    this process already drives Chromium, and an in-process build (with its picture pool) stalled there."""
    result = (project.cli if end_to_end else project.cli_in_process)("offline", *args)
    assert result.returncode == 0, result.output
    assert "离线版中最大的文件" in result.output  # the build prints the bundle's size and largest files
    return the_bundle(project.root)


@pytest.fixture(scope="session")
def offline_zip(tmp_path_factory, sample_cache: Path) -> Path:
    """The sample's offline bundle, built by the `offline` command as staff run it (its one end-to-end run)."""
    folder = built_once(tmp_path_factory, "offline", lambda f: build_offline(cached_copy(f / "project", sample_cache)))
    return the_bundle(folder / "project")


@pytest.fixture(scope="session")
def unpacked(offline_zip: Path, tmp_path_factory) -> Path:
    return the_folder(built_once(tmp_path_factory, "usb", lambda f: unzip(offline_zip, f)))


KIOSK_IDLE_SECONDS = 3
OUTSIDE_BODY = """\
本文资料参考[广西壮族自治区人民政府门户网站](https://www.gxzf.gov.cn/)公开的信息，
原始档案见 <https://www.example.org/dang-an/1937/>，有疑问请来信 <mailto:archive@example.org>。

曲樟乡的客家围屋保存完好[^1]，[北海市人民政府网](http://www.beihai.gov.cn/)也曾报道。

[^1]: 围屋的介绍见[走进曲樟](kejia-xiangzhen.md)。
"""


@pytest.fixture(scope="session")
def kiosk(tmp_path_factory, sample_cache: Path) -> Path:
    """The kiosk bundle of a copy of the sample whose idle time is KIOSK_IDLE_SECONDS and which has one more
    article (kejia-wenhua/wai-bu-lian-jie/), with links to other sites in its body; unpacked."""

    def build(folder: Path) -> None:
        project = cached_copy(folder / "project", sample_cache)
        config = project.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert "idle_seconds: 180" in text
        config.write_text(text.replace("idle_seconds: 180", f"idle_seconds: {KIOSK_IDLE_SECONDS}"), encoding="utf-8")
        project.write("kejia-wenhua/wai-bu-lian-jie.md", article(
            title="客家围屋的外部资料", slug="wai-bu-lian-jie", date="2024-06-01", body=OUTSIDE_BODY))
        zip_path = build_offline(project, "--kiosk")
        assert zip_path.name.endswith("-kiosk.zip")
        unzip(zip_path, project.root / "usb")

    return the_folder(built_once(tmp_path_factory, "kiosk", build) / "project" / "usb")


@dataclass
class RealSite:
    """The sample with a real site_url (so with QR codes): its web site, offline copy and kiosk copy."""

    project: Project
    offline: Path
    kiosk_zip: Path
    kiosk: Path

    @property
    def site(self) -> Path:
        return self.project.root / "site"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory, sample_cache: Path) -> RealSite:
    def build(root: Path) -> None:
        project = cached_copy(root / "project", sample_cache)
        config = project.root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("https://www.example.gov.cn/", REAL_SITE), encoding="utf-8")
        built = project.mkdocs_build()  # --strict; a subprocess, for the reason build_offline gives
        assert built.returncode == 0, built.output
        unzip(build_offline(project), root / "usb")
        shutil.rmtree(project.root / "dist")
        unzip(build_offline(project, "--kiosk"), root / "kiosk")

    root = built_once(tmp_path_factory, "real", build)
    project = Project(root / "project")
    return RealSite(project, the_folder(root / "usb"), the_bundle(project.root), the_folder(root / "kiosk"))
