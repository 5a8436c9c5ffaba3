"""Collects what the build renders and writes the search files into the site."""

from __future__ import annotations

import json
from pathlib import Path

from ..content.model import Article
from ..listings import ListingPage
from ..templating import chinese_date
from ..urls import page_address
from .index import SearchDocument, SearchFiles, build_search_files, html_text
from .variants import traditional_to_simplified

# Material's search plugin writes this file (here: no documents, only its configuration);
# its bundle fetches it at page load and hands it to the worker.
MATERIAL_INDEX = "search/search_index.json"


class SearchCollector:
    """`directory_urls` false (the offline copy): results link to pages' index.html (`urls.page_address`)."""

    def __init__(self, directory_urls: bool = True) -> None:
        self.documents: list[SearchDocument] = []
        self.directory_urls = directory_urls

    def add_article(self, article: Article, html: str) -> None:
        if not article.is_public:
            return
        self.documents.append(
            SearchDocument(
                url=page_address(article.url, self.directory_urls),
                title=article.title,
                text=html_text(html),
                section=article.section.title,
                date=article.date.isoformat() if article.date else "",
                date_label=chinese_date(article.date),
                tags=article.tags,
                villages=article.villages,
            )
        )

    def add_listing(self, listing: ListingPage) -> None:
        """A section's first page stands for the section; tag and year pages only repeat article titles."""
        if listing.kind == "section" and listing.number == 1:
            self.documents.append(
                SearchDocument(url=page_address(listing.url, self.directory_urls), title=listing.title, text=listing.description)
            )

    def add_page(self, url: str, title: str, html: str) -> None:
        self.documents.append(SearchDocument(url=page_address(url, self.directory_urls), title=title, text=html_text(html)))

    def keep_previous(self, site_dir: Path) -> bool:
        """Point Material's index at the newest complete index already in the site, if there is one."""
        manifests = sorted((site_dir / "search").glob("*/manifest.json"), key=lambda p: p.stat().st_mtime)
        if not manifests:
            return False
        self._write_material_index(site_dir, json.loads(manifests[-1].read_text(encoding="utf-8")))
        return True

    def publish(self, site_dir: Path) -> SearchFiles:
        files = build_search_files(self.documents, traditional_to_simplified())
        root = site_dir / "search"
        for path, content in files.files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        (root / files.version / "manifest.json").write_text(json.dumps(files.manifest), encoding="utf-8")
        self._write_material_index(site_dir, files.manifest)
        return files

    @staticmethod
    def _write_material_index(site_dir: Path, manifest: dict) -> None:
        material_index = site_dir / MATERIAL_INDEX
        index = json.loads(material_index.read_text(encoding="utf-8")) if material_index.is_file() else {"docs": []}
        index.setdefault("config", {})["archive"] = manifest
        index["docs"] = []
        material_index.parent.mkdir(parents=True, exist_ok=True)
        material_index.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
