"""`township-archive`: the one command staff and the Makefile use.

    township-archive check [--format json] [--strict]   lint all content
    township-archive build                              build site/ atomically
    township-archive offline [--kiosk]                  build the offline bundle into dist/
    township-archive verify BUNDLE                      check a bundle against its SHA256SUMS
    township-archive fields                             print the front-matter fields
    township-archive new TITLE --section S              start a draft article
    township-archive import FILE --section S [--title T] a .docx, .txt or .html news release as a draft
    township-archive review ARTICLE --level L --by NAME record one level of 三审 (or mark 历史稿件)
    township-archive publish ARTICLE [--now]            publish after all three levels
    township-archive report [--output F]                the office's content report (HTML)
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import problems as problem_report
from .authoring.editing import AuthoringError
from .content.loader import load_archive
from .content.schema import FIELDS
from .problems import Problem, Severity, display_path


class CliError(Exception):
    """A failure explained to the user in Chinese; no traceback is shown."""


def _load_project(config_file: Path):
    from .mkdocs.project import ProjectError, load_project

    try:
        return load_project(config_file)
    except ProjectError as error:
        raise CliError(str(error)) from None


def _today(args) -> datetime:
    """Now, or the day given with --today (inspections of a past state, and tests)."""
    value = getattr(args, "today", None)
    if not value:
        return datetime.now().replace(second=0, microsecond=0)
    from .dates import parse_date

    parsed = parse_date(value)
    if parsed is None:
        raise CliError(f"--today 的日期 {value} 无法识别，请写成 2025-03-20。")
    return parsed.replace(hour=23, minute=59) if len(value) <= 10 else parsed


def check_project(config_file: Path, today: datetime | None = None):
    """All problems of the project: configuration, content, images, bodies and (with `today`) the inspection lint.

    The content, images and villages are read and planned by the same `plan.prepare` as the build."""
    from .authoring.lint import lint_archive
    from .plan import prepare
    from .progress import terminal_progress
    from .safety.files import active_file_problems
    from .site_checks import site_url_problems

    project = _load_project(config_file)
    settings = project.settings
    plan, content_problems = prepare(settings, progress=terminal_progress("检查图片", sys.stderr))
    problems = list(project.config_problems)
    problems += site_url_problems(config_file, project.site_url)  # check only: a placeholder must not stop --strict builds
    problems += content_problems
    problems += plan.archive.pending  # what drafts need before publishing: shown, never an error
    problems += _body_problems(settings, plan.archive)
    if not settings.allow_active_files:
        problems += active_file_problems(plan.archive.active_files, display_path(settings.docs_dir, settings.project_dir))
    if today is not None:
        problems += lint_archive(plan.archive, settings.docs_dir, settings.project_dir, dict(settings.terms), today)
    return sorted(problems), plan


def _body_problems(settings, archive) -> list[Problem]:
    """What the body HTML policy would remove from each article, drafts included, at its source line:
    the body rendered with the site's Markdown extensions, as the build renders it."""
    import markdown

    from .safety.body import BodyPolicy, clean_body, removal_problems

    renderer = markdown.Markdown(extensions=list(settings.markdown.extensions), extension_configs=dict(settings.markdown.configs))
    policy = BodyPolicy(settings.embeds)
    docs = display_path(settings.docs_dir, settings.project_dir)
    problems: list[Problem] = []
    for article in archive.articles:
        _cleaned, removed = clean_body(renderer.reset().convert(article.body), policy)
        problems += removal_problems(f"{docs}/{article.source_path}", article.body, removed, article.body_line)
    return problems


def _print_problems(console: Console, problems: list[Problem]) -> None:
    # Paths and messages quote content: printed as text, never read as Rich markup.
    for problem in problems:
        style = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}.get(problem.severity, "cyan")
        console.print(Text.assemble((problem.location(), "bold"), ": ", (problem.severity.label, style), " ",
                                    (f"[{problem.code}]", "dim"), " ", problem.message), soft_wrap=True)
        if problem.hint:
            console.print(Text.assemble("    ", ("提示：", "cyan"), problem.hint), soft_wrap=True)


def _print_progress(console: Console, settings, archive) -> None:
    """Who reviewed which version of each article on its way to publication."""
    from .content.reviews import ReviewState

    waiting = [a for a in archive.articles if not a.is_public and (a.reviews or a.status.value == "review")]
    if not waiting:
        return
    console.print(Text("审核进度：", "bold"))
    for article in sorted(waiting, key=lambda a: a.source_path):
        shown = display_path(settings.docs_dir / article.source_path, settings.project_dir)
        progress = ReviewState(article.reviews, article.fingerprint).progress()
        console.print(Text.assemble("  ", (shown, "bold"), f"（{article.status.label}）：{progress}"), soft_wrap=True)


