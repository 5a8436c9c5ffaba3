"""`township-archive`: the one command staff and the Makefile use.

    township-archive check [--format json] [--strict]   lint all content
    township-archive build                              build site/ atomically
    township-archive offline [--kiosk]                  build the offline bundle into dist/
    township-archive verify BUNDLE                      check a bundle against its SHA256SUMS
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


def cmd_offline(args, console: Console) -> int:
    """Build the offline variant and pack it as dist/<name>-offline-<date>.zip plus the folder."""
    from .bundle import package as bundle
    from .config import default_source_of, sections_of
    from .content.slugs import pinyin_slug

    config, plugin = _load_project(args.config)
    project = args.config.resolve().parent
    archive, _problems = load_archive(Path(config.docs_dir), sections_of(plugin.config), default_source_of(plugin.config), project)
    newest = archive.published[0].date if archive.published else None
    stamp = bundle.content_date_stamp(newest)
    name = plugin.config.offline.bundle_name or pinyin_slug(config.site_name, max_length=60) or "archive"
    root_name = f"{name}-offline-{stamp}" + ("-kiosk" if args.kiosk else "")
    dist = (project / args.dist).resolve()
    folder, zip_path = dist / root_name, dist / f"{root_name}.zip"

    env = dict(os.environ, TOWNSHIP_ARCHIVE_OFFLINE="true", TOWNSHIP_ARCHIVE_KIOSK="true" if args.kiosk else "false")
    if newest and "SOURCE_DATE_EPOCH" not in env:
        env["SOURCE_DATE_EPOCH"] = str(int(newest.timestamp()))  # dates inside the build come from content
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".offline-build-", dir=dist))
    try:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(args.config), "--site-dir", str(staging)]
        if subprocess.run(command, cwd=project, env=env, check=False).returncode != 0:
            console.print("[bold red]离线版构建失败[/]：请按上面的提示修改。dist/ 中原有的离线版保持不变。")
            return 1
        bundle.write_guide(staging, config.site_name, newest.strftime("%Y年%m月%d日") if newest else "", args.kiosk,
                           f"township-archive verify {root_name}.zip")
        bundle.write_manifest(staging)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
        bundle.write_zip(folder, zip_path, root_name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    table = Table(title="离线版中最大的文件")
    table.add_column("文件")
    table.add_column("大小", justify="right")
    for path, size in bundle.largest_files(folder):
        table.add_row(path, _size(size))
    console.print(table)
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    console.print(f"[green]离线版完成[/]：{zip_path}（压缩包 {_size(zip_path.stat().st_size)}，展开后 {_size(total)}）")
    console.print(f"展开的文件夹：{folder}")
    return 0


def cmd_verify(args, console: Console) -> int:
    from .bundle import package as bundle

    if not args.path.exists():
        raise CliError(f"找不到 {args.path}。")
    findings = bundle.verify(args.path)
    for finding in findings:
        console.print(f"[bold red]✗[/] {finding.message}")
    if findings:
        console.print(f"[bold red]校验未通过[/]：发现 {len(findings)} 处问题，离线版不完整或被改动过，请重新复制。")
        return 1
    console.print(f"[green]校验通过[/]：{args.path} 中的文件完整无误。")
    return 0


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


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

    offline = commands.add_parser("offline", help="构建离线版（展示终端、U 盘），打包为 dist/ 下的 zip")
    offline.add_argument("--kiosk", action="store_true", help="展示终端模式：大字、触屏按钮、无人操作时回到首页")
    offline.add_argument("--dist", default="dist", help="输出文件夹（默认 dist）")
    offline.set_defaults(run=cmd_offline)

    verify = commands.add_parser("verify", help="按 SHA256SUMS 校验离线版压缩包或文件夹")
    verify.add_argument("path", type=Path, help="离线版 zip 文件或展开的文件夹")
    verify.set_defaults(run=cmd_verify)

    fields = commands.add_parser("fields", help="列出文章头信息可用的字段")
    fields.set_defaults(run=cmd_fields)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=args.command in ("build", "offline"), highlight=False)
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
