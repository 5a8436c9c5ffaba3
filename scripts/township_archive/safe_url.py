"""The one rule for links that come from staff input (front matter, mkdocs.yml).

Templates escape what they print, but escaping does not make `javascript:alert(1)`
harmless inside an `href`. So a link is accepted only when it is plainly one of:

- an absolute `http://` or `https://` address with a host,
- a `mailto:` address (where the field allows it),
- a site-relative path (no scheme, not `//host`), where the field allows it.

Everything else is refused, and so is anything that could be read differently by
a browser than by this check: whitespace or control characters anywhere (browsers
drop tabs and newlines, so `java\tscript:` would become `javascript:`), backslashes
(`/\\evil.example` means `//evil.example` to a browser), and HTML character
references or percent-escapes that turn into a different scheme once decoded
(`&#106;avascript:`, `javascript&colon;`, `%6Aavascript:`).
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

# RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), followed by ':'.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_HTTP = re.compile(r"^https?://[^/?#@\s]+", re.IGNORECASE)
_MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$", re.IGNORECASE)


def _scheme(value: str) -> str | None:
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else None


def url_problem(value: object, *, relative: bool = True, mailto: bool = True) -> str | None:
    """Why `value` may not be used as a link (a Chinese sentence), or None when it may.

    `relative=False` asks for an address on another site (http/https/mailto only);
    `mailto=False` refuses e-mail links. The empty string is refused: callers treat
    an empty field as "no link" before asking.
    """
    if not isinstance(value, str):
        return "链接应当是一段文字。"
    if not value:
        return "链接是空的。"
    if len(value) > 2000:
        return "链接过长（超过 2000 个字符）。"
    for char in value:
        code = ord(char)
        if code <= 0x20 or 0x7F <= code <= 0xA0 or char in "\\\u00ad" or 0x2000 <= code <= 0x206F or code in (
            0x3000, 0xFEFF, 0xFFFE, 0xFFFF,
        ) or 0xD800 <= code <= 0xDFFF:
            return f"链接中含有空格、反斜杠、中文标点或不可见字符（U+{code:04X}），请删除。"
    decoded = unquote(html.unescape(value))
    schemes = {_scheme(value), _scheme(html.unescape(value)), _scheme(decoded)}
    if schemes != {_scheme(value)}:
        return "链接中含有会改变其含义的转义写法（如 &#…; 或 %xx 出现在“:”之前），请写成普通网址。"
    scheme = _scheme(value)
    allowed = "以 http:// 或 https:// 开头的网址" + ("、mailto: 电子邮件链接" if mailto else "") + ("或本站内的路径（如 /about/）" if relative else "")
    if scheme is None:
        if not relative:
            return "这里要写完整的网址，以 https:// 或 http:// 开头。"
        if value.startswith("//"):
            return f"以 // 开头的链接会指向其他网站；只能写{allowed}。"
        if ":" in re.split(r"[/?#]", value, maxsplit=1)[0]:
            return f"本站路径的第一段不能含冒号（会被当成别的协议）；只能写{allowed}。"
        return None
    if scheme in ("http", "https"):
        return None if _HTTP.match(value) else "网址不完整：http:// 或 https:// 后面要写网站域名。"
    if scheme == "mailto" and mailto:
        return None if _MAILTO.match(value) else "电子邮件链接应写成 mailto:名字@域名。"
    return f"不允许使用“{scheme}:”开头的链接；只能写{allowed}。"