def cmd_check(args, console: Console) -> int:
    problems, plan = check_project(args.config, _today(args))
    if args.format == "json":
        print(problem_report.to_json(problems))
    else:
        _print_problems(console, problems)
        _print_progress(console, plan.settings, plan.archive)
        console.print(problem_report.summary(problems), highlight=False)
    errors = problem_report.count_errors(problems)
    warnings = problem_report.count(problems, Severity.WARNING)
    return 1 if errors or (args.strict and warnings) else 0


def _engine_env() -> dict[str, str]:
    """The environment the engine runs in. Material prints a long English end-of-life banner on every
    build; staff cannot act on it (the README records it), so it is turned off as `make` does."""
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")


def _run_engine(config_file: Path, site_dir: Path, strict: bool, env: dict[str, str], *, dated_by_content: bool = False, **keep):
    """One build by the engine, in this process, in `env` (mkdocs.yml reads !ENV values while loading):
    its `Built` outcome (`ok`, the plan it followed). `keep`: the last good site and its record (engine.build_site)."""
    from .mkdocs.engine import build_site

    with _environment(env):
        return build_site(config_file, site_dir, strict=strict, dated_by_content=dated_by_content, **keep)


@contextlib.contextmanager
def _environment(env: dict[str, str]):
    """The engine runs in this process: mkdocs.yml's !ENV values are read from os.environ while it loads."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _reproducible_env(args) -> dict[str, str]:
    """Dates inside the build (e.g. sitemap.xml.gz) come from the newest article, never the clock: the
    environment for an engine run in another process (`build` itself dates by its own plan, `dated_by_content`)."""
    env = _engine_env()
    if "SOURCE_DATE_EPOCH" not in env:
        archive = _project_archive(args)[1]  # a broken mkdocs.yml is explained in Chinese before the engine starts
        if archive.published and archive.published[0].date:
            env["SOURCE_DATE_EPOCH"] = str(int(archive.published[0].date.timestamp()))
    return env


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _output_folder(path: Path, settings, option: str) -> Path:
    """An output folder the command may replace: never the project, docs/, a folder holding them, or one inside docs/."""
    folder = path.resolve()
    project, docs = settings.project_dir.resolve(), settings.docs_dir.resolve()
    if folder == Path(folder.anchor) or folder == Path.home().resolve():
        raise CliError(f"{option} 不能是 {folder}：输出文件夹的内容会被整个替换。")
    if folder == project or project.is_relative_to(folder) or folder.is_relative_to(docs) or docs.is_relative_to(folder):
        raise CliError(f"{option} 不能是 {folder}：它是项目或 docs/ 文件夹（或在其中、包含它们），构建会替换其中的稿件。请用默认的输出文件夹。")
    return folder


def cmd_build(args, console: Console) -> int:
    """Build into a temporary folder beside site/ and swap it in only on success."""
    from .serving import make_world_readable

    settings = _load_project(args.config).settings
    project = settings.project_dir.resolve()
    site = _output_folder(project / args.site_dir, settings, "--site-dir")
    if site.is_dir() and any(site.iterdir()) and not (site / "index.html").is_file():
        raise CliError(f"{site} 不是以前构建的网站（里面没有 index.html），构建不会替换它。请换一个空的或新的输出文件夹。")
    previous = site.with_name(site.name + ".previous")
    if previous.exists() and not site.exists():
        os.replace(previous, site)  # a build killed between the two renames below: put the old site back
    for leftover in site.parent.glob(".site-build-*"):  # staging folders of killed builds
        shutil.rmtree(leftover, ignore_errors=True)
    for replaced in site.parent.glob(".site-old-*"):  # replaced sites still being removed (or whose remover was stopped)
        _remove_in_background(replaced)
    staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=site.parent))
    try:
        # Pages whose inputs are unchanged since the last build are linked from site/, not made again.
        record = project / ".cache" / "build-record" / f"{_digest(str(site))}.json"
        keep = {"keep_from": None if args.full else site, "record_file": record}
        built = _run_engine(args.config, staging, args.strict, _engine_env(), dated_by_content=True, **keep)
        if not built.ok:
            console.print("[bold red]构建失败[/]：请按上面的提示修改。原来的网站（site/）保持不变。", highlight=False)
            return 1
        # mkdtemp made the folder 0700 for the build alone: the web server's unprivileged workers must read all of it.
        make_world_readable(staging)
        shutil.rmtree(previous, ignore_errors=True)
        if site.exists():
            os.replace(site, previous)
        os.replace(staging, site)
        _remove_in_background(previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    console.print(f"[green]构建完成[/]：{site}", highlight=False)
    # The build's own plan holds the aliases: docs/ is not read a second time.
    _write_nginx(args.config, project / "dist" / "nginx", console, built.plan.redirects if built.plan else None)
    return 0


def _remove_in_background(folder: Path) -> None:
    """Remove the replaced site without making staff wait: tens of thousands of files take seconds to
    delete, and nothing needs them gone now. Renamed first, so a new build never meets it half-deleted."""
    if not folder.exists():
        return
    old = folder
    if not folder.name.startswith(".site-old-"):
        old = folder.with_name(f".site-old-{secrets.token_hex(4)}")
        os.replace(folder, old)
    remover = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    subprocess.Popen([sys.executable, "-c", remover, str(old)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def _write_nginx(config_file: Path, out: Path, console: Console, redirects=None) -> None:
    """The snippets from the project (its policy) and its content model (the aliases), never from built pages.
    `redirects`: the aliases of a plan at hand; else the archive is read."""

    from .serving import UnsafeRedirect, archive_redirects, write_nginx_snippets

    if redirects is None:
        project, archive = _project_archive_of(config_file)
        redirects = archive_redirects(archive)
    else:
        project = _load_project(config_file)
    try:
        written = write_nginx_snippets(out, redirects, project.settings.embeds)
    except UnsafeRedirect as error:
        raise CliError(str(error)) from None
    console.print(f"nginx 配置片段（安全策略、旧网址跳转）：{', '.join(str(p) for p in written)}", highlight=False)


def cmd_serve(args, console: Console) -> int:
    """The local preview (drafts included), rebuilt and reloaded in the browser on every save."""
    from .mkdocs.engine import port_problem, serve_site

    _load_project(args.config)  # a broken mkdocs.yml is explained in Chinese before the engine starts
    if reason := port_problem(args.host, args.port):
        raise CliError(reason)
    console.print(f"预览：http://{args.host}:{args.port}/ ，草稿箱：http://{args.host}:{args.port}/drafts/ （按 Ctrl+C 停止）")
    with _environment(_engine_env()):
        return serve_site(args.config, args.host, args.port)


def cmd_nginx(args, console: Console) -> int:
    """The nginx snippets for the project of an already built site (`build` writes them itself)."""
    site = args.site.resolve()
    if not (site / "index.html").is_file():
        raise CliError(f"{site} 不是构建好的网站（没有 index.html），请先运行 make site。")
    _write_nginx(args.config, args.out, console)
    return 0


def cmd_offline(args, console: Console) -> int:
    """Build the offline variant and pack it as dist/<name>-offline-<date>.zip plus the folder."""
    from .bundle import package as bundle
    from .content.slugs import pinyin_slug
    from .serving import make_world_readable

    loaded, archive = _project_archive(args)
    settings = loaded.settings
    project = settings.project_dir
    newest = archive.published[0].date if archive.published else None
    stamp = bundle.content_date_stamp(newest)
    site_name = settings.identity.site_name
    name = settings.offline.bundle_name or pinyin_slug(site_name, max_length=60) or "archive"
    root_name = f"{name}-offline-{stamp}" + ("-kiosk" if args.kiosk else "")
    dist = _output_folder(project / args.dist, settings, "--dist")
    folder, zip_path = dist / root_name, dist / f"{root_name}.zip"

    env = dict(_engine_env(), TOWNSHIP_ARCHIVE_OFFLINE="true", TOWNSHIP_ARCHIVE_KIOSK="true" if args.kiosk else "false")
    if newest and "SOURCE_DATE_EPOCH" not in env:
        env["SOURCE_DATE_EPOCH"] = str(int(newest.timestamp()))  # dates inside the build come from content
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".offline-build-", dir=dist))
    try:
        if not _run_engine(args.config, staging, args.strict, env).ok:
            console.print("[bold red]离线版构建失败[/]：请按上面的提示修改。dist/ 中原有的离线版保持不变。")
            return 1
        bundle.write_guide(staging, site_name, newest.strftime("%Y年%m月%d日") if newest else "", args.kiosk,
                           f"township-archive verify {root_name}.zip")
        bundle.write_manifest(staging)
        make_world_readable(staging)  # mkdtemp made it 0700; a kiosk account or a copy to a USB stick must read it all
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
        bundle.write_zip(folder, zip_path, root_name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    table = Table(title="离线版中最大的文件")
    table.add_column("文件")
    table.add_column("大小", justify="right")
    for path, size in bundle.largest_files(folder):
        table.add_row(path, _size(size))
    console.print(table)
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    console.print(f"[green]离线版完成[/]：{zip_path}（压缩包 {_size(zip_path.stat().st_size)}，展开后 {_size(total)}）")
    console.print(f"展开的文件夹：{folder}")
    return 0


def cmd_verify(args, console: Console) -> int:
    from rich.markup import escape

    from .bundle import package as bundle

    # Paths and entry names come from outside: printed as text, never read as Rich markup.
    if not args.path.exists():
        raise CliError(f"找不到 {args.path}。")
    findings = bundle.verify(args.path)
    for finding in findings:
        console.print(f"[bold red]✗[/] {escape(finding.message)}")
    if findings:
        console.print(f"[bold red]校验未通过[/]：发现 {len(findings)} 处问题，离线版不完整或被改动过，请重新复制。")
        return 1
    console.print(f"[green]校验通过[/]：{escape(str(args.path))} 中的文件完整无误。")
    return 0


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def _section(settings, name: str):
    from .content.model import section_choices

    section = settings.section(name)
    if section is None:
        guess = _closest_section(name, settings.sections)
        meant = f"是不是想写“{guess.title}”？" if guess is not None else ""
        raise CliError(f"没有名为“{name}”的栏目。{meant}可用的栏目：{section_choices(settings.sections)}")
    return section


def _closest_section(name: str, sections):
    """The section staff probably meant: 党建 for 党建成果 (a part of its title), dangjain for dangjian."""
    import difflib

    name = name.strip()
    if not name:
        return None
    by_name = {key: section for section in sections for key in (section.title, section.id)}
    containing = [section for section in sections if name in section.title or section.title in name]
    if len(containing) == 1:
        return containing[0]
    close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
    return by_name[close[0]] if close else None


def _project_archive_of(config_file: Path):
    """The project and its archive (content problems are `check`'s to report)."""
    project = _load_project(config_file)
    settings = project.settings
    archive, _problems = load_archive(settings.docs_dir, list(settings.sections), settings.identity.source, settings.project_dir)
    return project, archive


def _project_archive(args):
    return _project_archive_of(args.config)


def _preview_hint(console: Console, settings, path: Path) -> None:
    from .plan import DRAFTS_URL

    relative = path.resolve().relative_to(settings.docs_dir.resolve()).as_posix()
    console.print(f"预览：运行 [bold]make serve[/]，在浏览器打开 http://127.0.0.1:8000/{relative.removesuffix('.md')}/（草稿只在预览中可见）")
    console.print(f"草稿箱：http://127.0.0.1:8000/{DRAFTS_URL}（所有草稿和待审稿件，各自的审核进度和发布前需处理的问题）")
    console.print(f"检查：运行 [bold]make check[/]；送审：township-archive review {path} --level 初审 --by 姓名")


def cmd_new(args, console: Console) -> int:
    from .authoring.workflow import new_article

    project, archive = _project_archive(args)
    settings = project.settings
    section = _section(settings, args.section)
    path = new_article(
        settings.docs_dir, section, args.title, _today(args), {a.slug for a in archive.articles},
        authors=args.author, source=args.source or "", tags=args.tag, editor=args.editor or "",
    )
    console.print(f"[green]已新建草稿[/]：{path}")
    console.print(f"图片请放在：{path.with_suffix('')}/")
    _preview_hint(console, settings, path)
    return 0


def cmd_import(args, console: Console) -> int:
    from rich.markup import escape

    from .authoring import importer
    from .authoring.workflow import typed_text

    project, archive = _project_archive(args)
    settings = project.settings
    section = _section(settings, args.section)
    source = args.file
    today = _today(args).strftime("%Y-%m-%d %H:%M")
    title = typed_text("标题（--title）", args.title or "")
    try:
        importer.check_source(source)  # missing, not a regular file, too large
        suffix = source.suffix.lower()
        if suffix == ".docx":
            # The slug is not known before the title is; images are referenced from a folder named after it.
            probe = importer.from_docx(source, "__images__", title)
            slug = _import_slug(probe, archive, today, settings.docs_dir / section.id)
            draft = importer.from_docx(source, slug, title)
        elif suffix in (".txt", ".md", ".html", ".htm"):
            text = importer.decode_text(source, importer.read_source(source))
            if suffix in (".html", ".htm"):
                draft = importer.from_html(text, title)
            else:
                draft = importer.from_markdown(text, title) if suffix == ".md" else importer.from_text(text, title)
            slug = _import_slug(draft, archive, today, settings.docs_dir / section.id)
        elif suffix == ".doc":
            raise CliError("不支持旧的 .doc 格式：请用 Word 打开后“另存为 .docx”再导入。")
        else:
            raise CliError(f"不支持导入 {suffix or '无扩展名'} 文件：可以导入 .docx、.txt、.html。")
        earlier = importer.earlier_imports(settings.docs_dir, archive.articles, draft.title, source.name)
        path = importer.write_draft(settings.docs_dir, section.id, draft, slug,
                                    comment=importer.import_comment(source.name, today[:10]))
    except (CliError, AuthoringError) as error:
        # The messages name the file: a name like "a[/]b.txt" must be shown, not read as Rich markup.
        raise CliError(str(error)) from None
    console.print(f"[green]已导入为草稿[/]：{escape(str(path))}")
    for relative, why in earlier:  # the same manuscript imported twice is two articles: say which one was first
        shown = display_path(settings.docs_dir / relative, settings.project_dir)
        console.print(Text.assemble(("注意", "bold yellow"), f"：这份稿件可能已经导入过——{shown}（{why}）。"
                                    f"如果是重复导入，删掉刚建的草稿 {display_path(path, settings.project_dir)} 即可。"), soft_wrap=True)
    found = [f"{label} {escape(value)}" for label, value in (
        ("日期", draft.date), ("来源", draft.source), ("作者", "、".join(draft.authors)), ("责任编辑", draft.editor),
        ("摄影", draft.photographer)) if value]
    if found:
        console.print("从稿件中识别出：" + "，".join(found) + "（已写入头信息，请核对）")
    if not draft.date:
        console.print("稿件里没有找到日期：头信息暂不写 date，发布时写入发布时间；要用原稿的日期，请在头信息中补写 date。")
    if not draft.has_title:
        console.print(f"[yellow]稿件没有标题行[/]（以导语开头）：标题暂写为“{importer.TITLE_PLACEHOLDER}”，网址名暂为 {slug}。"
                      "请在头信息中写好 title，并把 slug 改成标题的拼音；也可以删掉草稿，用 --title \"标题\" 重新导入。")
    if draft.images:
        console.print(f"提取了 {len(draft.images)} 张图片到 {escape(str(path.with_suffix('')))}/")
    if draft.rights.get("notice"):
        console.print("文末的版权/联系信息已移到头信息的 rights 中，请核对。")
    for note in draft.notes:
        console.print(escape(note))
    _preview_hint(console, settings, path)
    return 0


def _import_slug(draft, archive, today: str, folder: Path) -> str:
    """The slug of an imported draft: from its title, or a short placeholder when it has none yet; not
    one another article has, nor a file or folder in the section's folder."""
    from .content.slugs import pinyin_slug, placeholder_slug

    base = pinyin_slug(draft.title) if draft.has_title else placeholder_slug(draft.date or today)
    return _free_slug(base, archive, {path.stem for path in folder.glob("*")} if folder.is_dir() else set())


def _free_slug(slug: str, archive, also_taken: set[str] | None = None) -> str:
    from .content.slugs import free_slug

    taken = {name.rpartition("/")[2] for a in archive.articles for name in (a.slug, *a.aliases)}
    return free_slug(slug or "article", taken | (also_taken or set()))


def _article_path(path: Path, args) -> Path:
    """The article file as given, or relative to docs/ (`dangjian/文章.md` for docs/dangjian/文章.md) when
    there is no such file here. Only a file inside docs/ is taken, before anything is read or written."""
    docs = _load_project(args.config).settings.docs_dir
    if path.is_file():
        if not _inside(path, docs):  # a file elsewhere (or a link out of docs/) is never rewritten
            raise CliError(f"{path} 不在文章文件夹 {docs} 里：review 和 publish 只处理 docs/ 下各栏目文件夹中的文章。")
        return path
    if not path.is_absolute() and (docs / path).is_file() and _inside(docs / path, docs):
        return docs / path
    raise CliError(f"找不到文章 {path}。请写文章 .md 文件的路径，例如 docs/dangjian/文章名.md（也可以省略开头的 docs/）。")


def _inside(path: Path, docs: Path) -> bool:
    try:
        return not path.is_symlink() and path.resolve().is_relative_to(docs.resolve())
    except OSError:
        return False


def cmd_review(args, console: Console) -> int:
    from .authoring.workflow import file_versions, read_front, review_changes, review_state, rewrite
    from .content.model import HISTORICAL
    from .content.reviews import GATE_CODES

    if len(args.article) > 1 and args.level != HISTORICAL:
        raise CliError(f"一次只能审核一篇文章（只有标为{HISTORICAL}时可以一次写多篇）。")
    decided = []
    docs = _load_project(args.config).settings.docs_dir
    for path in (_article_path(given, args) for given in args.article):  # every file decided before any is written
        front = read_front(path)  # the version reviewed: text, front matter, pictures and their credits
        decided.append((path, front, review_changes(front, args.level, args.by, _today(args), file_versions(docs, path, front))))
    for path, _front, changes in decided:
        rewrite(path, changes)
    if args.level == HISTORICAL:
        for path, _front, _changes in decided:
            console.print(Text.assemble(("已标为历史稿件", "green"), "：", str(path)))
        console.print(f"共 {len(decided)} 篇，标记人：{args.by.strip()}。这些文章以后有改动，要经过初审、复审、终审。", highlight=False)
        return 0
    path, front, _changes = decided[0]
    written = read_front(path)
    state = review_state(written, file_versions(docs, path, written))
    console.print(Text.assemble((f"已记录{args.level}", "green"), "：", str(path)))
    console.print(Text("审核进度：" + state.progress(published=written.data.get("status") == "published")), soft_wrap=True)
    if written.data.get("status") == "published" and state.vouching is None:
        console.print(Text("这篇文章已经发布，正在重新送审：终审完成之前网站不能构建（make site 会报错）。", "yellow"))
    # What would still stop publishing: better known now than after the 终审.
    problems = [p for p in _validate_one(args, path, written)
                if (p.is_error or p.severity is Severity.PENDING) and p.code not in GATE_CODES]
    if problems:
        console.print(Text(f"注意：这篇文章还有 {len(problems)} 处要在发布前处理；终审之后再改动，就要重新送审。", "yellow"))
        _print_problems(console, problems)
    return 0


def cmd_publish(args, console: Console) -> int:
    from .authoring.workflow import file_versions, publish_changes, read_front, rewrite, with_changes

    path = _article_path(args.article, args)
    front = read_front(path)
    changes = publish_changes(front, _today(args), args.now, file_versions(_load_project(args.config).settings.docs_dir, path, front))
    if not changes:  # published already, and this version passed 三审: what review's 终审 said
        from .content.reviews import APPROVED_CHANGE

        errors = [p for p in _validate_one(args, path, front) if p.is_error]
        if errors:
            _print_problems(console, errors)
            raise CliError("文章还有问题，网站构建时会报错。请按上面的提示处理；改动内容后要重新送审。")
        console.print(Text(f"{path}：{APPROVED_CHANGE}（发布时间仍为 {front.data.get('date')}）。"), soft_wrap=True)
        return 0
    # The same rules as `check` and the build, on the article as it will be written; refused before writing.
    errors = [p for p in _validate_one(args, path, with_changes(front, changes), publishing=True) if p.is_error]
    if errors:
        _print_problems(console, errors)
        raise CliError("文章还有问题，没有发布。请按上面的提示处理；改动内容后要重新送审。")
    rewrite(path, changes)
    date = changes.get("date") or f"{front.data.get('date')}，沿用稿件中的日期；要改为现在，发布时加 --now"
    console.print(Text.assemble(("已发布", "green"), f"：{path}（网址名 {front.data.get('slug')}，发布时间 {date}）。运行 make site 更新网站。"))
    return 0


def _validate_one(args, path: Path, front, *, publishing: bool = False) -> list[Problem]:
    """The article's problems as `check` finds them (`publishing`: as the publish command is about to write it)."""
    from .content.reviews import FileVersions
    from .content.schema import validate_article

    settings = _load_project(args.config).settings
    docs = settings.docs_dir.resolve()
    try:
        relative = path.resolve().relative_to(docs).as_posix()
    except ValueError:
        raise CliError(f"{path} 不在文章文件夹 {settings.docs_dir} 里。") from None
    folder = _section(settings, relative.split("/", 1)[0])
    archive, _problems = load_archive(settings.docs_dir, list(settings.sections), settings.identity.source, settings.project_dir)
    others = {slug.rpartition("/")[2] for a in archive.articles if a.source_path != relative for slug in (a.slug, *a.aliases)}
    _article, problems = validate_article(
        display_path(path, settings.project_dir), relative, front, folder, list(settings.sections),
        lambda p: (docs / p).is_file(), settings.identity.source, publishing=publishing,
        slug_taken=others.__contains__,  # a shorter slug it suggests is one no other article has
        file_version=FileVersions(docs),
    )
    return sorted(problems)


def cmd_report(args, console: Console) -> int:
    from .authoring.report import render_report
    from .files import write_atomically

    today = _today(args)
    problems, plan = check_project(args.config, today)
    settings = plan.settings
    output = args.output
    if not output.name or output.resolve() == Path(output.resolve().anchor):
        raise CliError(f"--output 应是一个文件，例如 reports/内容报告.html，而不是 {output}。")
    site_dir = _load_project(args.config).site_dir.resolve()
    if output.resolve().is_relative_to(site_dir) or output.resolve().is_relative_to(settings.docs_dir.resolve()):
        raise CliError("内容报告不能写进 site/ 或 docs/：它只给编辑部看，不公开。")
    write_atomically(output, render_report(plan.archive, problems, settings.identity.site_name, today))
    console.print(f"[green]内容报告已生成[/]：{output}（用浏览器打开）")
    return 0


def cmd_fields(args, console: Console) -> int:
    if args.markdown:  # the handbook's table, between its <!-- fields:start --> and <!-- fields:end --> markers
        from .content.schema import fields_markdown

        sys.stdout.write(fields_markdown())
        return 0
    table = Table(title="文章头信息字段")
    for column in ("字段", "含义", "类型", "是否必填", "说明", "示例"):
        table.add_column(column)
    for name, spec in FIELDS.items():
        table.add_row(name, spec.label, spec.kind, spec.required, spec.help, spec.example)
    console.print(table)
    return 0


# ---------------------------------------------------------------------------------------------
# The command line in Chinese. argparse words its usage, help headings and errors through gettext
# (`argparse._`), which is English without an installed catalogue; `ChineseArgumentParser` swaps
# in these translations while it builds, formats and parses, and words the two errors staff meet
# most (a value not among the choices, a missing argument) itself.

_ARGPARSE_CHINESE = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示这段帮助并退出",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "不能是 %(value)s，只能是 %(choices)s 之一",
    "the following arguments are required: %s": "缺少必填的参数 %s",
    "unrecognized arguments: %s": "无法识别的参数 %s",
    "expected one argument": "后面要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "expected %s argument": "后面要写 %s 个值",
    "expected %s arguments": "后面要写 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "invalid %(type)s value: %(value)r": "无法识别的值 %(value)r",
    "not allowed with argument %s": "不能和 %s 一起使用",
    "ignored explicit argument %r": "不需要值，却写了 %r",
    "one of the arguments %s is required": "%s 中至少要写一个",
    "unexpected option string: %s": "意外的选项 %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有子命令 %(parser_name)r（可用：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开 %(filename)s：%(error)s",
}

