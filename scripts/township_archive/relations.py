"""Where a reader goes after an article: the newer and older article of its section, and
related articles (most shared tags and villages, newer first on ties)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain

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
    by_term: dict[tuple[str, str], list[int]] = defaultdict(list)  # ranks, ascending
    for n, article in enumerate(published):
        by_section[article.section.id].append(article)
        for term in _terms(article):
            by_term[term].append(n)
    links: dict[str, ArticleLinks] = {}
    for articles in by_section.values():
        for n, article in enumerate(articles):
            # Counted in rank order, so that most_common (stable) ranks equal counts newest first.
            shared = Counter(sorted(chain.from_iterable(by_term[term] for term in _terms(article))))
            del shared[rank[article.source_path]]
            links[article.source_path] = ArticleLinks(
                newer=articles[n - 1] if n > 0 else None,
                older=articles[n + 1] if n + 1 < len(articles) else None,
                related=tuple(published[other] for other, _count in shared.most_common(limit)),
            )
    return links


def _terms(article: Article) -> set[tuple[str, str]]:
    return {("tag", t) for t in article.tags} | {("village", v) for v in article.villages}
