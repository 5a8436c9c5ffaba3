"""Checks of the site configuration that protect readers in mainland China and offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .problems import Problem, line_of_key


def search_plugin(config):
    """Material's search plugin from a loaded MkDocs config, or None when the site has no search box."""
    return config.plugins.get("material/search") or config.plugins.get("search")


def theme_problems(
    config_file: Path,
    font: Any,
    site_url: str | None = "https://example.invalid/",
) -> list[Problem]:
    """`font` is mkdocs.yml's theme.font."""
    path = config_file.name
    problems = []
    if font is not False:
        problems.append(
            Problem(
                path, line_of_key(config_file, "font") or line_of_key(config_file, "theme"), "google-fonts",
                "主题会从 Google Fonts 加载字体：在中国大陆打不开，离线版也用不了，页面可能长时间空白。",
                "在 mkdocs.yml 的 theme 下写 font: false，本站样式已改用系统中文字体。",
            )
        )
    if not site_url:
        problems.append(
            Problem(
                path, line_of_key(config_file, "site_name"), "site-url-missing",
                "没有设置 site_url：文章的规范网址、引用格式、分享卡片和订阅源都需要网站的正式地址。",
                "在 mkdocs.yml 中写 site_url: https://正式域名/ （尚未确定时可先写 https://www.example.gov.cn/）。",
            )
        )
    return problems