# What a value is called in usage and help (argparse would show the option's name in capitals).
_METAVARS = {
    "config": "配置文件", "section": "栏目", "author": "作者", "source": "来源", "editor": "责任编辑", "tag": "标签",
    "today": "日期", "title": "标题", "file": "文件", "article": "文章", "by": "姓名", "output": "文件",
    "site_dir": "文件夹", "dist": "文件夹", "site": "文件夹", "out": "文件夹", "path": "路径",
}


@contextmanager
def _argparse_in_chinese():
    saved = argparse._, argparse.ngettext
    argparse._ = lambda text: _ARGPARSE_CHINESE.get(text, text)
    argparse.ngettext = lambda one, many, count: _ARGPARSE_CHINESE.get(one if count == 1 else many, one if count == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese usage, help and errors (sub-command parsers are of this class too)."""

    def __init__(self, *args, **kwargs):
        with _argparse_in_chinese():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs):
        action = super().add_argument(*args, **kwargs)
        if action.metavar is None and action.choices is None and action.nargs != 0 and action.dest in _METAVARS:
            action.metavar = _METAVARS[action.dest]  # shown in usage, help and errors instead of BY, SECTION …
        return action

    def parse_args(self, *args, **kwargs):
        with _argparse_in_chinese():
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args, **kwargs):
        with _argparse_in_chinese():
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _argparse_in_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_in_chinese():
            return super().format_help()

    def _check_value(self, action, value):
        if action.choices is not None and value not in action.choices:
            raise argparse.ArgumentError(action, f"不能是“{value}”，只能是 {'、'.join(map(str, action.choices))} 之一")
        super()._check_value(action, value)

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}。\n运行 {self.prog} -h 查看用法。\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="township-archive", description="乡镇宣传文化档案网站的编辑与构建工具")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml 的路径（默认当前文件夹）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="子命令")

    check = commands.add_parser("check", help="检查全部文章的头信息、栏目和网址名")
    check.add_argument("--format", choices=("text", "json"), default="text", help="输出格式")
    check.add_argument("--strict", action="store_true", help="有警告也返回非零")
    check.add_argument("--today", help="按这一天检查（默认今天），例如 2025-03-20")
    check.set_defaults(run=cmd_check)

    new = commands.add_parser("new", help="新建一篇草稿")
    new.add_argument("title", help="文章标题")
    new.add_argument("--section", required=True, help="栏目名或栏目文件夹名，例如 党建成果")
    new.add_argument("--author", action="append", help="作者，可写多次")
    new.add_argument("--source", help="来源")
    new.add_argument("--editor", help="责任编辑")
    new.add_argument("--tag", action="append", help="标签，可写多次")
    new.add_argument("--today", help=argparse.SUPPRESS)
    new.set_defaults(run=cmd_new)

    imported = commands.add_parser("import", help="把 Word（.docx）或网页/纯文本新闻稿导入为草稿")
    imported.add_argument("file", type=Path, help=".docx、.txt 或 .html 文件")
    imported.add_argument("--section", required=True, help="栏目名或栏目文件夹名")
    imported.add_argument("--title", help="文章标题（稿件没有标题行、以导语开头时用；也可替换原稿标题）")
    imported.add_argument("--today", help=argparse.SUPPRESS)
    imported.set_defaults(run=cmd_import)

    review = commands.add_parser("review", help="记录一级审核（初审、复审、终审），或把旧稿标为历史稿件")
    review.add_argument("article", type=Path, nargs="+", help="文章 .md 文件（标为历史稿件时可写多篇）")
    review.add_argument("--level", required=True, choices=("初审", "复审", "终审", "历史稿件"),
                        help="审核级别；历史稿件：本站启用三审之前已发布的文章，--by 写导入人")
    review.add_argument("--by", required=True, help="审核人姓名")
    review.add_argument("--today", help=argparse.SUPPRESS)
    review.set_defaults(run=cmd_review)

    publish = commands.add_parser("publish", help="三审完成后发布文章")
    publish.add_argument("article", type=Path, help="文章 .md 文件")
    publish.add_argument("--now", action="store_true", help="发布时间改为现在（默认保留文章中已写的日期，没有时用现在）")
    publish.add_argument("--today", help=argparse.SUPPRESS)
    publish.set_defaults(run=cmd_publish)

    report = commands.add_parser("report", help="生成内容报告（HTML，不公开）")
    report.add_argument("--output", type=Path, default=Path("reports/内容报告.html"), help="输出文件（默认 reports/内容报告.html）")
    report.add_argument("--today", help=argparse.SUPPRESS)
    report.set_defaults(run=cmd_report)

    build = commands.add_parser("build", help="构建网站；成功后才替换 site/")
    build.add_argument("--site-dir", default="site", help="输出文件夹（默认 site）")
    build.add_argument("--no-strict", dest="strict", action="store_false", help="有警告也继续构建")
    build.add_argument("--full", action="store_true", help="所有页面都重新生成（平时只重新生成有变化的页面）")
    build.set_defaults(run=cmd_build)

    offline = commands.add_parser("offline", help="构建离线版（展示终端、U 盘），打包为 dist/ 下的 zip")
    offline.add_argument("--kiosk", action="store_true", help="展示终端模式：大字、触屏按钮、无人操作时回到首页")
    offline.add_argument("--dist", default="dist", help="输出文件夹（默认 dist）")
    offline.add_argument("--no-strict", dest="strict", action="store_false", help="有警告也继续构建")
    offline.set_defaults(run=cmd_offline)

    serve = commands.add_parser("serve", help="本地预览（含草稿），改动保存后自动刷新")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.add_argument("--host", default="127.0.0.1", help="地址（默认 127.0.0.1，只有本机能打开）")
    serve.set_defaults(run=cmd_serve)

    nginx = commands.add_parser("nginx", help="为已构建的网站生成 nginx 配置片段（安全策略、旧网址跳转）")
    nginx.add_argument("--site", type=Path, default=Path("site"), help="网站文件夹（默认 site）")
    nginx.add_argument("--out", type=Path, default=Path("dist/nginx"), help="输出文件夹（默认 dist/nginx）")
    nginx.set_defaults(run=cmd_nginx)

    verify = commands.add_parser("verify", help="按 SHA256SUMS 校验离线版压缩包或文件夹")
    verify.add_argument("path", type=Path, help="离线版 zip 文件或展开的文件夹")
    verify.set_defaults(run=cmd_verify)

    fields = commands.add_parser("fields", help="列出文章头信息可用的字段")
    fields.add_argument("--markdown", action="store_true", help="输出手册（HANDBOOK.md）中的 Markdown 字段表")
    fields.set_defaults(run=cmd_fields)
    return parser


def _console(stderr: bool) -> Console:
    """On a terminal Rich fits lines to the window; in a log or a pipe a line is never broken, so a
    path stays whole (and COLUMNS, set or not, does not matter)."""
    console = Console(stderr=stderr, highlight=False)
    if console.is_terminal:
        return console
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=1_000_000)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = _console(stderr=args.command in ("build", "offline", "nginx"))
    try:
        return args.run(args, console)
    except (CliError, AuthoringError) as error:
        # Error messages quote paths and content: printed as text, never read as Rich markup.
        console.print(Text.assemble(("错误", "bold red"), "：", str(error)))
        return 2
    except KeyboardInterrupt:
        console.print("已中断。", highlight=False)
        return 130
    except OSError as error:
        # A path staff typed (an output folder, a report file) that cannot be written or read.
        console.print(Text.assemble(("错误", "bold red"), "：无法读写 ", problem_report.os_error_text(error), "。"))
        return 2


if __name__ == "__main__":
    sys.exit(main())
