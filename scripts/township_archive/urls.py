"""How the build writes the address of a page: the one rule for folders.

Online, pages live at clean folder addresses (`dangjian/wangge-zhili/`) and the server
answers a folder with its `index.html`. The offline copy is opened from `file://`, where
a folder opens a bare file listing instead of the page, so there every address that names
a folder names its `index.html`. Templates (through the `url` filter), article bodies,
search results and redirect pages all go through `page_address`.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape


def is_relative(address: str) -> bool:
    """A link to another page of this site written relative to the page (no scheme, host, root or bare fragment)."""
    parts = urlsplit(address)
    return bool(address) and not parts.scheme and not parts.netloc and not address.startswith(("#", "/", "?"))


def page_address(address: str, directory_urls: bool = True) -> str:
    """`address` (site path or relative URL, maybe with ?query and #fragment) as the build links to it."""
    if directory_urls:
        return address
    path, hash_mark, fragment = address.partition("#")
    path, question_mark, query = path.partition("?")
    if path == "" and (hash_mark or question_mark):
        return address  # "#section" or "?q" stays on the page it is on
    if path in ("", ".", "./"):
        path = "index.html"
    elif path == ".." or path.endswith("/.."):
        path += "/index.html"
    elif path.endswith("/"):
        path += "index.html"
    return path + question_mark + query + hash_mark + fragment


def page_output(source: str, directory_urls: bool = True) -> tuple[str, str]:
    """(output file, site address) of a Markdown page that is not an article, as the site writes it:
    `about.md` is `about/index.html` at `about/` online, `about.html` offline; `x/index.md` is `x/index.html`."""
    stem = source.removesuffix(".md")
    name = stem.rpartition("/")[2]
    if directory_urls and name != "index":
        dest = f"{stem}/index.html"
    else:
        dest = f"{stem}.html"
    folder, _, file_name = dest.rpartition("/")
    url = (folder or ".") + "/" if directory_urls and file_name == "index.html" else dest
    return dest, quote(url)


def relative_url(target: str, base: str) -> str:
    """Site path `target` as linked from the page at site path `base` (both '/'-separated, folders end in '/')."""
    if base != ".":
        folder, name = posixpath.split(base)
        base = folder if "." in name else base  # a file's links start from its folder
    relative = posixpath.relpath("/" + target, "/" + base)
    return relative + "/" if target.endswith("/") else relative


def file_url(target: str, page: str) -> str:
    """Docs-relative file `target` (a picture's variant, say) as the page at site address `page` links to it:
    relative and percent-encoded, as srcset needs (a space would split the list)."""
    return quote(relative_url(target, page))


# A web address inside text: up to a space, a quote or bracket, or Chinese punctuation.
_WEB_ADDRESS = re.compile(r"(https?://)([^\s<>\"'（）【】《》，。；：]+)")


# A date in running text (2024-07-01): one unit, never split at its hyphens.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNBROKEN = Markup('<span class="ta-nobreak">{}</span>')
# A part of an address longer than this may still break at its hyphens rather than run out of a phone's column.
LONGEST_UNBROKEN = 24


def _unbroken_part(part: str) -> Markup:
    """A part of an address between break points. Browsers also end lines after a hyphen, which splits a
    name in two (kejia- / wenhua): a part with hyphens is kept whole, unless it is too long for that."""
    return _UNBROKEN.format(part) if "-" in part and len(part) <= LONGEST_UNBROKEN else escape(part)


def _unbroken_dates(text: str) -> Markup:
    out, position = [], 0
    for match in _ISO_DATE.finditer(text):
        out += [escape(text[position : match.start()]), _UNBROKEN.format(match.group())]
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def breakable_urls(text: str) -> Markup:
    """`text`, escaped, with line-break opportunities (<wbr>) in the web addresses in it: after each slash
    past `://`, and before each dot of the host name (where typesetters break an address), and nowhere
    else: not at a hyphen of a path part, not inside a date (2024-07-01). Browsers do not end a line at
    those points by themselves: a long address either runs out of a phone's column or, allowed to break
    anywhere, splits inside a word or inside https://."""
    out = []
    position = 0
    for match in _WEB_ADDRESS.finditer(text):
        out.append(_unbroken_dates(text[position : match.start()]))
        out.append(escape(match.group(1)))
        host, slash, path = match.group(2).partition("/")
        out.append(Markup("<wbr>.").join(_unbroken_part(part) for part in host.split(".")))
        out.append(Markup(slash and "/<wbr>"))
        out.append(Markup("/<wbr>").join(_unbroken_part(part) for part in path.split("/")) if slash else Markup(""))
        position = match.end()
    out.append(_unbroken_dates(text[position:]))
    return Markup("").join(out)
