"""Property-based tests: whatever staff (or a broken editor) put in a file, the readers answer with
Problems or clean values, never with an exception, and nothing unpublishable gets through."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from township_archive.content.frontmatter import FrontMatter, parse, text_problem
from township_archive.content.model import Section
from township_archive.content.schema import FIELDS, RIGHTS_FIELDS, validate_article
from township_archive.media.library import sidecar_from_text
from township_archive.problems import Problem
from township_archive.safe_url import url_problem
from township_archive.villages import villages_from_text

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SECTIONS = [Section("dangjian", "党建成果"), Section("kejia-wenhua", "客家文化")]
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Pieces that make YAML and the front-matter fences interesting, mixed into arbitrary text.
PIECES = [
    "---", "...", "\n", "\r\n", "\r", "title: ", "date: ", "rights:\n  license_url: ", "- ", "  ", "\t", ": ", "? ",
    "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!timestamp ", "!!binary ", "! ", "|\n  ", ">\n  ", '"', "'",
    "\\u", "\\x01", "\\ud800", "\x00", "\x01", "\x7f", "\x85", "\u2028", "\u202e", "\u200b", "\ufeff", "\ufffe",
    "2024-05-01", "2024-05-01T10:00:00+08:00", "Z", "1:2:3", "0x1F", ".inf", "~", "null", "yes", "=", "#",
    "javascript:", "https://", "曲樟乡", "published", "初审",
]
texts = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(PIECES)), max_size=40).map("".join)

zones = st.sampled_from([None, UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(PIECES),
    st.sampled_from(["\ud800", "a\udfffb", "\x01", "\u202e村", "\u200b", "javascript:alert(1)", " JaVaScRiPt:x"]),
    st.dates(),
    st.datetimes(timezones=zones),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(list(RIGHTS_FIELDS) + ["level", "by", "date"])),
                        children, max_size=4),
    ),
    max_leaves=12,
)
front_data = st.dictionaries(st.one_of(st.sampled_from(list(FIELDS)), st.text(max_size=8)), values, max_size=8)


def _assert_problems(problems: list[Problem]) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert CHINESE.search(problem.message), problem
        assert isinstance(problem.line, int) and problem.line >= 0
        problem.as_text().encode("utf-8")  # printable and writable: no lone surrogates in messages
        problem.as_dict()


def _check_article(text: str | None = None, front: FrontMatter | None = None) -> None:
    problems: list[Problem] = []
    if front is None:
        front, problems = parse("docs/dangjian/a.md", text)
        _assert_problems(problems)
        if front is None:
            assert any(p.is_error for p in problems)
            return
    article, more = validate_article(
        "docs/dangjian/a.md", "dangjian/a.md", front, SECTIONS[0], SECTIONS, lambda _path: False, "本站"
    )
    _assert_problems(more)
    if article is None:
        assert any(p.is_error for p in problems + more), "an article was dropped without an error"
        return
    for value in (article.title, article.slug, article.summary, article.editor, article.source, article.photographer,
                  *article.authors, *article.tags, *article.villages,
                  *(v for v in vars(article.rights).values() if v)):
        assert isinstance(value, str) and text_problem(value) is None, value
    for url in (article.rights.license_url, article.rights.original_url):
        assert not url or url_problem(url, relative=False, mailto=False) is None
    if article.date is not None:
        assert article.date.tzinfo is None and 1970 <= article.date.year <= 2106


@SETTINGS
@given(texts, texts)
def test_any_text_gives_problems_or_an_article(front_text, body):
    _check_article("---\n" + front_text + "\n---\n" + body)
    _check_article(front_text + body)


@SETTINGS
@given(front_data, texts)
def test_any_yaml_values_for_the_fields_give_problems_or_an_article(data, body):
    try:
        dumped = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        dumped = None
    if dumped is not None:
        _check_article("---\n" + dumped + "---\n" + body)
    # The validator on its own, with values YAML would not produce (datetime objects, surrogates).
    _check_article(front=FrontMatter({str(k): v for k, v in data.items()}, {}, body, 3))


@SETTINGS
@given(st.one_of(texts, st.lists(values, max_size=4).map(lambda v: yaml.safe_dump(v, allow_unicode=True))))
def test_any_villages_file_gives_problems_or_villages(text):
    villages, problems = villages_from_text(text, "villages.yml")
    _assert_problems(problems)
    for village in villages:
        for value in (village.name, village.description, *(h.title for h in village.honours), *(h.by for h in village.honours)):
            assert text_problem(value) is None
        assert village.name


@SETTINGS
@given(st.one_of(texts, st.dictionaries(st.sampled_from(["author", "holder", "watermark", "auther"]), values, max_size=3)
                 .map(lambda v: yaml.safe_dump(v, allow_unicode=True))))
def test_any_sidecar_gives_problems_or_clean_fields(text):
    sidecar, problems = sidecar_from_text(text, "docs/a/photo.jpg.yml")
    _assert_problems(problems)
    assert set(sidecar) <= {"author", "holder", "watermark"}
    for key in ("author", "holder"):
        if key in sidecar:
            assert isinstance(sidecar[key], str) and sidecar[key] and text_problem(sidecar[key]) is None
    if "watermark" in sidecar:
        assert isinstance(sidecar["watermark"], bool)


@SETTINGS
@given(st.one_of(texts, st.text()))
def test_url_rule_never_raises_and_only_lets_safe_schemes_through(text):
    reason = url_problem(text)
    assert reason is None or CHINESE.search(reason)
    if reason is None:
        lowered = text.lower()
        # A scheme is what stands before a colon that comes before any / ? or #: "#:" is a same-page anchor.
        head = re.split(r"[/?#]", lowered, maxsplit=1)[0]
        assert lowered.startswith(("http://", "https://", "mailto:")) or (":" not in head and not text.startswith("//"))


def _both_readers(text: str):
    """`parse` of `text` with libyaml composing what it may, and with the strict reader alone."""
    from township_archive.content import frontmatter

    fast = parse("docs/a.md", text)
    frontmatter.FAST_YAML = False
    try:
        strict = parse("docs/a.md", text)
    finally:
        frontmatter.FAST_YAML = True
    return fast, strict


def _same(fast, strict) -> None:
    (front_fast, problems_fast), (front_strict, problems_strict) = fast, strict
    assert problems_fast == problems_strict
    assert (front_fast is None) == (front_strict is None)
    if front_fast is not None:
        assert repr(front_fast.data) == repr(front_strict.data)  # repr: NaN, and 1 against True
        assert front_fast.key_lines == front_strict.key_lines


@SETTINGS
@given(texts)
def test_the_fast_reader_agrees_with_the_strict_one_on_any_text(text):
    # Front matter is composed by libyaml where it can; data, lines and problems must not change.
    _same(*_both_readers("---\n" + text + "\n---\n正文\n"))


@SETTINGS
@given(front_data)
def test_the_fast_reader_agrees_with_the_strict_one_on_any_front_matter(data):
    try:
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        return
    _same(*_both_readers("---\n" + dumped + "---\n正文\n"))


def _both_constructors(text: str):
    """`parse` of `text` with front-matter values built by the quick constructor, and by PyYAML's alone."""
    from township_archive.content import frontmatter

    quick = parse("docs/a.md", text)
    built = frontmatter._construct

    def refuse(node, scalars):
        raise frontmatter._Unusual(node.tag)

    frontmatter._construct = refuse
    try:
        pyyaml = parse("docs/a.md", text)
    finally:
        frontmatter._construct = built
    return quick, pyyaml


