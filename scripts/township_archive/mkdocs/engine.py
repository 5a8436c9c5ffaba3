"""Running MkDocs for the CLI: a build or the preview server, with the engine's log in Chinese.

MkDocs' own command line prints English lines ("Cleaning site directory", "Aborted with a
BuildError!") and tracebacks; staff run `township-archive build`/`serve`, which call the engine
here, in-process, with one log handler: our plugin's messages as they are (already Chinese), the
engine's usual lines translated or left out, anything unexpected shown once without a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import socket
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from mkdocs.commands.build import build
from mkdocs.commands.serve import serve
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException

from ..plan import SitePlan
from .plugin import ArchivePlugin

# The engine's routine lines: None drops the line, a string replaces it ({0}, {1}: the groups).
_ROUTINE: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(r"Cleaning site directory"), None),
    (re.compile(r"Building documentation to directory: .*"), None),
    (re.compile(r"Building documentation\.\.\."), "正在重新构建……"),
    (re.compile(r"Documentation built in ([\d.]+) seconds"), "网站生成用时 {0} 秒"),
    (re.compile(r"Aborted with a BuildError!"), None),  # the reason was logged just before
    (re.compile(r"Aborted with (.*) in strict mode!"), "有警告，构建已停止（严格模式：警告也要处理）。"),
    (re.compile(r"Serving on (\S+)"), "预览地址：{0}（按 Ctrl+C 停止）"),
    (re.compile(r"Watching paths for changes: .*"), None),
    (re.compile(r"Detected file changes"), "发现文件有改动"),
    (re.compile(r"Reloading browsers"), None),
    (re.compile(r"Shutting down\.\.\."), "预览已停止。"),
    (re.compile(r"\[[\d:]+\] Browser connected: .*"), None),
    (re.compile(r"\[[\d:]+\] Serving file: .*"), None),
]
_LEVEL = {logging.WARNING: "警告", logging.ERROR: "错误", logging.CRITICAL: "错误"}


def engine_line(record: logging.LogRecord) -> str | None:
    """What staff see of one log record of the engine, or None for nothing."""
    message = record.getMessage()
    if record.name.startswith("mkdocs.plugins.township_archive"):
        return message  # our problems carry their own place and severity, in Chinese
    for pattern, replacement in _ROUTINE:
        if match := pattern.fullmatch(message.strip()):
            return None if replacement is None else replacement.format(*match.groups())
    if record.levelno < logging.WARNING:
        return None  # the engine's other chatter (plugins' English INFO lines)
    return f"{_LEVEL.get(record.levelno, '提示')}：{message}"


class _ChineseHandler(logging.Handler):
    def __init__(self, stream: TextIO) -> None:
        super().__init__(logging.INFO)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        if (line := engine_line(record)) is not None:
            self.stream.write(line + "\n")
            self.stream.flush()


@contextlib.contextmanager
def chinese_log(stream: TextIO | None = None) -> Iterator[None]:
    """The engine logs through our handler only, for the duration of one build or preview."""
    logger = logging.getLogger("mkdocs")
    saved = logger.handlers[:], logger.level, logger.propagate
    logger.handlers = [_ChineseHandler(stream or sys.stderr)]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.handlers, level, logger.propagate = saved[0], saved[1], saved[2]
        logger.setLevel(level)


@dataclass(frozen=True)
class Built:
    """The outcome of one build: `ok` False when it stopped (the reasons were logged in Chinese);
    `plan` the plan the build followed, for what the command writes beside the site (nginx snippets)."""

    ok: bool
    plan: SitePlan | None = None


def build_site(
    config_file: Path, site_dir: Path, *, strict: bool = True, dated_by_content: bool = False,
    keep_from: Path | None = None, record_file: Path | None = None,
) -> Built:
    """Build into `site_dir`. `dated_by_content`: without SOURCE_DATE_EPOCH, the build's dates (sitemap)
    are the newest article's, taken from the build's own plan rather than from a second reading of docs/.
    `keep_from`: the last good site, whose outputs with unchanged inputs are linked into `site_dir` instead
    of being made again, by the record in `record_file`, which this build then replaces (`keep_from` None:
    every output is made, and recorded for the next build)."""
    plugin = None
    with chinese_log():
        try:
            config = load_config(str(config_file), site_dir=str(site_dir), strict=strict)
            plugin = next((p for p in config.plugins.values() if isinstance(p, ArchivePlugin)), None)
            incremental = plugin is not None and record_file is not None
            if plugin is not None:
                plugin.dated_by_content = dated_by_content
                plugin.keep_from, plugin.record_file = keep_from, record_file
            config.plugins.on_startup(command="build", dirty=incremental)
            try:
                build(config, dirty=incremental)
            finally:
                config.plugins.on_shutdown()
        except (Abort, ConfigurationError) as error:
            if line := engine_line(logging.makeLogRecord({"msg": str(error), "levelno": logging.ERROR, "name": "mkdocs"})):
                sys.stderr.write(line + "\n")
            return Built(False)
        except MkDocsException as error:
            sys.stderr.write(f"错误：{error}\n")
            return Built(False)
        except Exception as error:  # noqa: BLE001 - staff get one Chinese line; the details go to a file
            report = Path(config_file).parent / ".cache" / "last-build-error.txt"
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(traceback.format_exc(), encoding="utf-8")
            sys.stderr.write(
                f"错误：构建时出现意外问题（{type(error).__name__}：{error}）。"
                f"详细信息已写入 {report}，请把这个文件发给技术人员。\n"
            )
            return Built(False)
    return Built(True, plugin.plan if plugin is not None else None)


def port_problem(host: str, port: int) -> str:
    """Why the preview cannot listen on host:port (in Chinese), or "" when it can."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"端口 {port} 已被占用（可能另一个预览还开着）。请关掉它，或换一个端口：make serve PORT={port + 1}"
            return f"无法在 {host}:{port} 上预览：{error.strerror}"
    return ""


def serve_site(config_file: Path, host: str, port: int) -> int:
    """The preview with live reload; drafts are shown (see the plugin's on_startup)."""
    with chinese_log():
        try:
            # "dirty": after each save the plugin keeps every page whose inputs did not change (mkdocs/incremental.py).
            serve(str(config_file), livereload=True, build_type="dirty", dev_addr=f"{host}:{port}")
        except (Abort, ConfigurationError) as error:
            sys.stderr.write(f"错误：{error}\n")
            return 1
        except KeyboardInterrupt:
            return 0
    return 0

