"""Python-Markdown extension: mark links that leave the site.

Readers of the offline copy (kiosk, USB stick) have no network: such links
carry a class that the offline stylesheet labels “需联网”.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

EXTERNAL_CLASS = "ta-external"


def is_external(href: str, own_host: str | None) -> bool:
    parts = urlsplit(href)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.hostname != own_host


class ExternalLinkTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, own_host: str | None):
        super().__init__(md)
        self.own_host = own_host

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            if is_external(link.get("href", ""), self.own_host):
                classes = (link.get("class", "") + " " + EXTERNAL_CLASS).strip()
                link.set("class", classes)
                link.set("rel", "noopener")


class ExternalLinkExtension(Extension):
    def __init__(self, own_host: str | None, **kwargs):
        self.own_host = own_host
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(ExternalLinkTreeprocessor(md, self.own_host), "township_archive_external_links", 4)
