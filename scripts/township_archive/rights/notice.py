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


def article_notice(site: SiteRights, article: Article) -> Notice:
    """Article overrides win over its section's, which win over the site's."""
    section = article.section.rights
    rights = RightsOverride(**{
        name: getattr(article.rights, name) or getattr(section, name) for name in RightsOverride.__dataclass_fields__
    })
    holder = rights.holder or (rights.original_source if rights.is_reprint else "") or site.holder
    year = article.year
    if rights.notice:
        statement = rights.notice
    elif rights.license:
        statement = f"本文由{holder}以《{rights.license}》许可协议发布，使用时请按协议要求署名并注明出处。"
    elif rights.is_reprint:
        parts = [f"本文转载自{rights.original_source or '其他媒体'}"]
        if rights.original_title:
            parts.append(f"原题《{rights.original_title}》")
        if rights.original_author:
            parts.append(f"原作者：{rights.original_author}")
        statement = "，".join(parts) + f"。版权归{holder}所有，如需转载请联系原发媒体取得授权。"
    else:
        statement = f"本文版权归{holder}所有。{site.policy}"
        if site.reprint_contact:
            statement += f"转载联系：{site.reprint_contact}。"
    return Notice(holder, year, statement, rights.license or "", rights.license_url or "", rights.original_url or "")
