"""The content report: a Chinese HTML page for the office, written outside the public site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from ..content.loader import Archive
from ..content.model import Article, Review, Section, Status
from ..content.reviews import ReviewState
from ..problems import Problem, Severity, count


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
    progress: str  # who reviewed which version, and what comes next (ReviewState.progress)


@dataclass(frozen=True)
class Historical:
    """A published article that predates the 三审 workflow, and who marked it so."""

    article: Article
    mark: Review


def render_report(archive: Archive, problems: list[Problem], site_name: str, generated: datetime) -> str:
    rows = []
    for section in archive.sections:
        own = [a for a in archive.articles if a.section == section]
        published = archive.in_section(section)
        rows.append(SectionRow(
            section, len(published), sum(a.status is Status.DRAFT for a in own), sum(a.status is Status.REVIEW for a in own),
            published[0].date if published else None,
        ))
    waiting, historical = [], []
    for article in sorted(archive.articles, key=lambda a: a.source_path):
        state = ReviewState(article.reviews, article.fingerprint)
        if article.status is Status.REVIEW or (article.status is Status.DRAFT and article.reviews):
            waiting.append(Waiting(article, state.progress()))
        elif article.is_public and state.historical is not None:
            historical.append(Historical(article, state.historical))
    environment = Environment(loader=PackageLoader("township_archive", "templates"), autoescape=select_autoescape())
    return environment.get_template("report.html").render(
        site_name=site_name, generated=generated, rows=rows, waiting=waiting, historical=historical, problems=problems,
        errors=count(problems, Severity.ERROR), warnings=count(problems, Severity.WARNING), pending=count(problems, Severity.PENDING),
    )
