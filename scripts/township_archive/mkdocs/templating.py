"""The template environment: what MkDocs' Jinja environment gets from the archive."""

from __future__ import annotations

import posixpath

import yaml
from jinja2 import BytecodeCache, Environment, TemplateNotFound, pass_context
from jinja2.bccache import Bucket

from ..dates import chinese_date, iso_date
from ..listings import ListingPage
from ..templating import SiteView
from ..urls import breakable_urls, page_address


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory by name and source checksum: the preview makes a new
    environment for every build and would compile Material's 40-odd templates again after each save."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = _CompiledTemplates()


def install(env: Environment, site: SiteView, directory_urls: bool = True) -> None:
    env.bytecode_cache = COMPILED
    # Every value printed by a template, ours or Material's, is escaped unless it is Markup:
    # only HTML the project built itself (the cleaned page body, tojson) is marked so.
    env.autoescape = True
    # MkDocs' `url` filter, with the folder rule of urls.page_address: offline, a folder is its index.html.
    mkdocs_url = env.filters["url"]

    @pass_context
    def url(context, value: str) -> str:
        return page_address(mkdocs_url(context, value), directory_urls)

    env.filters["url"] = url
    env.globals["archive"] = site
    env.filters["chinese_date"] = chinese_date
    env.filters["iso_date"] = iso_date
    env.filters["breakable_urls"] = breakable_urls
    share_fragments(env)


# Material draws its navigation and tabs into every page. On a page outside the navigation (an article,
# a later listing page) no item is active and every link is relative to the page's folder, so pages whose
# folders share a parent get the same HTML: drawn once for them per build, then reused.
SHARED_FRAGMENTS = ("partials/nav.html", "partials/tabs.html")


def share_fragments(env: Environment) -> None:
    for name in SHARED_FRAGMENTS:
        try:
            template = env.get_template(name)
        except TemplateNotFound:
            continue
        render = getattr(template.root_render_func, "__wrapped__", template.root_render_func)
        template.root_render_func = _shared(render)


def _shared(render):
    drawn: dict[str, str] = {}

    def shared(context, *args, **kwargs):
        key = fragment_key(context.get("page"), context.get("nav"))
        if key is None:
            yield from render(context, *args, **kwargs)
            return
        if (html := drawn.get(key)) is None:
            html = drawn[key] = "".join(render(context, *args, **kwargs))
        yield html

    shared.__wrapped__ = render
    return shared


def fragment_key(page, nav) -> str | None:
    """The parent of the page's folder when the navigation drawn into `page` is the same for every page
    there: the page is not in the navigation and no navigation item lies inside its folder; else None."""
    url = getattr(page, "url", None)
    if url is None or nav is None:
        return None
    folder = url if url.endswith("/") else posixpath.dirname(url) + "/"
    if folder == "/" or any(item is page or item.url.startswith(folder) for item in nav.pages):
        return None
    return posixpath.dirname(folder.rstrip("/"))


def listing_source(listing: ListingPage) -> str:
    """Markdown for a generated listing page: MkDocs renders pages from Markdown files, so each
    listing is front matter only; the template draws the list."""
    meta = {"title": listing.title if listing.number == 1 else f"{listing.title}（第 {listing.number} 页）"}
    if listing.description:
        meta["description"] = listing.description
    return front_matter_only(meta)


def front_matter_only(meta: dict) -> str:
    """A generated page (listings, the preview's 草稿箱) as Markdown: front matter, no body."""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"
