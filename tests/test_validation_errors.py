"""Every kind of bad front matter gets a Chinese message with file and line, a fix
hint and a non-zero exit, both from `township-archive check` and from
`mkdocs build --strict`, and never a Python traceback.

Each rule is checked in process (the CLI's `main`, MkDocs' build); each command once more end to end,
as a subprocess, as staff run it. The builds that must keep the last good site share one built copy."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import BIN, Project, article, cached_copy

PATH = "dangjian/ce-shi.md"


def with_line(key: str, new_line: str | None) -> str:
    """The valid test article with the `key:` line replaced (or removed when None)."""
    lines = article().split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    if new_line is None:
        del lines[index]
    else:
        lines[index] = new_line
    return "\n".join(lines)


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes]
    code: str
    path: str
    line: int
    message: str


CASES = [
    Case("missing title", {PATH: with_line("title", None)}, "missing-field", PATH, 1, "缺少标题"),
    Case(
        "mistyped field name", {PATH: with_line("authors", "autors: [测试作者]")},
        "unknown-field", PATH, 6, "未知字段 autors",
    ),
    Case("list field given a mapping", {PATH: with_line("tags", "tags: {a: 1}")}, "bad-type", PATH, 8, "应当是文字列表"),
    Case("unknown section name", {PATH: article(extra="section: 不存在的栏目")}, "unknown-section", PATH, 9, "没有名为“不存在的栏目”的栏目"),
    Case("article outside any section folder", {"buzai/ce-shi.md": article()}, "unknown-section", "buzai/ce-shi.md", 1, "不是已配置的栏目"),
    Case("impossible date", {PATH: with_line("date", "date: 2024-13-45")}, "bad-date", PATH, 5, "不是有效的日期"),
    Case(
        "duplicate slug",
        {PATH: article(), "kejia-wenhua/ling-yi-pian.md": article(title="另一篇")},
        "duplicate-slug", PATH, 3, "网址名 ce-shi-wen-zhang 重复",
    ),
    Case("missing cover file", {PATH: article(extra="cover: ce-shi/cover.jpg")}, "missing-cover", PATH, 9, "封面图文件不存在"),
    Case("file saved as GBK", {PATH: article(title="编码测试").encode("gbk")}, "not-utf8", PATH, 2, "不是 UTF-8 编码"),
    Case("YAML syntax error", {PATH: with_line("tags", "tags: [测试")}, "yaml-syntax", PATH, 8, "方括号列表“[ … ]”没有正确结束"),
    Case("published without a fixed slug", {PATH: with_line("slug", None)}, "slug-not-fixed", PATH, 1, "必须写明网址名"),
    Case("no front matter", {PATH: "# 只有正文\n\n没有头信息。\n"}, "no-front-matter", PATH, 1, "缺少头信息"),
    Case("unknown status", {PATH: with_line("status", "status: 发布")}, "bad-status", PATH, 4, "无法识别"),
    Case(
        "published without editor", {PATH: with_line("editor", None)}, "missing-field", PATH, 1, "缺少责任编辑",
    ),
]


def _prepare(project: Project, case: Case) -> str:
    for relative, content in case.files.items():
        project.write(relative, content)
    return f"docs/{case.path}:{case.line}"


def _reported_in_chinese(result, case: Case, location: str) -> None:
    assert result.returncode == 1, result.output
    assert location in result.stdout
    assert case.message in result.stdout
    assert "提示：" in result.stdout
    assert "Traceback" not in result.output


def _reported_in_json(result, case: Case) -> None:
    assert result.returncode == 1
    report = json.loads(result.stdout)
    found = [(p["code"], p["path"], p["line"]) for p in report["problems"] if p["severity"] == "error"]
    assert (case.code, f"docs/{case.path}", case.line) in found


def _build_refused(result, location: str, case: Case) -> None:
    assert result.returncode != 0
    assert location in result.output
    assert case.message in result.output
    assert "内容检查未通过" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_reports_problem_in_chinese_with_file_and_line(project: Project, case: Case):
    location = _prepare(project, case)
    _reported_in_chinese(project.cli_in_process("check"), case, location)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_json_names_code_and_line(project: Project, case: Case):
    _prepare(project, case)
    _reported_in_json(project.cli_in_process("check", "--format", "json"), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_strict_build_fails_with_the_same_message(project: Project, case: Case):
    location = _prepare(project, case)
    _build_refused(project.mkdocs_build_in_process(), location, case)


@pytest.mark.slow
def test_check_command_end_to_end(project: Project):
    """`township-archive check` as staff run it."""
    case = CASES[1]
    location = _prepare(project, case)
    _reported_in_chinese(project.cli("check"), case, location)


def test_clean_sample_passes_check(project: Project):
    # The day after the newest sample article: no column is stale, no date lies in the future.
    result = project.cli_in_process("check", "--today", "2025-03-02")
    assert result.returncode == 0, result.output
    # The sample's site_url is a placeholder (no QR codes until a real address is set): its only warning.
    assert "内容检查通过：0 处错误、1 处警告。" in result.stdout and "[site-url-placeholder]" in result.stdout, result.stdout


def test_google_fonts_in_theme_is_refused(project: Project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  font: false\n", ""), encoding="utf-8")
    result = project.mkdocs_build_in_process()
    assert result.returncode != 0
    assert "Google Fonts" in result.output and "font: false" in result.output
    assert "Traceback" not in result.output


# --- builds: the last good site survives every failure -------------------------------------------------------


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@dataclass
class Built:
    project: Project
    sources: dict[Path, bytes]  # docs/ before the build


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_cache: Path) -> Built:
    """One copy built with `township-archive build`, as staff run it (the command's end-to-end run; the other
    builds below run it in process). A test below that breaks an article removes it again."""
    project = cached_copy(tmp_path_factory.mktemp("built") / "project", sample_cache)
    sources = _files(project.docs)
    result = project.cli("build")
    assert result.returncode == 0, result.output
    return Built(project, sources)


@pytest.fixture
def broken(built: Built):
    """The built copy, with PATH removed again after the test."""
    yield built.project
    (built.project.docs / PATH).unlink(missing_ok=True)


@pytest.mark.slow
def test_sources_are_not_modified_by_a_build(built: Built):
    assert _files(built.project.docs) == built.sources


@pytest.mark.slow
def test_failed_build_keeps_the_last_good_site(broken: Project):
    home = broken.root / "site" / "index.html"
    before = home.read_bytes()
    broken.write(PATH, with_line("date", "date: 2024-02-30"))
    result = broken.cli_in_process("build")
    assert result.returncode != 0
    assert "原来的网站（site/）保持不变" in result.output
    assert home.read_bytes() == before
    assert not list(broken.root.glob(".site-build-*"))


@pytest.mark.slow
def test_plain_mkdocs_build_failure_does_not_empty_site_dir(broken: Project):
    """`mkdocs build --strict` itself, end to end: the message, and content is validated before MkDocs
    cleans site_dir, so even `mkdocs build` keeps the old site."""
    case = CASES[0]
    location = _prepare(broken, case)
    _build_refused(broken.mkdocs_build(), location, case)
    assert (broken.root / "site" / "index.html").is_file()


@pytest.mark.slow
def test_two_builds_of_the_same_content_are_byte_identical(built: Built):
    """Only real changes reach the server and the USB sticks: the build takes no date from the clock."""
    project = built.project
    assert project.cli_in_process("build", "--site-dir", "second").returncode == 0
    try:
        first, second = _files(project.root / "site"), _files(project.root / "second")
        assert sorted(first) == sorted(second)
        assert [f for f in first if first[f] != second[f]] == []
    finally:
        shutil.rmtree(project.root / "second")


@pytest.mark.slow
def test_killed_build_leaves_the_previous_site_complete(built: Built):
    project = built.project
    site = project.root / "site"
    before = _files(site)
    for delay in (0.5, 1.5, 3.0):
        process = subprocess.Popen([str(BIN / "township-archive"), "build"], cwd=project.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the CLI and its mkdocs child, as a power cut would
        process.wait()
        assert _files(site) == before, f"site/ changed after a kill at {delay} s"
    assert project.cli_in_process("build").returncode == 0
    assert not list(project.root.glob(".site-build-*"))  # the next build clears what killed ones left
