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


# What the links were last worked out from, and them by source path: the preview asks after every save,
# and most saves change no article's place, section, tags or villages.
_last: tuple[tuple, dict[str, tuple[str | None, str | None, tuple[str, ...]]]] | None = None


def article_links(archive: Archive, limit: int = 5) -> dict[str, ArticleLinks]:
    """source path -> links, for every published article."""
    global _last
    published = archive.published
    key = (limit, tuple((a.source_path, a.section.id, a.tags, a.villages) for a in published))
    if _last is not None and _last[0] == key:
        current = {a.source_path: a for a in published}
        return {
            source: ArticleLinks(current.get(newer), current.get(older), tuple(current[r] for r in related))
            for source, (newer, older, related) in _last[1].items()
        }
    links = _article_links(published, limit)
    _last = key, {
        source: (found.newer and found.newer.source_path, found.older and found.older.source_path,
                 tuple(a.source_path for a in found.related))
        for source, found in links.items()
    }
    return links


def _article_links(published: list[Article], limit: int) -> dict[str, ArticleLinks]:
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
