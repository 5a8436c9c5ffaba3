"""The template environment: what MkDocs' Jinja environment gets from the archive."""

from __future__ import annotations

import yaml
from jinja2 import Environment, pass_context

from ..dates import chinese_date, iso_date
from ..listings import ListingPage
from ..templating import SiteView
from ..urls import breakable_urls, page_address


def install(env: Environment, site: SiteView, directory_urls: bool = True) -> None:
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
