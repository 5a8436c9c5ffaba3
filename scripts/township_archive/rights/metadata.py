"""Metadata for machines: JSON-LD NewsArticle and Open Graph / article:* tags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urljoin

from ..content.model import Article
from .notice import Notice


@dataclass(frozen=True)
class Publisher:
    site_name: str
    name: str  # the organisation that publishes the site (主办单位)
    site_url: str
    logo_url: str = ""
    utc_offset: str = "+08:00"  # China has one time zone and no daylight saving

    def absolute(self, path: str) -> str:
        return urljoin(self.site_url, quote(path))

    def timestamp(self, value: datetime | None) -> str:
        if value is None:
            return ""
        if value.tzinfo is not None:
            return value.isoformat(timespec="seconds")
        return value.strftime("%Y-%m-%dT%H:%M:%S") + self.utc_offset


def news_article(article: Article, notice: Notice, publisher: Publisher, image_urls: list[str]) -> dict:
    url = publisher.absolute(article.url)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.summary,
        "datePublished": publisher.timestamp(article.date),
        "dateModified": publisher.timestamp(article.updated or article.date),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "publisher": {"@type": "Organization", "name": publisher.name, "url": publisher.site_url},
        "copyrightHolder": {"@type": "Organization", "name": notice.holder},
        "copyrightYear": notice.year,
        "copyrightNotice": notice.statement,
        "license": notice.license_url or publisher.absolute("about/"),
        "isAccessibleForFree": True,
        "inLanguage": "zh-CN",
        "articleSection": article.section.title,
        "keywords": list(article.tags),
    }
    if publisher.logo_url:
        data["publisher"]["logo"] = {"@type": "ImageObject", "url": publisher.logo_url}
    if image_urls:
        data["image"] = image_urls
    if article.rights.is_reprint:
        data["isBasedOn"] = {
            "@type": "NewsArticle",
            "headline": article.rights.original_title or article.title,
            "publisher": {"@type": "Organization", "name": article.rights.original_source or notice.holder},
            **({"url": article.rights.original_url} if article.rights.original_url else {}),
        }
    return data


def open_graph(article: Article, publisher: Publisher, image_url: str | None) -> list[tuple[str, str]]:
    tags = [
        ("og:type", "article"),
        ("og:site_name", publisher.site_name),
        ("og:locale", "zh_CN"),
        ("og:title", article.title),
        ("og:description", article.summary),
        ("og:url", publisher.absolute(article.url)),
    ]
    if image_url:
        tags.append(("og:image", image_url))
    tags.append(("article:published_time", publisher.timestamp(article.date)))
    tags.append(("article:modified_time", publisher.timestamp(article.updated or article.date)))
    tags += [("article:author", name) for name in article.authors]
    tags.append(("article:section", article.section.title))
    tags += [("article:tag", tag) for tag in article.tags]
    return tags
