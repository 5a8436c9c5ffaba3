"""Where a reader goes after an article: the newer and older article of its section, and
related articles (most shared tags and villages, newer first on ties)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass

from .content.loader import Archive
from .content.model import Article


@dataclass(frozen=True)
class ArticleLinks:
    newer: Article | None = None
    older: Article | None = None
    related: tuple[Article, ...] = ()


def article_links(archive: Archive, limit: int = 5) -> dict[str, ArticleLinks]:
    """source path -> links, for every published article."""
    published = archive.published
    rank = {a.source_path: n for n, a in enumerate(published)}  # newest first
    by_section: dict[str, list[Article]] = defaultdict(list)
    by_term: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in published:
        by_section[article.section.id].append(article)
        for term in _terms(article):
            by_term[term].append(article)
    links: dict[str, ArticleLinks] = {}
    for articles in by_section.values():
        for n, article in enumerate(articles):
            shared: Counter[str] = Counter()
            for term in _terms(article):
                for other in by_term[term]:
                    if other is not article:
                        shared[other.source_path] += 1
            best = heapq.nsmallest(limit, shared, key=lambda path: (-shared[path], rank[path]))
            links[article.source_path] = ArticleLinks(
                newer=articles[n - 1] if n > 0 else None,
                older=articles[n + 1] if n + 1 < len(articles) else None,
                related=tuple(published[rank[path]] for path in best),
            )
    return links


def _terms(article: Article) -> set[tuple[str, str]]:
    return {("tag", t) for t in article.tags} | {("village", v) for v in article.villages}
