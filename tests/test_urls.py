"""The one folder rule for addresses: clean URLs online, index.html in the offline copy."""

from __future__ import annotations

import pytest
from township_archive.safety.body import BodyPolicy, clean_body
from township_archive.urls import breakable_urls, is_relative, page_address


@pytest.mark.parametrize(
    "address, offline",
    [
        ("dangjian/wangge-zhili/", "dangjian/wangge-zhili/index.html"),
        ("../../tags/", "../../tags/index.html"),
        ("../about/#zhuan-zai-shou-quan", "../about/index.html#zhuan-zai-shou-quan"),
        ("archive/2024/?x=1#m5", "archive/2024/index.html?x=1#m5"),
        ("", "index.html"),
        (".", "index.html"),
        ("./", "index.html"),
        ("..", "../index.html"),
        ("../..", "../../index.html"),
        ("#m5", "#m5"),
        ("about.html", "about.html"),
        ("assets/stylesheets/archive.css", "assets/stylesheets/archive.css"),
        ("cite.json", "cite.json"),
    ],
)
def test_offline_addresses_name_the_page_not_the_folder(address: str, offline: str):
    assert page_address(address, directory_urls=False) == offline
    assert page_address(address) == address  # online: clean URLs as they are


def test_relative_links_are_told_from_the_rest():
    assert is_relative("../wangge-zhili/") and is_relative("a.html")
    assert not any(is_relative(x) for x in ("", "#a", "/about/", "https://x.cn/", "//x.cn/", "mailto:a@b.cn", "?q"))


def test_links_in_article_bodies_follow_the_rule_offline():
    body = '<p><a href="../wangge-zhili/">站内</a> <a href="../wangge-zhili/#a">锚点</a> <a href="https://x.cn/a/">站外</a> <a href="#b">本页</a></p>'
    offline, removed = clean_body(body, BodyPolicy(directory_urls=False))
    assert removed == []
    assert 'href="../wangge-zhili/index.html"' in offline and 'href="../wangge-zhili/index.html#a"' in offline
    assert 'href="https://x.cn/a/"' in offline and 'href="#b"' in offline
    assert clean_body(body)[0].count("index.html") == 0


@pytest.mark.parametrize(
    "text, html",
    [
        (
            "曲樟乡[EB/OL]. (2024-07-01)[2026-01-01]. https://www.example.gov.cn/jiaoyu-jidi/songhu-kangzhan/.",
            (
                '曲樟乡[EB/OL]. (<span class="ta-nobreak">2024-07-01</span>)[<span class="ta-nobreak">2026-01-01</span>]. '
                'https://www<wbr>.example<wbr>.gov<wbr>.cn/<wbr><span class="ta-nobreak">jiaoyu-jidi</span>/<wbr>'
                '<span class="ta-nobreak">songhu-kangzhan</span>/<wbr>.'
            ),
        ),
        # A part too long to keep whole on a phone may still break at its hyphens.
        ("https://a.cn/" + "-".join(["chen-ming-shu"] * 3) + "/",
         "https://a<wbr>.cn/<wbr>" + "-".join(["chen-ming-shu"] * 3) + "/<wbr>"),
        ('<span class="ta-nobreak">x</span> 2024-07-01', '&lt;span class=&#34;ta-nobreak&#34;&gt;x&lt;/span&gt; <span class="ta-nobreak">2024-07-01</span>'),
        ("http://a.cn", "http://a<wbr>.cn"),
        # Escaped like any value; the address ends at a quote, a bracket or Chinese punctuation.
        ('见 https://x.cn/a?b=1&c="<2>"，完', "见 https://x<wbr>.cn/<wbr>a?b=1&amp;c=&#34;&lt;2&gt;&#34;，完"),
        ("没有网址 <b>", "没有网址 &lt;b&gt;"),
    ],
)
def test_addresses_in_text_get_break_points_after_slashes_and_before_dots(text, html):
    assert str(breakable_urls(text)) == html
