"""MkDocs adapter: wires the build's events to the archive modules.

Read the class top to bottom as the build's timeline. Logic lives in the
modules it calls; this file only translates between MkDocs and them.
"""

from __future__ import annotations

import html
import logging
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import mkdocs_glightbox
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import templating
from .bundle.trim import trim_offline_site
from .config import ArchiveConfig, default_source_of, media_settings_of, sections_of, site_rights_of
from .content.loader import Archive, load_archive
from .content.model import Article
from .links import ExternalLinkExtension
from .listings import ListingPage, ListingPlan, plan_listings
from .media.figures import FigureContext, FigureExtension
from .media.library import MediaLibrary, build_library, is_raster
from .media.process import MediaCache
from .problems import Problem, count_errors, display_path
from .progress import terminal_progress
from .rights.metadata import Publisher
from .rights.publishing import Publishing
from .safety.body import BodyPolicy, clean_body, removal_problems
from .safety.files import active_file_problems
from .search.publish import SearchCollector
from .serving import archive_redirects, content_security_policy
from .site_checks import config_links, link_problems, search_plugin, theme_problems
from .urls import page_address
from .villages import Village, load_villages

log = logging.getLogger("mkdocs.plugins.township_archive")
# GLightbox's script and styles, as the mkdocs-glightbox package ships them; we load them ourselves
# (only on pages with figures) so that no page needs the plugin's inline script and style.
_GLIGHTBOX = Path(mkdocs_glightbox.__file__).parent / "glightbox"
LIGHTBOX_ASSETS = {
    "assets/javascripts/glightbox.min.js": _GLIGHTBOX / "glightbox.min.js",
    "assets/stylesheets/glightbox.min.css": _GLIGHTBOX / "glightbox.min.css",
}
# Our own stand-in for web workers on file://; the name tells Material's offline plugin not to add one.
WORKER_SHIM = "assets/javascripts/iframe-worker.js"


