"""Checks of the site configuration that protect readers in mainland China and offline."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .problems import Problem, Severity, line_of_key
from .safe_url import url_problem

# Any other string in `extra` that a theme might print as a link and that would run or embed something.
_SCHEME_LIKE = re.compile(r"^\W*(javascript|vbscript|data|file|blob)\W*:", re.IGNORECASE)


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


# Names reserved for examples, tests and one's own machine (RFC 2606, RFC 6761): never a site's public address.
_RESERVED_TOP_LEVEL = frozenset({"example", "invalid", "test"})


def site_url_placeholder(site_url: str | None) -> str:
    """Why `site_url` is not the site's real public address (in Chinese), or "" when it is one.

    Missing, no host, a host with the label `example` (example.com, www.example.gov.cn, x.example),
    `*.invalid`, `*.test`, `localhost`, or an IP address outside the public internet (private,
    loopback, link-local, shared, reserved). Addresses built from such a site_url lead nowhere,
    so the build prints no QR code of them."""
    try:
        host = (urlsplit(site_url or "").hostname or "").rstrip(".")
    except ValueError:
        host = ""
    if not host:
        return "没有写网站的域名"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        if labels[-1] == "localhost":
            return f"{host} 是本机地址，读者的手机打不开"
        if "example" in labels or labels[-1] in _RESERVED_TOP_LEVEL:
            return f"{host} 是示例或保留的域名"
        return ""
    return "" if address.is_global else f"{host} 是内网或保留的地址，外面的手机打不开"


def site_url_problems(config_file: Path, site_url: str | None) -> list[Problem]:
    """A warning, for `check` only, when site_url is a placeholder. Never raised in the build:
    `mkdocs build --strict` stops on any warning, and the sample project keeps a placeholder."""
    reason = site_url_placeholder(site_url) if site_url else ""  # a missing one is theme_problems' error
    if not reason:
        return []
    return [
        Problem(
            config_file.name, line_of_key(config_file, "site_url"), "site-url-placeholder",
            f"site_url（{site_url}）不是网站的正式地址：{reason}。文章页不会显示二维码"
            "（离线版、展示终端和打印稿上供读者用手机扫码回家继续阅读），引用格式、分享卡片和订阅源里的网址也打不开。",
            "上线前在 mkdocs.yml 中把 site_url 改成网站的正式域名，例如 https://正式域名/，再重新构建。",
            Severity.WARNING,
        )
    ]


# Keys in mkdocs.yml's `extra` that Material prints as href (homepage, social and alternate links, …).
_LINK_KEYS = frozenset({"link", "homepage", "url", "href"})


def link_problems(config_file: Path, links: dict[str, Any], extra: Any) -> list[Problem]:
    """Links the theme prints from mkdocs.yml: `links` are top-level options (site_url, repo_url, edit_uri),
    `extra` is the `extra` block. Each must pass the one URL rule, or a page could carry `javascript:`."""
    path = config_file.name
    found: list[tuple[str, str]] = [(key, value) for key, value in links.items() if value]

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, str(name))
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and (key in _LINK_KEYS or _SCHEME_LIKE.match(value)):
            found.append((key, value))

    walk(extra, "extra")
    problems = []
    for key, value in found:
        relative = key not in ("site_url", "repo_url")
        reason = url_problem(value, relative=relative, mailto=key not in ("site_url", "repo_url", "edit_uri"))
        if reason:
            problems.append(
                Problem(
                    path, line_of_key(config_file, key), "bad-config-link",
                    f"{key} 的链接不能用：{reason}",
                    "只能写 https:// 或 http:// 开头的网址（有的地方也可写 mailto: 或本站内的路径）。",
                )
            )
    return problems
