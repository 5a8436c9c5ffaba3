"""MkDocs adapter: wires the build's events to the archive's plan.

Read the class top to bottom as the build's timeline. Every decision (drafts, output paths,
templates, navigation, published media, generated files, redirects, search documents) is
the plan's (`township_archive.plan`); the hooks only translate between MkDocs objects and it.
"""

from __future__ import annotations

import html
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..buildkeys import files_digest, page_digests, site_digest, stable_digest
from ..content.loader import LoadMemo
from ..links import ExternalLinkExtension
from ..media.figures import FigureContext, FigureExtension
from ..plan import NavEntry, SitePlan, prepare, watched_paths
from ..problems import Problem, Severity, count_errors, display_path
from ..progress import terminal_progress
from ..safety.body import BodyPolicy, clean_body, removal_problems
from ..safety.files import active_file_problems
from ..search.publish import SearchCollector, latest_manifest
from ..settings import Settings
from ..templating import SiteView
from ..urls import file_url
from . import incremental, templating
from .config import ArchiveConfig, settings_of
from .incremental import BuildRecord, PageWarnings
from .offline import trim_offline_site
from .preview_search import PreviewSearch, complete_indexes
from .project import config_problems
from .search import point_material_index, search_plugin

log = logging.getLogger("mkdocs.plugins.township_archive")
# Our own stand-in for web workers on file://; the name tells Material's offline plugin not to add one.
WORKER_SHIM = "assets/javascripts/iframe-worker.js"