class ArchivePlugin(BasePlugin[ArchiveConfig]):
    def __init__(self) -> None:
        self.archive: Archive | None = None
        self.plan = ListingPlan()
        self.listing_by_src: dict[str, ListingPage] = {}
        self.article_by_src: dict[str, Article] = {}
        self.article_by_url: dict[str, Article] = {}
        self.env = None
        self.library = MediaLibrary()
        self.figures = FigureContext()
        self.serving = False
        self.dirty = False
        self.publishing: Publishing | None = None
        self.search = SearchCollector()
        self.villages: list[Village] = []
        self.body_policy = BodyPolicy()
        self.clean_bodies: dict[str, Markup] = {}
        self.pages_with_figures: set[str] = set()
        self.docs_shown = "docs"
        self.directory_urls = True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` previews drafts, so their images are processed too.
        self.serving = command == "serve"
        # --dirty renders only changed pages, so the search index could only be partial.
        self.dirty = dirty

    # Configuration: refuse settings that would break the site in China or offline;
    # register the figure extension that turns images into responsive, credited figures.
    # Runs before Material's offline plugin, so that it finds our worker shim and adds none from a CDN.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if self.config.offline.enabled:
            offline = config.plugins.get("material/offline") or config.plugins.get("offline")
            if offline is None or not offline.config.enabled:
                raise PluginError("离线版需要同时启用 Material 的 offline 插件（mkdocs.yml 中 offline 的 enabled）。")
            config.extra["polyfills"] = [*config.extra.get("polyfills", []), WORKER_SHIM]
        config_file = Path(config.config_file_path)
        self._report(
            theme_problems(config_file, config.theme.get("font"), config.site_url)
            + link_problems(config_file, config_links(config), config.extra),
            "站点配置",
        )
        self.figures = FigureContext(lightbox=self.config.media.lightbox)
        # Material's offline plugin turns directory URLs off after us (its on_config runs later).
        self.directory_urls = config.use_directory_urls and not self.config.offline.enabled
        self.body_policy = BodyPolicy(tuple(self.config.embeds), self.directory_urls)
        if self.config.media.enabled:
            config.markdown_extensions.append(FigureExtension(self.figures))
        config.markdown_extensions.append(ExternalLinkExtension(urlsplit(config.site_url or "").hostname))
        return config

    # Content is read and validated before MkDocs empties site_dir,
    # so a broken article never costs the last good site.
    def on_pre_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        docs_dir = Path(config.docs_dir)
        project = Path(config.config_file_path).parent
        self.docs_shown = display_path(docs_dir, project)
        self.clean_bodies, self.pages_with_figures = {}, set()
        self.archive, problems = load_archive(docs_dir, sections_of(self.config), default_source_of(self.config), project)
        if self.config.media.enabled:
            self.library, media_problems = build_library(
                docs_dir, project, self.archive, media_settings_of(self.config, project),
                include_drafts=self.serving, progress=terminal_progress("处理图片", sys.stderr),
            )
            problems = sorted(problems + media_problems)
            if self.library.processed or self.library.cached:
                log.info(f"图片：新处理 {self.library.processed} 张，使用缓存 {self.library.cached} 张")
            self.figures.library = self.library
        villages_path = project / self.config.villages_file
        self.villages, village_problems = load_villages(villages_path, self.config.villages_file)
        self._report(sorted(problems + village_problems), "内容检查")
        self.plan = plan_listings(self.archive, self.config.page_size, [v.name for v in self.villages])
        self.listing_by_src = self.plan.by_src_uri()
        self.article_by_src = {a.source_path: a for a in self.archive.articles}
        self.article_by_url = {a.url: a for a in self.archive.published}
        publisher = Publisher(
            config.site_name, self.config.sponsor, config.site_url or "/", utc_offset=self.config.utc_offset
        )
        self.publishing = Publishing(site_rights_of(self.config), publisher, self.library)
        self.search = SearchCollector(self.directory_urls)

    # Articles get their slug URLs; drafts stay out of the build (but show in `mkdocs serve`);
    # listing pages are added; the navigation lists sections, never articles.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.archive is None:
            return None
        drafts: list[str] = []
        for article in self.archive.articles:
            file = files.get_file_from_path(article.source_path)
            if file is None:
                continue
            _move(file, article.dest_path)
            if article.is_public:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            else:
                file.inclusion = InclusionLevel.DRAFT
                drafts.append(article.asset_folder)
        for file in files:
            if drafts and file.src_uri.startswith(tuple(drafts)) or file.src_uri in self.archive.unpublished_pages:
                file.inclusion = InclusionLevel.DRAFT
        if not self.config.allow_active_files:
            for problem in active_file_problems(self.archive.active_files, self.docs_shown):
                log.warning(problem.as_text())
            for path in self.archive.active_files:
                if (file := files.get_file_from_path(path)) is not None:
                    file.inclusion = InclusionLevel.EXCLUDED
        self._publish_variants(files, config)
        if self.config.media.lightbox:
            for path, source in LIGHTBOX_ASSETS.items():
                files.append(File.generated(config, path, abs_src_path=str(source)))
        for listing in self.plan.pages:
            existing = files.get_file_from_path(listing.src_uri)
            if existing is None:
                files.append(File.generated(config, listing.src_uri, content=templating.listing_source(listing)))
            if listing.number > 1 or listing.kind in ("tag", "year"):
                files.get_file_from_path(listing.src_uri).inclusion = InclusionLevel.NOT_IN_NAV
        for path, content in self.publishing.generated_files(self.archive, self.config.feed_items).items():
            files.append(File.generated(config, path, content=content))
        config.nav = templating.navigation(self.archive, files)
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        self.figures.start_page(page.file.src_uri, lambda uri: quote(get_relative_url(uri, page.url)))
        # Material's own index stays empty (a documented page setting); ours is built from on_page_content.
        if self.config.archive_search:
            page.meta["search"] = {"exclude": True}
        src = page.file.src_uri
        if src in self.article_by_src:
            article = self.article_by_src[src]
            page.meta["template"] = "article.html"
            page.meta.setdefault("description", article.summary)
            page.meta["author"] = "、".join(article.authors)
        elif src in self.listing_by_src:
            page.meta["template"] = "listing.html"
        return None

    # Last of all plugins: every page body passes the body HTML policy; what it removed is reported
    # with the source line. The search index and the templates see only the cleaned body.
    @event_priority(-100)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        _titles_as_text(page)
        cleaned, removed = clean_body(html, self.body_policy)
        if removed:
            markdown, first_line = _body_source(page)
            for problem in removal_problems(self._shown(page), markdown, removed, first_line):
                log.warning(problem.as_text())
        if self.figures.images_on_page:
            self.pages_with_figures.add(page.file.src_uri)
        if self.config.archive_search:
            self._collect_for_search(page, cleaned)
        self.clean_bodies[page.file.src_uri] = Markup(cleaned)
        return self.clean_bodies[page.file.src_uri]

    def _collect_for_search(self, page: Page, html: str) -> None:
        src = page.file.src_uri
        if src in self.article_by_src:
            self.search.add_article(self.article_by_src[src], html)
        elif src in self.listing_by_src:
            self.search.add_listing(self.listing_by_src[src])
        elif not page.is_homepage:
            self.search.add_page(page.url, page.title or "", html)

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if not self.config.enabled or self.archive is None:
            return None
        rights_page = files.get_file_from_path(self.config.rights_page)
        site = templating.SiteView.build(
            self.config, self.archive, self.plan, self.library, rights_page.url if rights_page else "", self.villages,
            csp_meta=content_security_policy(self.config.embeds, meta=True),
        )
        templating.install(env, site, self.directory_urls)
        self.env = env
        return env

    # After Material's search plugin, which rewrites page.content as a plain string: the templates
    # autoescape, so the body they print is the cleaned one, marked as the project's own HTML.
    @event_priority(-100)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        if not self.config.enabled:
            return None
        src = page.file.src_uri
        if src in self.clean_bodies:
            page.content = self.clean_bodies.pop(src)
        context["has_figures"] = src in self.pages_with_figures
        if src in self.article_by_src:
            article = self.article_by_src[src]
            context["article"] = article
            context["rights"] = self.publishing.article_rights(article)
            context["reading_minutes"] = article.reading_minutes(self.config.reading_speed)
        if src in self.listing_by_src:
            context["listing"] = self.listing_by_src[src]
        return context

    # Between Material's search plugin (0), which wrote its empty index, and its offline plugin (-100),
    # which inlines that index into search_index.js: our shards go in, and their address into the index.
    @event_priority(-50)
    def _publish_search(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.config.archive_search and search_plugin(config) is not None:
            if self.dirty and self.search.keep_previous(Path(config.site_dir)):
                log.warning("增量构建（--dirty）没有重建搜索索引，搜索仍用上次完整构建的索引；发布前请运行 make site。")
                return
            files = self.search.publish(Path(config.site_dir))
            log.info(f"搜索索引：{files.documents} 篇，{files.shard_count} 个分片")

    # After Material's offline plugin has turned the JSON index into search_index.js.
    @event_priority(-200)
    def _trim_offline(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.config.offline.enabled:
            trim_offline_site(Path(config.site_dir))

    @event_priority(-60)
    def _redirects(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.archive is not None:
            self._write_redirect_pages(config)

    on_post_build = CombinedEvent(_publish_search, _redirects, _trim_offline)

    def _write_redirect_pages(self, config: MkDocsConfig) -> None:
        """Old slugs keep working without a server: a page at each old address that sends the reader on.
        The addresses come from the content model (validated aliases), the same list nginx's 301s use."""
        site = Path(config.site_dir)
        template = self.env.get_template("redirect.html")
        for old, new in archive_redirects(self.archive):
            page = site / old.strip("/") / "index.html"
            if page.exists():
                continue  # never over a page the build wrote; the loader refuses such aliases anyway
            target = page_address(get_relative_url(new.strip("/") + "/", old.strip("/") + "/"), self.directory_urls)
            article = self.article_by_url[new.lstrip("/")]
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(
                template.render(title=article.title, target=target, canonical=self.publishing.publisher.absolute(article.url)),
                encoding="utf-8",
            )

    def _publish_variants(self, files: Files, config: MkDocsConfig) -> None:
        """Originals never reach the site (they carry GPS and serials); their variants do."""
        cache = MediaCache(Path(config.config_file_path).parent / self.config.media.cache_dir)
        for file in list(files):
            if file.src_uri in self.library.sidecars or self.config.media.enabled and is_raster(file.src_uri) and file.inclusion.is_included():
                file.inclusion = InclusionLevel.EXCLUDED
        for image in self.library.images.values():
            folder = cache.dir_for(image.key)
            for variant in image.variants:
                files.append(File.generated(config, image.src_uri(variant), abs_src_path=str(folder / variant.filename)))

    def _shown(self, page: Page) -> str:
        return f"{self.docs_shown}/{page.file.src_uri}"

    def _report(self, problems: list[Problem], what: str) -> None:
        for problem in problems:
            (log.error if problem.is_error else log.warning)(problem.as_text())
        errors = count_errors(problems)
        if errors:
            raise PluginError(f"{what}未通过：共 {errors} 处错误，请按上面的提示修改后重新构建。已发布的网站没有被改动。")


def _titles_as_text(page: Page) -> None:
    """MkDocs hands over the table of contents and a title taken from the first heading as HTML
    (`A &amp; B`); the templates autoescape, so they get plain text, escaped once when printed."""
    if "title" not in page.meta and page.title:
        page.title = html.unescape(page.title)
    links = list(page.toc)
    while links:
        link = links.pop()
        link.title = html.unescape(link.title)
        links.extend(link.children)


def _body_source(page: Page) -> tuple[str, int]:
    """The Markdown body of a page and the file line it starts on (after the front matter)."""
    markdown = page.markdown or ""
    try:
        source = page.file.content_string
    except (OSError, UnicodeDecodeError, TypeError):
        return markdown, 1
    start = source.find(markdown) if markdown else -1
    return markdown, source.count("\n", 0, start) + 1 if start > 0 else 1


def _move(file: File, dest_uri: str) -> None:
    """Point a file at a new output path; MkDocs caches the derived URL and paths."""
    file.dest_uri = dest_uri
    for cached in ("url", "abs_dest_path"):
        file.__dict__.pop(cached, None)
