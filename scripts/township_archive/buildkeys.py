"""What each page's output depends on, as one digest per page: a build re-renders a page only when
its digest changed since the build whose output it keeps.

The preview rebuilds after every save; at thousands of articles, rendering every page costs half a
minute. A page's digest covers everything its template prints: the page's own file, the plan facts
it shows (newer/older and related articles, the articles a listing page lists, tag and village
links, pictures and their credits, where its links lead) and the site digest: what every page
prints (templates, configuration, the navigation, the footer's years, the preview's 草稿箱 count).
Pages that print the whole archive (home, 草稿箱, free pages such as 关于) get None: always rendered.

Values are digested field by field; a value without a stable form is refused (TypeError), so no
memory address or set order ever reaches a digest.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from pathlib import Path, PurePath
from types import FunctionType

from .content.markdown_scan import is_external, resolve
from .content.model import Article
from .listings import ListingKind, ListingPage
from .plan import SitePlan
from .relations import ArticleLinks
from .templating import SiteView
from .urls import page_output


def stable_digest(*values: object) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for value in values:
        _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value: object) -> None:
    update = digest.update
    if value is None:
        update(b"N")
    elif isinstance(value, bool):
        update(b"T" if value else b"F")
    elif isinstance(value, enum.Enum):
        update(f"E{type(value).__qualname__}:".encode())
        _feed(digest, value.value)
    elif isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        update(b"s%d:" % len(data) + data)
    elif isinstance(value, int | float):
        update(f"{type(value).__name__}{value!r};".encode())
    elif isinstance(value, bytes):
        update(b"b%d:" % len(value) + value)
    elif isinstance(value, datetime | date | time):
        update(f"D{type(value).__name__}{value.isoformat()};".encode())
    elif isinstance(value, PurePath):
        _feed(digest, value.as_posix())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        update(f"C{type(value).__qualname__}(".encode())
        for field in dataclasses.fields(value):
            _feed(digest, field.name)
            _feed(digest, getattr(value, field.name))
        update(b")")
    elif isinstance(value, Mapping):
        update(b"M%d{" % len(value))
        for key_digest, key, item in sorted((stable_digest(k), k, v) for k, v in value.items()):
            update(key_digest.encode())
            _feed(digest, item)
        update(b"}")
    elif isinstance(value, list | tuple):
        update(b"L%d[" % len(value))
        for item in value:
            _feed(digest, item)
        update(b"]")
    elif isinstance(value, set | frozenset):
        update(b"S%d{" % len(value))
        for item_digest in sorted(stable_digest(item) for item in value):
            update(item_digest.encode())
        update(b"}")
    elif isinstance(value, FunctionType | type):
        # Named in the configuration (the table of contents' slugify): its code is in the engine digest.
        update(f"F{value.__module__}.{value.__qualname__};".encode())
    else:
        raise TypeError(f"no stable digest for {type(value).__qualname__}")


def files_digest(paths: Iterable[Path]) -> str:
    """The names and bytes of files and of every file under folders (templates, configuration)."""
    digest = hashlib.blake2b(digest_size=16)
    for root in paths:
        # Python's byte-code caches come and go with imports; the sources are what counts.
        found = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc") if root.is_dir() else [root]
        for path in found:
            _feed(digest, path.as_posix())
            _feed(digest, path.read_bytes() if path.is_file() else None)
    return digest.hexdigest()


def site_digest(plan: SitePlan, view: SiteView, engine: Mapping[str, object]) -> str:
    """What every page prints or is drawn with. `engine`: the engine's own inputs (versions, the
    digest of the template folders and of the configuration file, the site address the preview serves at)."""
    docs = plan.settings.docs_dir
    return stable_digest(
        engine,
        plan.settings,
        plan.nav,
        # Pages of the navigation that name themselves (home, 关于): their titles are in every page's tabs.
        [(entry.source, _bytes(docs / entry.source)) for entry in plan.nav if entry.title is None],
        plan.csp_meta,
        view.copyright_years,
        view.rights_url,
        view.feeds,
        view.picture_widths,
        # Every page of the preview links to its 草稿箱 with the number of drafts.
        None if plan.drafts_page is None else (plan.drafts_page.url, len(plan.drafts_page.entries)),
    )


def page_digests(plan: SitePlan, view: SiteView, site: str) -> dict[str, str | None]:
    """Source path -> digest of every article and listing page; None for pages always rendered."""
    digests: dict[str, str | None] = {}
    sources = _Sources(plan)
    for article in plan.archive.articles:
        digests[article.source_path] = _article_digest(plan, view, site, sources, article)
    for listing in plan.listings.pages:
        digests[listing.src_uri] = _listing_digest(plan, view, site, sources, listing)
    return digests


class _Sources:
    """The bytes of source files and where links to them lead, read once per build."""

    def __init__(self, plan: SitePlan) -> None:
        self.plan = plan
        self.docs = plan.settings.docs_dir
        self._articles: dict[str, str] = {}
        self._villages: dict[str, str] = {}

    def article(self, article: Article | None) -> str | None:
        """One article's digest, memoised: an article is shown on its neighbours', related and listing pages."""
        if article is None:
            return None
        if (found := self._articles.get(article.source_path)) is None:
            found = self._articles[article.source_path] = _article_record(article)
        return found

    def village(self, view: SiteView, name: str) -> str:
        """A village page's facts (description, honours, count) as one digest: each is shown on many pages."""
        if (found := self._villages.get(name)) is None:
            found = self._villages[name] = stable_digest(view.village(name))
        return found

    def file(self, source: str) -> bytes | None:
        return _bytes(self.docs / source)

    def target(self, source: str) -> tuple[str, str, bool]:
        """Where a page linking to `source` sends the reader, and whether anything is there."""
        plan = self.plan
        dest = plan.dest(source) or page_output(source, plan.settings.directory_urls)[0]
        exists = source in plan.articles_by_source or source in plan.listings_by_source or (self.docs / source).is_file()
        return source, dest, exists


