"""What staff read when the CLI runs the engine: Chinese lines, never MkDocs' English routine or a traceback."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
from conftest import Project, copy_project
from township_archive.cli import main
from township_archive.mkdocs.engine import engine_line, port_problem
from township_archive.mkdocs.project import engine_config_message


def record(message: str, level: int = logging.INFO, name: str = "mkdocs.commands.build") -> logging.LogRecord:
    return logging.makeLogRecord({"msg": message, "levelno": level, "name": name})


@pytest.mark.parametrize(
    ("message", "level", "shown"),
    [
        ("Cleaning site directory", logging.INFO, None),
        ("Building documentation to directory: /srv/site", logging.INFO, None),
        ("Documentation built in 0.83 seconds", logging.INFO, "网站生成用时 0.83 秒"),
        ("Aborted with a BuildError!", logging.ERROR, None),
        ("Aborted with 2 warnings in strict mode!", logging.ERROR, "有警告，构建已停止（严格模式：警告也要处理）。"),
        ("Some plugin chatter in English", logging.INFO, None),
        ("Doc file 'a.md' contains a link 'b.md', but the target is not found", logging.WARNING,
         "警告：Doc file 'a.md' contains a link 'b.md', but the target is not found"),
    ],
)
def test_the_engines_routine_lines_are_translated_or_left_out(message, level, shown):
    assert engine_line(record(message, level)) == shown


def test_our_own_messages_pass_as_they_are():
    text = "docs/a.md:3: 错误 [missing-field] 缺少标题（title）。"
    assert engine_line(record(text, logging.ERROR, "mkdocs.plugins.township_archive")) == text


def test_mkdocs_yml_messages_name_the_line_and_the_closest_option(tmp_path: Path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: 曲樟\nsite_descripton: 档案\n", encoding="utf-8")
    shown = engine_config_message(config, "Config value 'site_descripton': Unrecognised configuration name: site_descripton")
    assert shown == "mkdocs.yml 第 2 行：site_descripton 不是 mkdocs.yml 可用的选项。是不是想写 site_description？"
    ours = "mkdocs.yml 第 77 行：township-archive 的 sections.stale_afer_days 不是可用的选项。是不是想写 stale_after_days？"
    assert engine_config_message(config, f"Config value 'plugins': Plugin 'township-archive' option 'sections': {ours}") == ours


def test_a_busy_port_is_explained_with_another_to_try():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert port_problem("127.0.0.1", port) == f"端口 {port} 已被占用（可能另一个预览还开着）。请关掉它，或换一个端口：make serve PORT={port + 1}"
    assert port_problem("127.0.0.1", port) == ""


def test_a_typo_in_mkdocs_yml_stops_check_and_build_in_chinese(tmp_path: Path, capsys):
    project = copy_project(tmp_path / "project")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_description:", "site_descripton:"), encoding="utf-8")
    for command in ("check", "build"):
        assert main(["--config", str(config), command]) == 2
        output = capsys.readouterr()
        assert "site_descripton 不是 mkdocs.yml 可用的选项。是不是想写 site_description？" in output.out + output.err
        assert "Unrecognised" not in output.out + output.err
    assert not (project.root / "site").exists()


def test_a_mistyped_custom_dir_is_named_instead_of_a_template_traceback(tmp_path: Path, capsys):
    project = copy_project(tmp_path / "project")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("custom_dir:", "custum_dir:"), encoding="utf-8")
    assert main(["--config", str(config), "build"]) == 1
    output = capsys.readouterr()
    text = output.out + output.err
    assert "theme 下写的是 custum_dir，应为 custom_dir" in text and "构建失败" in text
    assert "Traceback" not in text and "TemplateNotFound" not in text


@pytest.mark.parametrize("target", ["docs", ".", "docs/sub", "..", "overrides"])
def test_build_never_replaces_the_sources_or_the_project(tmp_path: Path, capsys, target: str):
    project = copy_project(tmp_path / "project")
    before = sorted(p.relative_to(project.root) for p in project.root.rglob("*"))
    assert main(["--config", str(project.root / "mkdocs.yml"), "build", "--site-dir", target]) == 2
    output = capsys.readouterr()
    assert "错误" in output.out + output.err
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("*")) == before


def test_unreadable_configuration_and_unwritable_outputs_are_explained(project: Project, tmp_path: Path, capsys):
    # `project`: a copy with the sample's pictures already processed, which the report reads first
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    cases = {
        "extra: " + "[" * 5000 + "]" * 5000: "嵌套层次太深",
        "INHERIT: " + str(tmp_path): "这是一个文件夹，不是文件",
    }
    for line, expected in cases.items():
        config.write_text(text + "\n" + line + "\n", encoding="utf-8")
        assert main(["--config", str(config), "check"]) == 2
        assert expected in capsys.readouterr().out
    config.write_bytes(text.encode("gbk", errors="replace"))
    assert main(["--config", str(config), "check"]) == 2
    assert "不是 UTF-8 编码" in capsys.readouterr().out
    config.write_text(text, encoding="utf-8")
    assert main(["--config", str(config), "report", "--output", "/"]) == 2
    assert "--output 应是一个文件" in capsys.readouterr().out
    assert main(["--config", str(config), "report", "--output", "/proc/no-such-process/r.html"]) == 2
    assert "无法读写 /proc/no-such-process（文件或文件夹不存在）" in capsys.readouterr().out


def test_build_dates_the_site_by_its_newest_article_and_writes_the_redirects_from_its_plan(project: Project, monkeypatch):
    # One reading of docs/: the build's own plan gives the date (sitemap) and the aliases (nginx), not a second load.
    from datetime import UTC

    from township_archive.content.loader import load_archive
    from township_archive.mkdocs.project import load_project

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config = project.root / "mkdocs.yml"
    assert main(["--config", str(config), "build"]) == 0
    settings = load_project(config).settings
    archive, _ = load_archive(settings.docs_dir, list(settings.sections), settings.identity.source, settings.project_dir)
    newest = archive.published[0].date.astimezone(UTC).strftime("%Y-%m-%d")
    sitemap = (project.root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<lastmod>{newest}</lastmod>" in sitemap
    redirects = (project.root / "dist" / "nginx" / "redirects.conf").read_text(encoding="utf-8")
    aliases = [old for article in archive.published for old in article.alias_urls]
    assert aliases and all(f"/{old}" in redirects for old in aliases)
