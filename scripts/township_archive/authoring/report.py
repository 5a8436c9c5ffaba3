"""The content report: a Chinese HTML page for the office, written outside the public site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from ..content.loader import Archive
from ..content.model import REVIEW_LEVELS, Article, Section, Status
from ..problems import Problem, count_errors


@dataclass(frozen=True)
class SectionRow:
    section: Section
    published: int
    drafts: int
    in_review: int
    last_update: datetime | None


@dataclass(frozen=True)
class Waiting:
    article: Article
    done: tuple[str, ...]  # "初审：张三"
    next_level: str


def render_report(archive: Archive, problems: list[Problem], site_name: str, generated: datetime) -> str:
    rows = []
    for section in archive.sections:
        own = [a for a in archive.articles if a.section == section]
        published = archive.in_section(section)
        rows.append(SectionRow(
            section, len(published), sum(a.status is Status.DRAFT for a in own), sum(a.status is Status.REVIEW for a in own),
            published[0].date if published else None,
        ))
    waiting = []
    for article in sorted(archive.articles, key=lambda a: a.source_path):
        if article.status is Status.REVIEW or (article.status is Status.DRAFT and article.reviews):
            done = tuple(f"{r.level}：{r.by}" for r in article.reviews)
            next_level = next((level for level in REVIEW_LEVELS if level not in {r.level for r in article.reviews}), "可以发布")
            waiting.append(Waiting(article, done, next_level))
    environment = Environment(loader=PackageLoader("township_archive", "templates"), autoescape=select_autoescape())
    return environment.get_template("report.html").render(
        site_name=site_name, generated=generated, rows=rows, waiting=waiting, problems=problems,
        errors=count_errors(problems), warnings=len(problems) - count_errors(problems),
    )
