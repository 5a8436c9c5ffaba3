"""The footer's government-site identifiers (网站标识码, ICP, 公安机关备案 with its badge and link, the
党政机关网站标识), each shown only when configured in mkdocs.yml, checked in Chinese at their line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Project, small_project
from test_input_robustness import validate_config
from township_archive.mkdocs.project import load_project
from township_archive.settings import Registration

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FIRST_LINE = 13  # validate_config's first line is 12: `registration:`, then ours


def validate(tmp_path: Path, *lines: str) -> tuple[list, str]:
    """The plugin block with `lines` under `registration:`, validated as MkDocs does."""
    failed, _warnings, text = validate_config(tmp_path, "registration:", *(f"  {line}" for line in lines))
    return failed, text


@pytest.mark.parametrize(
    "lines",
    [
        ['site_code: "4505210001"'],
        ["site_code: bm01000001"],  # a ministry's
        ["police: 桂公网安备 45052102000123号"],
        ["police: 桂公网安备45052102000123号"],
        ["party_government_image: assets/images/dangzheng.png", "party_government_url: https://bszs.conac.cn/sitename?method=show&id=A1"],
    ],
)
def test_identifiers_as_they_are_issued_are_accepted(tmp_path: Path, lines: list[str]):
    failed, text = validate(tmp_path, *lines)
    assert failed == [], text


@pytest.mark.parametrize(
    "lines,line,words",
    [
        (['site_code: "450521"'], 0, "网站标识码是 10 位数字或字母"),
        (["site_code: 4505-21000"], 0, "4505-21000"),
        (['police: "45052102000123"'], 0, "桂公网安备 45052102000123号"),
        (["police: 45052102000123"], 0, "文字"),  # YAML reads it as a number
        (["police: 桂公网安备 4505210200012号"], 0, "14 位数字"),
        (["party_government_image: /assets/images/dangzheng.png", "party_government_url: https://bszs.conac.cn/x"], 0, "不以 / 开头"),
        (["party_government_image: ../secret.png", "party_government_url: https://bszs.conac.cn/x"], 0, "overrides/"),
        (["party_government_image: https://bszs.conac.cn/a.png", "party_government_url: https://bszs.conac.cn/x"], 0, "assets/images"),
        (["party_government_image: assets/images/dangzheng.exe", "party_government_url: https://bszs.conac.cn/x"], 0, "png"),
        (["party_government_image: assets/images/dangzheng.png", "party_government_url: javascript:alert(1)"], 1, "javascript"),
        (["party_government_image: assets/images/dangzheng.png"], -1, "同时填写图片"),
    ],
)
def test_wrong_identifiers_are_refused_in_chinese_at_their_line(tmp_path: Path, lines: list[str], line: int, words: str):
    failed, text = validate(tmp_path, *lines)
    assert failed, lines
    if line >= 0:
        assert f"mkdocs.yml 第 {FIRST_LINE + line} 行" in text, text
    assert words in text and CHINESE.search(text), text


def test_the_police_number_links_to_its_record_unless_a_page_is_configured():
    assert Registration(police="桂公网安备 45052102000123号").police_link == (
        "https://beian.mps.gov.cn/#/query/webSearch?code=45052102000123"
    )
    assert Registration(police="桂公网安备 45052102000123号", police_url="https://x.cn/").police_link == "https://x.cn/"
    assert Registration().police_link == ""


CONFIGURED = """\
        site_code: "4505210001"
        police: 桂公网安备 45052102000123号
        party_government_image: assets/images/dangzheng.png
        party_government_url: https://bszs.conac.cn/sitename?method=show&id=A1B2"""


def _configure(config_file: Path, lines: str = CONFIGURED) -> None:
    text = config_file.read_text(encoding="utf-8")
    assert '        police: ""\n' in text
    config_file.write_text(text.replace('        police: ""\n', lines + "\n"), encoding="utf-8")


def test_a_missing_party_government_image_is_a_configuration_error_at_its_line(tmp_path: Path):
    config_file = small_project(tmp_path / "project", {})
    _configure(config_file)
    problems = [p for p in load_project(config_file).config_problems if p.code == "registration-image-missing"]
    (problem,) = problems
    line = config_file.read_text(encoding="utf-8").splitlines().index("        party_government_image: assets/images/dangzheng.png") + 1
    assert (problem.path, problem.line, problem.is_error) == ("mkdocs.yml", line, True)
    assert "assets/images/dangzheng.png" in problem.message and "overrides/" in problem.hint
    (tmp_path / "project/overrides/assets/images/dangzheng.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert not [p for p in load_project(config_file).config_problems if p.code == "registration-image-missing"]


def _footer(html: str) -> str:
    return re.search(r'<div class="md-copyright ta-footer">.*?</div>', html, re.DOTALL).group(0)


def test_the_sample_shows_only_what_it_configures(sample_site: Path):
    footer = _footer((sample_site / "index.html").read_text(encoding="utf-8"))
    assert "网站标识码" not in footer and "公网安备" not in footer and "police-badge" not in footer
    assert "党政机关" not in footer and 'class="ta-footer__mark"' not in footer
    assert "桂ICP备" in footer  # the sample's placeholder ICP number


@pytest.mark.slow
def test_a_configured_footer_carries_every_identifier_with_badge_and_links(project: Project):
    _configure(project.root / "mkdocs.yml")
    (project.root / "overrides/assets/images/dangzheng.png").write_bytes((project.root / "overrides/assets/images/favicon.svg").read_bytes())
    result = project.mkdocs_build()
    assert result.returncode == 0, result.output
    site = project.root / "site"
    for page, prefix in (("index.html", ""), ("dangjian/wangge-zhili/index.html", "../../")):
        footer = _footer((site / page).read_text(encoding="utf-8"))
        # In the order government sites print them.
        order = [footer.index(words) for words in ("网站标识码：4505210001", "桂ICP备", "桂公网安备 45052102000123号", "党政机关网站标识")]
        assert order == sorted(order), footer
        assert f'<img class="ta-footer__badge" src="{prefix}assets/images/police-badge.svg" alt=""' in footer
        assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=45052102000123"' in footer
        # Escaped: the & of the verification address is &amp; in the attribute.
        assert 'href="https://bszs.conac.cn/sitename?method=show&amp;id=A1B2"' in footer
        assert f'<img src="{prefix}assets/images/dangzheng.png" alt="党政机关网站标识"' in footer
    assert (site / "assets/images/police-badge.svg").is_file() and (site / "assets/images/dangzheng.png").is_file()
