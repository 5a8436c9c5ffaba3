"""The search query set typed into the real search box, and the per-category report.

Shared by tests/test_search.py (our search must find every query, over http and from
file://) and bench/search.py (which adds Material's default search as the baseline).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from browser import search_links

QUERIES = Path(__file__).with_name("search-queries.yml")
TOP = 3


@dataclass(frozen=True)
class Query:
    category: str
    text: str
    expected: str  # site path of the page, e.g. jiaoyu-jidi/songhu-kangzhan/


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(category, str(text), expected) for category, items in data.items() for text, expected in items.items()]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """The folder over http on loopback; yields the base address."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def site_path(href: str, base: str) -> str:
    """A result's address as a site path, the same online (dir/) and offline (dir.html, dir/index.html)."""
    path = unquote(urlsplit(href).path)
    base_path = unquote(urlsplit(base).path)
    path = path.removeprefix(base_path)
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):
        path = path[: -len(".html")] + "/"
    return path


def run_queries(page, start_url: str, queries: list[Query]) -> dict[Query, list[str]]:
    """Each query typed into the search box of `start_url`; the site paths of the results, best first."""
    base = start_url.rsplit("/", 1)[0] + "/"
    page.goto(start_url)
    return {query: [site_path(h, base) for h in search_links(page, query.text)] for query in queries}


def found(query: Query, results: list[str]) -> bool:
    return query.expected in results[:TOP]


def report(columns: dict[str, dict[Query, list[str]]], queries: list[Query]) -> str:
    """A Markdown table: per category, how many queries found their page in the top three, per column."""
    names = list(columns)
    lines = ["| 类别 | 查询数 | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    categories = list(dict.fromkeys(q.category for q in queries))
    for category in [*categories, None]:
        chosen = [q for q in queries if category is None or q.category == category]
        cells = [f"{sum(found(q, columns[n][q]) for q in chosen)}/{len(chosen)}" for n in names]
        label = "合计" if category is None else category
        lines.append(f"| {label} | {len(chosen)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(results: dict[Query, list[str]]) -> list[str]:
    return [f"{q.category} {q.text!r}: 想要 {q.expected}，得到 {r[:TOP]}" for q, r in results.items() if not found(q, r)]
