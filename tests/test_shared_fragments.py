"""Material's navigation and tabs are drawn once for the pages that get the same HTML, and only for them."""

from __future__ import annotations

from dataclasses import dataclass, field

from township_archive.mkdocs.templating import fragment_key


@dataclass(eq=False)
class Page:
    url: str


@dataclass
class Nav:
    pages: list = field(default_factory=list)


NAV = Nav([Page(""), Page("dangjian/"), Page("tags/"), Page("years/"), Page("about/")])


def test_pages_outside_the_navigation_share_by_the_parent_of_their_folder():
    assert fragment_key(Page("dangjian/wenzhang-0001/"), NAV) == fragment_key(Page("dangjian/wenzhang-0002/"), NAV) == "dangjian"
    assert fragment_key(Page("kejia-wenhua/wenzhang-0003/"), NAV) == "kejia-wenhua"  # other relative links: drawn apart
    assert fragment_key(Page("tags/xiangcun/page/2/"), NAV) == "tags/xiangcun/page"
    # The offline copy: pages are files; their folder is what links are relative to.
    assert fragment_key(Page("dangjian/wenzhang-0001/index.html"), NAV) == "dangjian"


def test_a_page_in_the_navigation_or_holding_one_is_drawn_for_itself():
    assert fragment_key(NAV.pages[1], NAV) is None  # its item is active
    assert fragment_key(Page(""), NAV) is None  # the home page's folder holds every item
    assert fragment_key(Page("years/2024/"), Nav([*NAV.pages, Page("years/2024/chronicle/")])) is None
    assert fragment_key(Page("a/"), None) is None and fragment_key(None, NAV) is None
