"""`township-archive`: the one command staff and the Makefile use.

    township-archive check [--format json] [--strict]   lint all content
    township-archive build                              build site/ atomically
    township-archive fields                             print the front-matter fields
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import problems as problem_report
from .content.loader import load_archive
from .content.schema import FIELDS
from .problems import Problem, Severity

PLUGIN_NAME = "township-archive"


class CliError(Exception):
    """A failure explained to the user in Chinese; no traceback is shown."""


def _load_project(config_file: Path):
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise CliError(f"找不到配置文件 {config_file}。请在项目文件夹里运行，或用 --config 指定 mkdocs.yml。")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    try:
        config = load_config(str(config_file))
    except (ConfigurationError, SystemExit) as error:
        raise CliError(f"{config_file} 配置有误：{error}") from None
    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise CliError(f"{config_file} 的 plugins 中没有 {PLUGIN_NAME}。")
    return config, plugin


def check_project(config_file: Path) -> list[Problem]:
    from .config import default_source_of, media_settings_of, sections_of
    from .media.library import build_library
    from .progress import terminal_progress
    from .site_checks import theme_problems

    config, plugin = _load_project(config_file)
    search = config.plugins.get("material/search") or config.plugins.get("search")
    problems = theme_problems(
        config_file, config.theme.get("font"), list(search.config.lang or []) if search is not None else None, config.site_url
    )
    project = config_file.resolve().parent
    archive, content_problems = load_archive(
        Path(config.docs_dir), sections_of(plugin.config), default_source_of(plugin.config), project
    )
    problems += content_problems
    if plugin.config.media.enabled:
        _library, media_problems = build_library(
            Path(config.docs_dir), project, archive, media_settings_of(plugin.config, project),
            progress=terminal_progress("检查图片", sys.stderr),
        )
        problems += media_problems
    return sorted(problems)


def _print_problems(console: Console, problems: list[Problem]) -> None:
    for problem in problems:
        style = "bold red" if problem.severity is Severity.ERROR else "yellow"
        console.print(f"[bold]{problem.location()}[/]: [{style}]{problem.severity.label}[/] [dim]\\[{problem.code}][/] {problem.message}", soft_wrap=True)
        if problem.hint:
            console.print(f"    [cyan]提示：[/]{problem.hint}", soft_wrap=True)


def cmd_check(args, console: Console) -> int:
    problems = check_project(args.config)
    if args.format == "json":
        print(problem_report.to_json(problems))
    else:
        _print_problems(console, problems)
        console.print(problem_report.summary(problems), highlight=False)
    errors = problem_report.count_errors(problems)
    return 1 if errors or (args.strict and problems) else 0


def cmd_build(args, console: Console) -> int:
    """Build into a temporary folder beside site/ and swap it in only on success."""
    project = args.config.resolve().parent
    site = (project / args.site_dir).resolve()
    staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=site.parent))
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(args.config), "--site-dir", str(staging)]
    if args.strict:
        command.append("--strict")
    try:
        result = subprocess.run(command, cwd=project, check=False)
        if result.returncode != 0:
            console.print("[bold red]构建失败[/]：请按上面的提示修改。原来的网站（site/）保持不变。", highlight=False)
            return result.returncode
        previous = site.with_name(site.name + ".previous")
        shutil.rmtree(previous, ignore_errors=True)
        if site.exists():
            os.replace(site, previous)
        os.replace(staging, site)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    console.print(f"[green]构建完成[/]：{site}", highlight=False)
    return 0


def cmd_fields(args, console: Console) -> int:
    table = Table(title="文章头信息字段")
    for column in ("字段", "含义", "类型", "是否必填", "说明", "示例"):
        table.add_column(column)
    for name, spec in FIELDS.items():
        table.add_row(name, spec.label, spec.kind, spec.required, spec.help, spec.example)
    console.print(table)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="township-archive", description="乡镇宣传文化档案网站的编辑与构建工具")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml 的路径（默认当前文件夹）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="子命令")

    check = commands.add_parser("check", help="检查全部文章的头信息、栏目和网址名")
    check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    check.add_argument("--strict", action="store_true", help="有警告也返回非零")
    check.set_defaults(run=cmd_check)

    build = commands.add_parser("build", help="构建网站；成功后才替换 site/")
    build.add_argument("--site-dir", default="site", help="输出文件夹（默认 site）")
    build.add_argument("--no-strict", dest="strict", action="store_false", help="有警告也继续构建")
    build.set_defaults(run=cmd_build)

    fields = commands.add_parser("fields", help="列出文章头信息可用的字段")
    fields.set_defaults(run=cmd_fields)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=args.command == "build", highlight=False)
    try:
        return args.run(args, console)
    except CliError as error:
        console.print(f"[bold red]错误[/]：{error}", highlight=False)
        return 2
    except KeyboardInterrupt:
        console.print("已中断。", highlight=False)
        return 130


if __name__ == "__main__":
    sys.exit(main())
