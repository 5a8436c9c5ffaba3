"""Copyright notices composed from site configuration and article overrides."""

from __future__ import annotations

from dataclasses import dataclass

from ..content.model import Article, RightsOverride


@dataclass(frozen=True)
class SiteRights:
    holder: str
    policy: str  # the reprint policy, e.g. written permission needed
    reprint_contact: str = ""
    since_year: int | None = None


@dataclass(frozen=True)
class Notice:
    holder: str
    year: int | None
    statement: str
    license: str = ""
    license_url: str = ""
    original_url: str = ""


def year_range(since: int | None, latest: int | None) -> str:
    """`2019–2024` from the first configured year to the newest article; no clock involved."""
    if since and latest and latest > since:
        return f"{since}–{latest}"
    return str(since or latest or "")


def effective_rights(article: Article) -> RightsOverride:
    """The article's rights fields, each falling back to its section's."""
    section = article.section.rights
    return RightsOverride(**{
        name: getattr(article.rights, name) or getattr(section, name) for name in RightsOverride.__dataclass_fields__
    })


def reprint_line(rights: RightsOverride) -> str:
    """本文转载自<medium>，原题《…》，原作者：…。 — what a reprint's notice always names."""
    parts = [f"本文转载自{rights.original_source or '其他媒体'}"]
    if rights.original_title:
        parts.append(f"原题《{rights.original_title}》")
    if rights.original_author:
        parts.append(f"原作者：{rights.original_author}")
    return "，".join(parts) + "。"


def _names_the_original(text: str, rights: RightsOverride) -> bool:
    """Whether a notice staff wrote already names the original medium and title (imported trailers often do)."""
    return all(value in text for value in (rights.original_source, rights.original_title) if value)


def article_notice(site: SiteRights, article: Article) -> Notice:
    """Article overrides win over its section's, which win over the site's. A reprint's notice names
    the original medium and title whatever else it says."""
    rights = effective_rights(article)
    holder = rights.holder or (rights.original_source if rights.is_reprint else "") or site.holder
    year = article.year
    if rights.notice:
        statement = rights.notice
    elif rights.license:
        statement = f"本文由{holder}以《{rights.license}》许可协议发布，使用时请按协议要求署名并注明出处。"
    elif rights.is_reprint:
        statement = f"版权归{holder}所有，如需转载请联系原发媒体取得授权。"
    else:
        statement = f"本文版权归{holder}所有。{site.policy}"
        if site.reprint_contact:
            statement += f"转载联系：{site.reprint_contact}。"
    if rights.is_reprint and not _names_the_original(statement, rights):
        statement = reprint_line(rights) + statement
    return Notice(holder, year, statement, rights.license or "", rights.license_url or "", rights.original_url or "")
