"""Every kind of bad front matter gets a Chinese message with file and line, a fix
hint and a non-zero exit, both from `township-archive check` and from
`mkdocs build --strict`, and never a Python traceback."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from conftest import Project, article

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


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_reports_problem_in_chinese_with_file_and_line(project: Project, case: Case):
    location = _prepare(project, case)
    result = project.cli("check")
    assert result.returncode == 1, result.output
    assert location in result.stdout
    assert case.message in result.stdout
    assert "提示：" in result.stdout
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_json_names_code_and_line(project: Project, case: Case):
    _prepare(project, case)
    result = project.cli("check", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    found = [(p["code"], p["path"], p["line"]) for p in report["problems"] if p["severity"] == "error"]
    assert (case.code, f"docs/{case.path}", case.line) in found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_strict_build_fails_with_the_same_message(project: Project, case: Case):
    location = _prepare(project, case)
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert location in result.output
    assert case.message in result.output
    assert "内容检查未通过" in result.output
    assert "Traceback" not in result.output


def test_failed_build_keeps_the_last_good_site(project: Project):
    assert project.cli("build").returncode == 0
    home = project.root / "site" / "index.html"
    before = home.read_bytes()
    project.write(PATH, with_line("date", "date: 2024-02-30"))
    result = project.cli("build")
    assert result.returncode != 0
    assert "原来的网站（site/）保持不变" in result.output
    assert home.read_bytes() == before
    assert not list(project.root.glob(".site-build-*"))


def test_plain_mkdocs_build_failure_does_not_empty_site_dir(project: Project):
    """Content is validated before MkDocs cleans site_dir, so even `mkdocs build` keeps the old site."""
    assert project.mkdocs_build().returncode == 0
    project.write(PATH, with_line("title", None))
    assert project.mkdocs_build().returncode != 0
    assert (project.root / "site" / "index.html").is_file()


def test_sources_are_not_modified_by_a_build(project: Project):
    before = {p: p.read_bytes() for p in project.docs.rglob("*") if p.is_file()}
    assert project.mkdocs_build().returncode == 0
    after = {p: p.read_bytes() for p in project.docs.rglob("*") if p.is_file()}
    assert before == after


def test_clean_sample_passes_check(project: Project):
    # The day after the newest sample article: no column is stale, no date lies in the future.
    result = project.cli("check", "--today", "2025-03-02")
    assert result.returncode == 0, result.output
    # The sample's site_url is a placeholder (no QR codes until a real address is set): its only warning.
    assert "内容检查通过：0 处错误、1 处警告。" in result.stdout and "[site-url-placeholder]" in result.stdout, result.stdout


def test_google_fonts_in_theme_is_refused(project: Project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  font: false\n", ""), encoding="utf-8")
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert "Google Fonts" in result.output and "font: false" in result.output
    assert "Traceback" not in result.output


def test_two_builds_of_the_same_content_are_byte_identical(project: Project, tmp_path):
    """Only real changes reach the server and the USB sticks: the build takes no date from the clock."""
    assert project.cli("build", "--site-dir", "first").returncode == 0
    assert project.cli("build", "--site-dir", "second").returncode == 0
    first, second = project.root / "first", project.root / "second"
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()] == []


def test_killed_build_leaves_the_previous_site_complete(project: Project):
    import signal
    import subprocess
    import time

    from conftest import BIN

    assert project.cli("build").returncode == 0
    site = project.root / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    for delay in (0.5, 1.5, 3.0):
        process = subprocess.Popen([str(BIN / "township-archive"), "build"], cwd=project.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        if process.poll() is None:
            import os
            os.killpg(process.pid, signal.SIGKILL)  # the CLI and its mkdocs child, as a power cut would
        process.wait()
        after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        assert after == before, f"site/ changed after a kill at {delay} s"
    assert project.cli("build").returncode == 0
    assert not list(project.root.glob(".site-build-*"))  # the next build clears what killed ones left
