"""What a web server needs from the project and cannot work out itself.

- The Content Security Policy, from what the project's own templates and assets need. Nothing
  is read from built pages: text in an article must never be able to widen the policy.
- Redirects for old article addresses (the `aliases` field), as real 301s instead of
  mkdocs-redirects' pages, computed from the content model, never scraped from pages.
  Every line is checked against one strict pattern before it is written, so no alias or
  section id can ever write nginx configuration.

Written as nginx snippets (`csp.conf`, `redirects.conf`) that deploy/nginx/archive-*.conf include.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

from .files import write_atomically


class UnsafeRedirect(ValueError):
    """Redirects that would not make a safe nginx line. They were not written; the safe ones were."""

    def __init__(self, rejected: Sequence[tuple[str, str, str]]):
        self.rejected = list(rejected)  # (old, new, reason)
        lines = "\n".join(f"  {old!r} → {new!r}：{reason}" for old, new, reason in self.rejected)
        super().__init__(
            f"有 {len(self.rejected)} 条旧网址跳转没有写入 redirects.conf：\n{lines}\n"
            "请修改这些文章的旧网址名（aliases）或栏目 id：网址只能由英文字母、数字、-、_、. 和 / 组成。"
        )


# ---------------------------------------------------------------- Content Security Policy

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ORIGIN = re.compile(rf"https://{_LABEL}(?:\.{_LABEL})*(?::(?P<port>[0-9]{{1,5}}))?")


def embed_origin(value: str) -> str:
    """`value` if it is exactly https://host[:port] (an origin a page may frame), else ValueError in Chinese."""
    match = _ORIGIN.fullmatch(value) if isinstance(value, str) else None
    if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
        raise ValueError(f"嵌入来源 {value!r} 不合格：只能写 https://域名 或 https://域名:端口，不带路径。")
    return value


def content_security_policy(embed_origins: Sequence[str] = (), *, meta: bool = False) -> str:
    """The policy for every page; `embed_origins` (https://host[:port]) may be framed.

    `meta`: for a <meta http-equiv> policy (the offline bundle), which must leave out
    frame-ancestors: browsers ignore it there and report an error.
    """
    if isinstance(embed_origins, str):
        raise TypeError("embed_origins is a sequence of origins, not one string")
    origins = list(dict.fromkeys(embed_origin(origin) for origin in embed_origins))
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # The lightbox (glightbox) writes style="" attributes from its own script file. Attributes
        # cannot run code or load anything, and <style> elements still need 'self'.
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        " ".join(["frame-src 'self'", *origins]),
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
    if not meta:
        directives.append("frame-ancestors 'self'")
    return "; ".join(directives)


# ---------------------------------------------------------------- redirects

_BYTE = r"%[89A-F][0-9A-F]"  # one byte of a percent-encoded non-ASCII character, nothing else
# A path segment never starts with a dot: no "." or ".." segments, no dotfiles.
_SEGMENT = rf"(?:[A-Za-z0-9_-]|{_BYTE})(?:[A-Za-z0-9_.-]|{_BYTE})*"
_PLAIN_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9_.-]*"
# The same segment written for PCRE: dots escaped, non-ASCII bytes as \xHH.
_REGEX_SEGMENT = r"(?:[A-Za-z0-9_-]|\\x[89A-F][0-9A-F])(?:[A-Za-z0-9_-]|\\\.|\\x[89A-F][0-9A-F])*"
# The one pattern every line of redirects.conf must match, whole. ASCII old addresses are exact
# locations (the /old/ and /old/index.html lines); nginx compares locations with the *decoded*
# address and never decodes a location, so a non-ASCII old address is a regex location with
# \xHH bytes, both variants in one line. The target is the percent-encoded address.
REDIRECT_LINE = re.compile(
    rf"location (?:= /(?:{_PLAIN_SEGMENT}/)+(?:index\.html)?|~ \^/(?:{_REGEX_SEGMENT}/)+\(\?:index\\\.html\)\?\$)"
    rf" \{{ return 301 /(?:{_SEGMENT}/)+; \}}"
)


def _encoded(path: str) -> str:
    """Non-ASCII characters percent-encoded as UTF-8; ASCII is left alone, for the pattern to judge."""
    return "".join(char if char.isascii() else quote(char, safe="") for char in path)


def redirect_lines(old: str, new: str) -> list[str]:
    """The nginx lines for one redirect between site paths (/old/ → /new/), unchecked."""
    old, new = _encoded(old), _encoded(new)
    if "%" not in old:
        return [f"location = {variant} {{ return 301 {new}; }}" for variant in (old, old + "index.html")]
    pattern = re.sub(r"%([0-9A-F]{2})", r"\\x\1", old.replace(".", "\\."))
    return [f"location ~ ^{pattern}(?:index\\.html)?$ {{ return 301 {new}; }}"]


def redirects_conf(redirects: Iterable[tuple[str, str]]) -> tuple[str, list[tuple[str, str, str]]]:
    """The text of redirects.conf and the redirects left out of it, each with the reason."""
    pairs = sorted(set(redirects))
    targets = {new for _old, new in pairs}
    text = ["# Generated by township-archive from the articles' aliases (old address -> current address).\n"]
    rejected: list[tuple[str, str, str]] = []
    claimed: set[str] = set()
    for old, new in pairs:
        lines = redirect_lines(old, new)
        if not all(REDIRECT_LINE.fullmatch(line) for line in lines):
            rejected.append((old, new, "网址含有不允许的字符，或有以 . 开头的部分"))
        elif old == new or old in targets:
            rejected.append((old, new, "旧网址是一篇文章现在的网址"))
        elif old in claimed:
            rejected.append((old, new, "旧网址已经跳转到另一篇文章"))
        else:
            claimed.add(old)
            text += [line + "\n" for line in lines]
    return "".join(text), rejected


def archive_redirects(archive) -> list[tuple[str, str]]:
    """(old path, current path) for every alias of every published article."""
    return sorted(("/" + old, "/" + article.url) for article in archive.published for old in article.alias_urls)


def write_nginx_snippets(out: Path, redirects: Iterable[tuple[str, str]], embed_origins: Sequence[str] = ()) -> list[Path]:
    """Write csp.conf and redirects.conf into `out`.

    Raises UnsafeRedirect, after writing, when some redirects were left out of redirects.conf.
    """
    policy = content_security_policy(embed_origins)
    redirect_text, rejected = redirects_conf(redirects)
    out.mkdir(parents=True, exist_ok=True)
    snippets = {
        "csp.conf": "# Generated by township-archive: what the project's own templates and assets need.\n"
        f'add_header Content-Security-Policy "{policy}" always;\n',
        "redirects.conf": redirect_text,
    }
    written = []
    for name, text in snippets.items():
        write_atomically(out / name, text)
        written.append(out / name)
    if rejected:
        raise UnsafeRedirect(rejected)
    return written


# ---------------------------------------------------------------- the built files


def make_world_readable(folder: Path) -> None:
    """Folders 0755 and files 0644, so that the web server's unprivileged workers can read the site.

    Symbolic links are left alone (chmod would change what they point to)."""
    os.chmod(folder, 0o755)
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            # Only what differs: most files already are, and a site of tens of thousands of files is slow to chmod.
            if stat.S_ISDIR(mode) and stat.S_IMODE(mode) != 0o755:
                os.chmod(path, 0o755)
            elif stat.S_ISREG(mode) and stat.S_IMODE(mode) != 0o644:
                os.chmod(path, 0o644)


def page_url(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return "/" + (relative.removesuffix("index.html"))
