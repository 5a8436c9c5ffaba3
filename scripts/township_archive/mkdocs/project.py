"""A project as MkDocs reads it: mkdocs.yml loaded and validated, turned into `Settings`.

The CLI reads projects through here, so it never touches MkDocs itself."""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.theme import Theme

from ..content.frontmatter import explain_yaml_error, line_at
from ..problems import Problem, line_of_key, os_error_text
from ..settings import Settings
from ..site_checks import link_problems, theme_problems
from .config import PLUGIN_NAME, settings_of


class ProjectError(Exception):
    """The project cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True)
class Project:
    settings: Settings
    site_dir: Path
    site_url: str
    config_problems: tuple[Problem, ...]  # the theme's font, links in mkdocs.yml


def config_problems(config: MkDocsConfig) -> list[Problem]:
    """Settings of mkdocs.yml that would break the site in mainland China or offline, or carry unsafe links."""
    config_file = Path(config.config_file_path)
    links = {key: config.get(key) or "" for key in ("site_url", "repo_url", "edit_uri")}
    return (
        theme_problems(config_file, config.theme.get("font"), config.site_url)
        + link_problems(config_file, links, config.extra)
        + theme_templates_problems(config)
        + theme_image_problems(config)
    )


def theme_image_problems(config: MkDocsConfig) -> list[Problem]:
    """The 党政机关网站标识 image must be one of the theme's files: the footer would show a broken picture."""
    plugin = config.plugins.get(PLUGIN_NAME)
    image = plugin.config.registration.party_government_image if plugin is not None else ""
    if not image or any((Path(folder) / image).is_file() for folder in config.theme.dirs):
        return []
    config_file = Path(config.config_file_path)
    folder = config.theme.custom_dir or "overrides"
    shown_folder = Path(folder).name if Path(folder).is_absolute() else folder
    return [Problem(
        config_file.name, line_of_key(config_file, "party_government_image"), "registration-image-missing",
        f"找不到党政机关网站标识图片 {image}：页脚会显示一张坏图。",
        f"把发给本站的标识图片放到主题文件夹 {shown_folder}/ 中的 {image}，或改正 party_government_image 的写法。",
    )]


def _yaml_mistake(config_file: Path, error: yaml.MarkedYAMLError) -> str:
    """A syntax error in mkdocs.yml as staff are told about their front matter: in Chinese, at the line to change."""
    try:
        text = config_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return f"{config_file} 的格式有误，无法读取。"
    index, message, hint = explain_yaml_error(text, error)
    return f"{config_file}:{line_at(text, index, 1)}：配置文件{message}" + (f"\n提示：{hint}" if hint else "")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


# How MkDocs reports an option: "Config value 'plugins': Plugin 'township-archive' option 'sections': <ours>".
_OPTION_MESSAGE = re.compile(r"Config value '([^']*)': (?:Plugin '[^']*' option '[^']*': )?(.*)", re.DOTALL)
_UNKNOWN_NAME = re.compile(r"Unrecognised configuration name: (\S+)")


def engine_config_message(config_file: Path, message: str) -> str:
    """One of MkDocs' messages about mkdocs.yml, for staff: ours (already Chinese, with the line) as
    they are; an unknown top-level name with its line and the closest known name; others named by option."""
    match = _OPTION_MESSAGE.fullmatch(message.strip())
    if not match:
        return message
    key, reason = match.groups()
    if re.search(r"[\u4e00-\u9fff]", reason):
        return reason
    if unknown := _UNKNOWN_NAME.fullmatch(reason.strip()):
        name = unknown.group(1)
        close = difflib.get_close_matches(name, _TOP_LEVEL_NAMES, n=1, cutoff=0.6)
        line = line_of_key(config_file, name)
        place = f"{config_file.name} 第 {line} 行" if line else config_file.name
        return f"{place}：{name} 不是 mkdocs.yml 可用的选项。" + (f"是不是想写 {close[0]}？" if close else "请检查拼写。")
    line = line_of_key(config_file, key)
    place = f"{config_file.name} 第 {line} 行" if line else config_file.name
    return f"{place}：{key} 的值有误（MkDocs 的说明：{reason}）"


_TOP_LEVEL_NAMES = [key for key, _option in MkDocsConfig._schema]


def theme_templates_problems(config: MkDocsConfig) -> list[Problem]:
    """The theme block must point at the archive's own templates (overrides/): without them no page can be drawn."""
    config_file = Path(config.config_file_path)
    theme = config.theme
    if any((Path(folder) / "article.html").is_file() for folder in theme.dirs):
        return []
    known = set(Theme(name=theme.name)) | {"name", "custom_dir", "static_templates", "locale"}
    typos = [key for key in theme if key not in known and difflib.get_close_matches(key, ["custom_dir"], n=1, cutoff=0.6)]
    hint = f"theme 下写的是 {typos[0]}，应为 custom_dir。" if typos else ""
    return [Problem(
        config_file.name, line_of_key(config_file, typos[0] if typos else "theme"), "theme-templates-missing",
        f"找不到本站的页面模板（overrides/ 文件夹）。{hint}",
        "在 mkdocs.yml 的 theme 下写 custom_dir: overrides。",
    )]


def load_project(config_file: Path) -> Project:
    if not config_file.is_file():
        raise ProjectError(f"找不到配置文件 {config_file}。请在项目文件夹里运行，或用 --config 指定 mkdocs.yml。")
    logger = logging.getLogger("mkdocs")
    collected = _Collect()
    saved = logger.handlers[:], logger.level, logger.propagate
    logger.handlers, logger.propagate = [collected], False
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(str(config_file))
    except (ConfigurationError, SystemExit) as error:
        if isinstance(error.__context__, (UnicodeDecodeError, yaml.reader.ReaderError)):
            raise ProjectError(f"{config_file} 不是 UTF-8 编码：请用记事本等“另存为 UTF-8”后再试。") from None
        if isinstance(error.__context__, yaml.MarkedYAMLError):  # MkDocs words the YAML error in English
            raise ProjectError(_yaml_mistake(config_file, error.__context__)) from None
        reasons = [engine_config_message(config_file, message) for message in collected.messages]
        raise ProjectError("mkdocs.yml 配置有误：\n" + "\n".join(reasons or [str(error)])) from None
    except RecursionError:
        raise ProjectError(f"{config_file} 的嵌套层次太深（[[[…]]] 或缩进过多），无法读取。") from None
    except UnicodeDecodeError:
        raise ProjectError(f"{config_file} 不是 UTF-8 编码：请用记事本等“另存为 UTF-8”后再试。") from None
    except OSError as error:
        raise ProjectError(f"{config_file} 无法读取：{os_error_text(error)}。") from None
    finally:
        logger.handlers, logger.propagate = saved[0], saved[2]
        logger.setLevel(saved[1])
    if collected.messages:
        # A strict build stops on these, so they are errors here too.
        raise ProjectError("mkdocs.yml 配置有误：\n" + "\n".join(engine_config_message(config_file, m) for m in collected.messages))
    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise ProjectError(f"{config_file} 的 plugins 中没有 {PLUGIN_NAME}。")
    return Project(settings_of(plugin.config, config), Path(config.site_dir), config.site_url or "", tuple(config_problems(config)))