# An article's digest by its field values (hashed and compared in C): the preview digests thousands
# of unchanged articles after every save.
_RECORDS: dict[tuple, str] = {}


def _article_record(article: Article) -> str:
    values = article.values()
    try:
        found = _RECORDS.get(values)
    except TypeError:  # a field that cannot be hashed
        return stable_digest(article)
    if found is None:
        if len(_RECORDS) > 100_000:
            _RECORDS.clear()
        found = _RECORDS[values] = stable_digest(article)
    return found


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _pictures(plan: SitePlan, sources: Iterable[str | None]) -> list[tuple]:
    library = plan.library
    return [(s, library.get(s), library.credits.get(s)) for s in sources if s]


def _links(sources: _Sources, found: ArticleLinks | None) -> tuple | None:
    if found is None:
        return None
    return sources.article(found.newer), sources.article(found.older), [sources.article(a) for a in found.related]


# Anything in a body that may be a relative link to a file: Markdown has more ways to write a link
# (references, footnotes, links broken over lines) than a scanner of lines sees, and MkDocs resolves them all.
# A word between brackets, quotes and spaces that ends in an ASCII extension (and maybe #heading).
_WORD = re.compile(r"""[^\s()<>\[\]"'`|]+""")
_LINK_LIKE = re.compile(r"[^#]*\.[A-Za-z0-9]{1,8}(?:#.*)?")
_TARGETS: dict[tuple[str, str], list[tuple[str, bool]]] = {}


def link_targets(body: str, source: str) -> list[tuple[str, bool]]:
    """Docs paths the body may link to, each with whether the link names a heading there: a generous
    superset of what MkDocs resolves (a word that is no link costs a look-up, a link missed a stale page)."""
    if (known := _TARGETS.get((source, body))) is not None:  # the preview asks again after every save
        return known
    found: dict[str, bool] = {}
    for word in _WORD.findall(body):
        if not _LINK_LIKE.fullmatch(word) or is_external(word) or word.startswith(("#", "mailto:", "tel:")):
            continue
        path, _, anchor = word.partition("#")
        if (target := resolve(path, source)) is not None and target != ".":
            found[target] = found.get(target, False) or bool(anchor)
    if len(_TARGETS) > 50_000:
        _TARGETS.clear()
    _TARGETS[source, body] = result = sorted(found.items())
    return result


def _article_digest(plan: SitePlan, view: SiteView, site: str, sources: _Sources, article: Article) -> str:
    source = article.source_path
    targets = link_targets(article.body, source)
    # The rights box, citation and credits are computed from the article, its pictures and the site's rights.
    return stable_digest(
        site,
        sources.file(source),
        sources.article(article),
        _links(sources, view.links.get(source)),
        [(tag, view.tag_urls.get(tag)) for tag in article.tags],
        [sources.village(view, name) for name in article.villages],
        _pictures(plan, [*plan.library.article_images.get(source, ()), article.cover]),
        # Where each link leads; for a link to a heading, the page it names (its headings may change).
        [(sources.target(target), sources.file(target) if anchor else None) for target, anchor in targets],
    )


def _listing_digest(plan: SitePlan, view: SiteView, site: str, sources: _Sources, listing: ListingPage) -> str:
    by_kind: object = None
    if listing.kind is ListingKind.TAG_INDEX:
        by_kind = view.tags
    elif listing.kind is ListingKind.YEAR_INDEX:
        by_kind = (view.total, view.years)
    elif listing.kind is ListingKind.VILLAGE_INDEX:
        by_kind = view.villages
    elif listing.kind is ListingKind.VILLAGE:
        by_kind = view.village(listing.title)
    elif listing.kind is ListingKind.YEAR:
        # The timeline's entries are the listing's own articles, digested below.
        months = [(month.month, len(month.entries), month.continued) for month in view.timeline(listing)]
        by_kind = (view.year_of(listing), months)
    return stable_digest(
        site,
        sources.file(listing.src_uri),  # a section's own introduction (docs/<section>/index.md), if it has one
        dataclasses.replace(listing, articles=()),
        [sources.article(article) for article in listing.articles],
        by_kind,
        _pictures(plan, [a.cover for a in listing.articles]),
    )