class ArchivePlugin(BasePlugin[ArchiveConfig]):
    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.plan: SitePlan | None = None
        # The preview reads docs/ again after every save: files it read unchanged are not read again.
        self.memo = LoadMemo()
        self.env = None
        self.figures = FigureContext()
        self.serving = False
        self.dirty = False
        # Set by the CLI's build (engine.build_site): without SOURCE_DATE_EPOCH, date the build by its content.
        self.dated_by_content = False
        self.search = SearchCollector()
        self.body_policy = BodyPolicy()
        self.clean_bodies: dict[str, Markup] = {}
        self.pages_with_figures: set[str] = set()
        self.view: SiteView | None = None
        # Incremental builds (the preview; `township-archive build`): outputs whose inputs are unchanged are kept.
        self.incremental = False
        self.keep_from: Path | None = None  # the last good site, when building beside it (else: site_dir itself)
        self.record_file: Path | None = None  # where the record of the last build is kept between runs
        self.record = BuildRecord()  # the preview keeps it in memory between its builds
        self.output_keys: dict[str, str | None] = {}
        self.outputs: list[File] = []
        self.kept: set[str] = set()
        self.search_documents: dict[str, object] = {}
        self.page_warnings = PageWarnings()
        # The preview writes the search index after the pages, while the browser already shows the saved page.
        self.preview_search = PreviewSearch()
        self.search_manifest: dict | None = None  # the index this build points at, for the record

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` previews drafts, so their images are processed too.
        self.serving = command == "serve"
        if self.serving:  # the preview keeps from its own folder; `township-archive build` names the last site (engine.build_site)
            self.keep_from, self.record_file = None, None
        # --dirty renders only changed pages, so the search index could only be partial...
        self.dirty = dirty
        # ... unless the pages to render are chosen by their inputs: the preview and `build` (engine.py) ask for that.
        self.incremental = dirty and (self.serving or self.record_file is not None)
        if self.incremental:
            logging.getLogger("mkdocs.commands.build").addFilter(_no_dirty_warning)

    # Configuration: refuse settings that would break the site in China or offline; read the typed
    # settings; register the Markdown extensions that turn images into credited figures and mark
    # external links. Runs before Material's offline plugin, so that it finds our worker shim and adds none from a CDN.
    @event_priority(100)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        if self.config.offline.enabled:
            offline = config.plugins.get("material/offline") or config.plugins.get("offline")
            if offline is None or not offline.config.enabled:
                raise PluginError("离线版需要同时启用 Material 的 offline 插件（mkdocs.yml 中 offline 的 enabled）。")
            config.extra["polyfills"] = [*config.extra.get("polyfills", []), WORKER_SHIM]
        self._report(config_problems(config), "站点配置")
        self.settings = settings = settings_of(self.config, config)
        self.figures = FigureContext(lightbox=settings.lightbox, widths=settings.media.spec.widths)
        self.body_policy = BodyPolicy(settings.embeds, settings.directory_urls)
        if settings.media_enabled:
            config.markdown_extensions.append(FigureExtension(self.figures))
        config.markdown_extensions.append(ExternalLinkExtension(urlsplit(settings.identity.site_url).hostname))
        return config

    # Content is read, checked and planned before MkDocs empties site_dir,
    # so a broken article never costs the last good site.
    def on_pre_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self.preview_search.stop()
        self.clean_bodies, self.pages_with_figures = {}, set()
        self.plan, problems = prepare(
            self.settings, include_drafts=self.serving, progress=terminal_progress("处理图片", sys.stderr),
            memo=self.memo if self.serving else None,
        )
        # MkDocs reads SOURCE_DATE_EPOCH only when it renders (sitemap.xml), after this hook.
        if self.dated_by_content and "SOURCE_DATE_EPOCH" not in os.environ and self.plan.content_epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = str(self.plan.content_epoch)
        library = self.plan.library
        if library.processed or library.cached:
            log.info(f"图片：新处理 {library.processed} 张，使用缓存 {library.cached} 张")
        self.figures.library = library
        self._report(problems, "内容检查")
        self.search, self.search_manifest = SearchCollector(), None
        self.view = SiteView.from_plan(self.plan)
        if self.incremental:
            self.search_documents, self.page_warnings.found = {}, {}
            logging.getLogger("mkdocs").addHandler(self.page_warnings)

    # The plan's files: output paths, drafts (kept for `mkdocs serve`), withheld originals,
    # image variants, listing pages, generated files, and the navigation.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.plan is None:
            return None
        plan = self.plan
        docs_dir = Path(config.docs_dir)
        for file in files:
            if file.src_dir is None or Path(file.src_dir) != docs_dir:
                continue  # the theme's own files (a PNG badge in overrides/ is published as it is)
            src = file.src_uri
            if (dest := plan.dest(src)) is not None:
                _move(file, dest)
            if plan.is_withheld(src):
                file.inclusion = InclusionLevel.EXCLUDED
            elif plan.is_draft(src):
                # MkDocs prints an English "DRAFT" box into a DRAFT page it previews (commands/build.py);
                # the preview shows drafts as pages with our own 草稿 banner, `build` leaves them out.
                file.inclusion = InclusionLevel.NOT_IN_NAV if plan.drafts_page else InclusionLevel.DRAFT
            elif not plan.in_nav(src):
                file.inclusion = InclusionLevel.NOT_IN_NAV
        if not plan.settings.allow_active_files:
            for problem in active_file_problems(plan.archive.active_files, self._docs_shown()):
                log.warning(problem.as_text())
        for path, source in plan.copied.items():
            files.append(File.generated(config, path, abs_src_path=str(source)))
        for listing in plan.listings.pages:
            if files.get_file_from_path(listing.src_uri) is None:
                files.append(File.generated(config, listing.src_uri, content=templating.listing_source(listing)))
            if not plan.in_nav(listing.src_uri):
                files.get_file_from_path(listing.src_uri).inclusion = InclusionLevel.NOT_IN_NAV
        for path, content in plan.generated.items():
            files.append(File.generated(config, path, content=content))
        if plan.drafts_page is not None:
            # The table wants the whole width: no navigation or table of contents beside it.
            meta = {"title": plan.drafts_page.title, "hide": ["navigation", "toc"]}
            files.append(File.generated(config, plan.drafts_page.source, content=templating.front_matter_only(meta)))
        config.nav = [_nav_item(entry) for entry in plan.nav]
        return files

    # After every plugin's files and the navigation: which outputs the last build already made from the same inputs.
    @event_priority(-100)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        if not self.config.enabled or not self.incremental:
            return
        site = Path(config.site_dir)
        outputs = incremental.outputs_of(files, self._inclusion)
        engine = incremental.engine_digest()
        templates = [Path(d) for d in config.theme.dirs if not Path(d).resolve().is_relative_to(incremental.THEME_DIR)]
        site_key = site_digest(self.plan, self.view, {
            "engine": engine, "templates": files_digest(templates), "config": files_digest([Path(config.config_file_path)]),
            # As loaded, too: mkdocs.yml may take values from the environment (!ENV) or from a file it inherits.
            "loaded": _loaded_configuration(config),
        })
        pages = page_digests(self.plan, self.view, site_key)
        # Pages of the navigation written by staff are always drawn: their metadata shows in every page's menu.
        for file in outputs:
            if file.is_documentation_page() and file.abs_src_path is not None and self.plan.in_nav(file.src_uri):
                pages[file.src_uri] = None
        never = set(config.theme.static_templates)  # written by the engine every build: never linked
        self.output_keys = {
            file.dest_uri: None if file.dest_uri in never else incremental.file_key(file, pages) for file in outputs
        }
        if self.record_file is not None:  # `township-archive build`: the record of the site it builds beside
            self.record = BuildRecord.read(self.record_file) if self.keep_from is not None else BuildRecord()
        if self.record.engine != engine:
            self.record = BuildRecord()
        self.outputs = outputs
        # The preview's complete indexes stay: the browser reloads with the newest until the next is written.
        indexes = complete_indexes(site) if self.serving else ()
        self.kept = incremental.carry_over(outputs, self.output_keys, self.record, self.keep_from or site, site, indexes)
        incremental.mark(outputs, self.kept)
        kept_pages = self._kept_pages()
        for src in kept_pages:
            incremental.replay(self.record.warnings.get(src, ()))
        pages = sum(1 for file in outputs if file.is_documentation_page())
        log.info(f"增量构建：{pages - len(kept_pages)} 个页面重新生成，{len(kept_pages)} 个没有变化、沿用上次的结果")

    def _kept_pages(self) -> list[str]:
        return [f.src_uri for f in self.outputs if f.dest_uri in self.kept and f.is_documentation_page()]

    @property
    def _inclusion(self):
        """The files the engine writes: the preview also writes drafts."""
        return InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included

    @event_priority(100)
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> None:
        self.page_warnings.current = page.file.src_uri

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        self.figures.start_page(page.file.src_uri, lambda uri: file_url(uri, page.url))
        # Material's own index stays empty (a documented page setting); ours is built from on_page_content.
        if self.settings.archive_search:
            page.meta["search"] = {"exclude": True}
        facts = self.plan.page_facts(page.file.src_uri)
        if facts.template:
            page.meta["template"] = facts.template
        if facts.description is not None:
            page.meta.setdefault("description", facts.description)
        if facts.author is not None:
            page.meta["author"] = facts.author
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
            shown = f"{self._docs_shown()}/{page.file.src_uri}"
            for problem in removal_problems(shown, markdown, removed, first_line):
                log.warning(problem.as_text())
        if self.figures.images_on_page:
            self.pages_with_figures.add(page.file.src_uri)
        if self.settings.archive_search:
            document = self.plan.search_document(page.file.src_uri, page.title or "", cleaned)
            self.search.add(document)
            self.search_documents[page.file.src_uri] = document
        self.clean_bodies[page.file.src_uri] = Markup(cleaned)
        self.page_warnings.current = None
        return self.clean_bodies[page.file.src_uri]

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if not self.config.enabled or self.plan is None:
            return None
        templating.install(env, self.view, self.settings.directory_urls)
        self.env = env
        return env


    # After Material's search plugin, which rewrites page.content as a plain string: the templates
    # autoescape, so the body they print is the cleaned one, marked as the project's own HTML.
    @event_priority(-100)
    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        if not self.config.enabled:
            return None
        src = page.file.src_uri
        self.page_warnings.current = src
        if src in self.clean_bodies:
            page.content = self.clean_bodies.pop(src)
        context["has_figures"] = src in self.pages_with_figures
        context["draft_label"] = self.plan.draft_label(src)
        if self.plan.drafts_page is not None and src == self.plan.drafts_page.source:
            context["drafts"] = self.plan.drafts_page
        if (article := self.plan.articles_by_source.get(src)) is not None:
            context["article"] = article
            context["rights"] = self.plan.publishing.article_rights(article)
            context["reading_minutes"] = article.reading_minutes(self.settings.reading_speed)
        if (listing := self.plan.listings_by_source.get(src)) is not None:
            context["listing"] = listing
        return context

    # Between Material's search plugin (0), which wrote its empty index, and its offline plugin (-100),
    # which inlines that index into search_index.js: our shards go in, and their address into the index.
    @event_priority(-50)
    def _publish_search(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.settings.archive_search and search_plugin(config) is not None:
            site = Path(config.site_dir)
            if self.incremental:
                # Kept pages were not rendered: their documents come from the record of the build that rendered them.
                for src in self._kept_pages():
                    self.search_documents[src] = self.record.search.get(src)
                self.search = SearchCollector()
                for document in self.search_documents.values():
                    self.search.add(document)
                if self.serving and self.preview_search.start(site, self.search.documents):
                    return
                if self._keep_search_index(site):
                    point_material_index(site, self.search_manifest)
                    return
            elif self.dirty and (manifest := latest_manifest(site)) is not None:
                point_material_index(site, manifest)
                log.warning("增量构建（--dirty）没有重建搜索索引，搜索仍用上次完整构建的索引；发布前请运行 make site。")
                return
            files = self.search.publish(site)
            point_material_index(site, files.manifest)
            self.search_manifest = files.manifest
            log.info(f"搜索索引：{files.documents} 篇，{files.shard_count} 个分片")

    def _keep_search_index(self, site: Path) -> bool:
        """`build` with every page's search document as the last build had them: the same index, linked from the last site."""
        manifest = self.record.search_manifest
        if self.keep_from is None or manifest is None or self.search_documents != self.record.search:
            return False
        folder = f"search/{manifest['version']}"
        # Only files exactly as that build wrote them (none changed, none missing or added).
        if not self.record.search_files or incremental.folder_state(self.keep_from / folder) != self.record.search_files:
            return False
        if not incremental.link_folder(self.keep_from / folder, site / folder):
            return False
        self.search_manifest = manifest
        log.info(f"搜索索引：没有变化，沿用上次的索引（{manifest['documents']} 篇）")
        return True

    # Old slugs keep working without a server: a page at each old address that sends the reader on.
    @event_priority(-60)
    def _redirects(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.plan is None:
            return
        site = Path(config.site_dir)
        template = self.env.get_template("redirect.html")
        for redirect in self.plan.redirect_pages():
            page = site / redirect.path
            if page.exists():
                continue  # never over a page the build wrote; the loader refuses such aliases anyway
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(
                template.render(title=redirect.title, target=redirect.target, canonical=redirect.canonical), encoding="utf-8"
            )

    # After Material's offline plugin has turned the JSON index into search_index.js.
    @event_priority(-200)
    def _trim_offline(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.config.offline.enabled:
            trim_offline_site(Path(config.site_dir))

    # The preview names its 草稿箱 after every build, beside MkDocs' "Serving on" address.
    def _announce_drafts(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled and self.plan is not None and (drafts := self.plan.drafts_page) is not None:
            log.info(f"草稿箱：{urljoin(config.site_url or '/', drafts.url)}（草稿和待审稿件 {len(drafts.entries)} 篇，只在预览中可见）")

    # Last of all: what this build wrote, for the next one to keep.
    @event_priority(-300)
    def _record(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or not self.incremental:
            return
        logging.getLogger("mkdocs").removeHandler(self.page_warnings)
        warnings = {src: self.record.warnings[src] for src in self._kept_pages() if src in self.record.warnings}
        warnings.update(self.page_warnings.found)
        self.record = incremental.new_record(
            incremental.engine_digest(), self.outputs, self.output_keys, Path(config.site_dir), dict(self.search_documents),
            warnings, self.kept, self.record, self.search_manifest,
        )
        if self.record_file is not None:
            self.record.write(self.record_file)

    on_post_build = CombinedEvent(_publish_search, _redirects, _trim_offline, _announce_drafts, _record)

    def on_shutdown(self) -> None:
        self.preview_search.close()

    def on_build_error(self, *, error: Exception) -> None:
        logging.getLogger("mkdocs").removeHandler(self.page_warnings)

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> None:
        self.page_warnings.current = None
        # Written: nothing reads the body again, and thousands of bodies held to the end are most of the build's memory.
        page.content = None

    # The preview rebuilds when anything the plan reads changes: MkDocs watches docs/ and mkdocs.yml
    # itself; villages.yml (or the file the configuration names) is ours to add.
    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer | None:
        if not self.config.enabled or self.settings is None:
            return None
        for path in watched_paths(self.settings):
            if path.exists():
                server.watch(str(path))
            else:  # a file yet to be written: its folder tells when it appears
                server.watch(str(path.parent), recursive=False)
        return server

    def _docs_shown(self) -> str:
        return display_path(self.settings.docs_dir, self.settings.project_dir)

    def _report(self, problems: list[Problem], what: str) -> None:
        for problem in problems:
            # A note (a list typed with ，、, read as meant) is information: never a warning that fails --strict.
            level = {Severity.ERROR: log.error, Severity.NOTE: log.info}.get(problem.severity, log.warning)
            level(problem.as_text())
        errors = count_errors(problems)
        if errors:
            raise PluginError(f"{what}未通过：共 {errors} 处错误，请按上面的提示修改后重新构建。已发布的网站没有被改动。")


# Not what pages are made of: where this build writes, how strict it is, the preview's own address.
_NOT_OUTPUT = frozenset({"plugins", "site_dir", "config_file_path", "strict", "dev_addr"})


def _loaded_configuration(config: MkDocsConfig) -> dict:
    return {key: _plain(config[key]) for key in config if key not in _NOT_OUTPUT}


def _plain(value):
    """A configuration value as data a digest takes: objects (our Markdown extensions, the theme's locale) by
    their type or text, never by their address in memory."""
    try:
        stable_digest(value)
        return value
    except TypeError:
        pass
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    text = str(value)
    return text if " at 0x" not in text else type(value).__qualname__


def _no_dirty_warning(record: logging.LogRecord) -> bool:
    """MkDocs warns that a dirty build may show stale navigation; ours renders every page whose inputs changed."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _nav_item(entry: NavEntry):
    return {entry.title: entry.source} if entry.title else entry.source


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
