"""A project as MkDocs reads it: mkdocs.yml loaded and validated, turned into `Settings`.

The CLI reads projects through here, so it never touches MkDocs itself."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError

from ..content.frontmatter import explain_yaml_error, line_at
from ..problems import Problem
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
    return theme_problems(config_file, config.theme.get("font"), config.site_url) + link_problems(config_file, links, config.extra)


def _yaml_mistake(config_file: Path, error: yaml.MarkedYAMLError) -> str:
    """A syntax error in mkdocs.yml as staff are told about their front matter: in Chinese, at the line to change."""
    try:
        text = config_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return f"{config_file} 的格式有误，无法读取。"
    index, message, hint = explain_yaml_error(text, error)
    return f"{config_file}:{line_at(text, index, 1)}：配置文件{message}" + (f"\n提示：{hint}" if hint else "")


def load_project(config_file: Path) -> Project:
    if not config_file.is_file():
        raise ProjectError(f"找不到配置文件 {config_file}。请在项目文件夹里运行，或用 --config 指定 mkdocs.yml。")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    try:
        config = load_config(str(config_file))
    except (ConfigurationError, SystemExit) as error:
        if isinstance(error.__context__, yaml.MarkedYAMLError):  # MkDocs words the YAML error in English
            raise ProjectError(_yaml_mistake(config_file, error.__context__)) from None
        raise ProjectError(f"{config_file} 配置有误：{error}") from None
    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise ProjectError(f"{config_file} 的 plugins 中没有 {PLUGIN_NAME}。")
    return Project(settings_of(plugin.config, config), Path(config.site_dir), config.site_url or "", tuple(config_problems(config)))
