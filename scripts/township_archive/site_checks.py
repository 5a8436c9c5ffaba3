"""Checks of the site configuration that protect readers in mainland China and offline."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .problems import Problem


def _line_of(config_file: Path, key: str) -> int:
    try:
        lines = config_file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith(f"{key}:"):
            return number
    return 0


def search_languages(config) -> list[str] | None:
    """The search plugin's languages from a loaded MkDocs config; None when search is off."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    return list(search.config.lang or []) if search is not None else None


def theme_problems(
    config_file: Path,
    font: Any,
    search_lang: list[str] | None,
    site_url: str | None = "https://example.invalid/",
    module_available: Callable[[str], bool] = lambda name: importlib.util.find_spec(name) is not None,
) -> list[Problem]:
    """`font` is mkdocs.yml's theme.font; `search_lang` the search plugin's languages (None: no search)."""
    path = config_file.name
    problems = []
    if font is not False:
        problems.append(
            Problem(
                path, _line_of(config_file, "font") or _line_of(config_file, "theme"), "google-fonts",
                "主题会从 Google Fonts 加载字体：在中国大陆打不开，离线版也用不了，页面可能长时间空白。",
                "在 mkdocs.yml 的 theme 下写 font: false，本站样式已改用系统中文字体。",
            )
        )
    if search_lang is not None and "zh" in search_lang and not module_available("jieba"):
        problems.append(
            Problem(
                path, _line_of(config_file, "lang"), "jieba-missing",
                "中文搜索需要 jieba 分词库，但当前环境没有安装；不装它，搜索索引会把整段中文当成一个词。",
                "运行 make site（会按锁定文件安装依赖），或在虚拟环境中 pip install jieba。",
            )
        )
    if not site_url:
        problems.append(
            Problem(
                path, _line_of(config_file, "site_name"), "site-url-missing",
                "没有设置 site_url：文章的规范网址、引用格式、分享卡片和订阅源都需要网站的正式地址。",
                "在 mkdocs.yml 中写 site_url: https://正式域名/ （尚未确定时可先写 https://www.example.gov.cn/）。",
            )
        )
    return problems
