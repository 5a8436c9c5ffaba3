"""RSS 2.0 and JSON Feed 1.1 of the newest articles, for the whole site and per section.

Each feed holds a fixed number of items, so its size does not grow with the archive.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from ..content.frontmatter import without_unsafe
from ..content.model import Article
from .metadata import Publisher
from .notice import Notice

DC = "http://purl.org/dc/elements/1.1/"
ATOM = "http://www.w3.org/2005/Atom"
etree.register_namespace("dc", DC)
etree.register_namespace("atom", ATOM)


@dataclass(frozen=True)
class FeedItem:
    article: Article
    notice: Notice
    image_url: str = ""
    image_bytes: int = 0


@dataclass(frozen=True)
class Feed:
    title: str
    description: str
    home_path: str  # site-relative, "" for the home page
    path: str  # site-relative path of the RSS file; the JSON Feed sits beside it
    copyright: str
    items: tuple[FeedItem, ...]

    @property
    def json_path(self) -> str:
        return self.path.rsplit(".", 1)[0] + ".json"


def _aware(value: datetime, offset: str) -> datetime:
    if value.tzinfo is not None:
        return value
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    return value.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


def rss(feed: Feed, publisher: Publisher) -> bytes:
    root = etree.Element("rss", {"version": "2.0"})
    channel = etree.SubElement(root, "channel")
    etree.SubElement(channel, "title").text = feed.title
    etree.SubElement(channel, "link").text = publisher.absolute(feed.home_path)
    etree.SubElement(channel, "description").text = feed.description
    etree.SubElement(channel, "language").text = "zh-cn"
    etree.SubElement(channel, "copyright").text = feed.copyright
    etree.SubElement(channel, f"{{{ATOM}}}link", {"href": publisher.absolute(feed.path), "rel": "self", "type": "application/rss+xml"})
    if feed.items:
        newest = max(_aware(i.article.updated or i.article.date, publisher.utc_offset) for i in feed.items)
        etree.SubElement(channel, "lastBuildDate").text = format_datetime(newest)
    for item in feed.items:
        article = item.article
        url = publisher.absolute(article.url)
        node = etree.SubElement(channel, "item")
        etree.SubElement(node, "title").text = article.title
        etree.SubElement(node, "link").text = url
        etree.SubElement(node, "guid", {"isPermaLink": "true"}).text = url
        etree.SubElement(node, "description").text = article.summary
        etree.SubElement(node, "pubDate").text = format_datetime(_aware(article.date, publisher.utc_offset))
        for name in article.authors:
            etree.SubElement(node, f"{{{DC}}}creator").text = name
        etree.SubElement(node, "category").text = article.section.title
        for tag in article.tags:
            etree.SubElement(node, "category").text = tag
        etree.SubElement(node, f"{{{DC}}}rights").text = item.notice.statement
        if item.image_url:
            etree.SubElement(node, "enclosure", {"url": item.image_url, "length": str(item.image_bytes), "type": "image/jpeg"})
    _only_xml_characters(root)
    etree.indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _only_xml_characters(root: etree.Element) -> None:
    """Validation refuses what XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/U+FFFF …);
    the same rule (`without_unsafe`) strips them here, so the feed stays well-formed regardless."""
    for element in root.iter():
        if element.text:
            element.text = without_unsafe(element.text)
        for name, value in element.attrib.items():
            element.attrib[name] = without_unsafe(value)


def json_feed(feed: Feed, publisher: Publisher) -> str:
    items = []
    for item in feed.items:
        article = item.article
        entry = {
            "id": publisher.absolute(article.url),
            "url": publisher.absolute(article.url),
            "title": article.title,
            "summary": article.summary,
            "content_text": article.summary,
            "date_published": publisher.timestamp(article.date),
            "date_modified": publisher.timestamp(article.updated or article.date),
            "authors": [{"name": name} for name in article.authors],
            "tags": [article.section.title, *article.tags],
            "language": "zh-CN",
            "_rights": {
                "holder": item.notice.holder,
                "statement": item.notice.statement,
                **({"license": item.notice.license, "license_url": item.notice.license_url} if item.notice.license else {}),
            },
        }
        if item.image_url:
            entry["image"] = item.image_url
        items.append(entry)
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": publisher.absolute(feed.home_path),
        "feed_url": publisher.absolute(feed.json_path),
        "description": feed.description,
        "language": "zh-CN",
        "_rights": {"copyright": feed.copyright},
        "items": items,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def plan_feeds(archive, site_name: str, copyright_text: str, item_for, limit: int) -> list[Feed]:
    """The site-wide feed (feed.xml / feed.json) and one per section (<section>/feed.xml ...).

    `item_for(article)` makes the FeedItem (notice, image) so this module needs no media knowledge."""
    feeds = [
        Feed(site_name, f"{site_name}最新文章", "", "feed.xml", copyright_text,
             tuple(item_for(a) for a in archive.published[:limit]))
    ]
    for section in archive.sections:
        feeds.append(
            Feed(f"{site_name} - {section.title}", section.description or section.title, section.url,
                 f"{section.url}feed.xml", copyright_text, tuple(item_for(a) for a in archive.in_section(section)[:limit]))
        )
    return feeds