@SETTINGS
@given(texts)
def test_the_quick_constructor_builds_what_pyyaml_builds_from_any_text(text):
    _same(*_both_constructors("---\n" + text + "\n---\n正文\n"))


@SETTINGS
@given(front_data)
def test_the_quick_constructor_builds_what_pyyaml_builds_from_any_front_matter(data):
    try:
        dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        return
    _same(*_both_constructors("---\n" + dumped + "---\n正文\n"))


def test_the_quick_constructor_leaves_lists_as_keys_to_pyyaml():
    # PyYAML refuses them with its own error, which the reader explains at the line.
    (front, problems), pyyaml = _both_constructors("---\ntitle: 曲樟乡\n[a, b]: 1\n---\n")
    assert front is None and (front, problems) == pyyaml and [(p.line, p.code) for p in problems] == [(3, "yaml-syntax")]
    (front, problems), pyyaml = _both_constructors("---\ntitle: 曲樟乡\nn: 1\n1: 一\ntrue: 二\n---\n")
    assert repr(front.data) == repr(pyyaml[0].data) == "{'title': '曲樟乡', 'n': 1, '1': '二'}"


# The summary's markup rule as first written (a line-start marker matched at ^); schema's faster spelling must agree.
_LINE_START_MARKUP = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|^[ \t]*(?:[#>]+|[-*+]|\d+\.)[ \t]+|[*_`|~]+|-{2,}",
    re.DOTALL | re.MULTILINE,
)
MARKDOWN_PIECES = [
    "\n", "\r\n", " ", "\t", "\u3000", "-", "--", "* ", "**", "_", "`", "|", "~", "#", "## ", "> ", "1. ", "12.", "+ ",
    "!", "[", "]", "(", ")", "![图](a.jpg)", "[文字](b.md)", "<!--", "-->", "<b>", "</i>", "<img src=x>", "<", ">",
    "曲樟乡", "a", "\u200b", "\x07", "\u202e",
]
markdown_texts = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(MARKDOWN_PIECES)), max_size=40).map("".join)


@SETTINGS
@given(markdown_texts)
def test_summary_text_and_character_count_follow_the_line_start_rule(markdown):
    from township_archive.content.frontmatter import INVISIBLE_CHARACTERS, clean_text, without_unsafe
    from township_archive.content.schema import count_characters, plain_text

    expected = clean_text(re.sub(r"\s+", " ", without_unsafe(_LINE_START_MARKUP.sub(lambda m: m.group(1) or " ", markdown))))
    assert plain_text(markdown) == expected
    assert count_characters(markdown) == len(re.sub(r"\s", "", expected)) == len(
        "".join(char for char in expected if not char.isspace() and char not in INVISIBLE_CHARACTERS))


def test_a_mistake_read_by_the_fast_reader_is_still_explained_at_its_line():
    from township_archive.content import frontmatter

    assert frontmatter.FAST_YAML, "libyaml is installed with PyYAML's wheels; the build counts on it"
    front, problems = parse("docs/a.md", "---\ntitle: 曲樟乡\ntags:\n- 甲\n date: 2024-05-01\n---\n正文\n")
    assert front is None and [(p.line, p.code) for p in problems] == [(5, "yaml-syntax")]
    front, problems = parse("docs/a.md", "---\ntitle: 曲樟乡\nsummary: 一\nsummary: 二\n---\n")
    assert [(p.line, p.code) for p in problems] == [(4, "duplicate-field")]
