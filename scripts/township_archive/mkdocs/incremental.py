"""Incremental builds: outputs whose inputs are unchanged are kept, MkDocs renders only the rest.

MkDocs' `dirty` build skips reading, rendering and copying any file whose `is_modified()` is
False; here that answer comes from keys, not from file times. A page's key is the digest of what
its output depends on (`buildkeys`); a generated file's, its content; a copied file's, its source's
size and time. The record of the last build holds each output's key with the size and time its file
had when that build finished; an output is kept only when its key is the same and its file is
untouched. Kept outputs are carried into the new site: in place for the preview, as hard links for
`township-archive build`, which builds beside the last good site and swaps only on success (no file
is ever written through a link: only outputs nobody writes again are linked, everything else in the
new folder is written fresh). What rendering a kept page contributed (its search document, its
warnings) comes from the record, so the search index and `--strict` see every page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

import material
from mkdocs.structure.files import File, Files, InclusionLevel

from ..buildkeys import files_digest, stable_digest
from ..search.index import SearchDocument

RECORD_VERSION = 1
PACKAGE_DIR = Path(__file__).resolve().parent.parent
THEME_DIR = Path(material.__file__).resolve().parent  # Material's own templates: its version is in the engine digest


@dataclass(frozen=True)
class Output:
    key: str
    size: int
    mtime_ns: int


@dataclass
class BuildRecord:
    """What the last successful build wrote, for the next one to keep."""

    engine: str = ""  # the digest of what every output is made with (versions, our own code)
    outputs: dict[str, Output] = field(default_factory=dict)  # site path -> key and file state
    search: dict[str, SearchDocument | None] = field(default_factory=dict)  # page source -> its search document
    warnings: dict[str, list[tuple[str, int, str]]] = field(default_factory=dict)  # page source -> (logger, level, text)
    search_manifest: dict | None = None  # the search index the build wrote (search/<version>/) ...
    search_files: dict[str, list[int]] = field(default_factory=dict)  # ... and its files' sizes and times

    def _data(self) -> dict:
        return {
            "version": RECORD_VERSION,
            "engine": self.engine,
            "outputs": {dest: [o.key, o.size, o.mtime_ns] for dest, o in self.outputs.items()},
            "search": {src: dataclasses.asdict(doc) if doc else None for src, doc in self.search.items()},
            "warnings": self.warnings,
            "search_manifest": self.search_manifest,
            "search_files": self.search_files,
        }

    @classmethod
    def from_json(cls, text: str) -> BuildRecord:
        data = json.loads(text)
        if data.get("version") != RECORD_VERSION:
            return cls()
        return cls(
            engine=data["engine"],
            outputs={dest: Output(*values) for dest, values in data["outputs"].items()},
            search={src: _document(doc) if doc else None for src, doc in data["search"].items()},
            warnings={src: [tuple(w) for w in found] for src, found in data["warnings"].items()},
            search_manifest=data.get("search_manifest"),
            search_files=data.get("search_files", {}),
        )

    @classmethod
    def read(cls, path: Path) -> BuildRecord:
        """The record at `path`; an empty one (everything is built) when there is none or it cannot be read."""
        try:
            return cls.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with partial.open("w", encoding="utf-8") as stream:
            json.dump(self._data(), stream, ensure_ascii=False)  # in pieces: the record holds every page's text
        os.replace(partial, path)


def _document(fields: dict) -> SearchDocument:
    return SearchDocument(**{**fields, "tags": tuple(fields["tags"]), "villages": tuple(fields["villages"])})


@cache
def engine_digest() -> str:
    """Our own code and templates and every installed package's version: a change to any of them
    may change every output."""
    versions = sorted((d.metadata["Name"] or "", d.version) for d in metadata.distributions())
    return stable_digest(versions, files_digest([PACKAGE_DIR]))


def file_key(file: File, page_keys: Mapping[str, str | None]) -> str | None:
    """What an output is made from; None: made every build."""
    if file.is_documentation_page():
        return page_keys.get(file.src_uri)
    if file.abs_src_path is not None:
        try:
            found = os.stat(file.abs_src_path)
        except OSError:
            return None
        return f"copy:{found.st_size}:{found.st_mtime_ns}"
    return "content:" + hashlib.blake2b(file.content_bytes, digest_size=16).hexdigest()


def outputs_of(files: Files, inclusion: Callable[[InclusionLevel], bool]) -> list[File]:
    """The files the engine writes into the site."""
    return [file for file in files if inclusion(file.inclusion)]


def carry_over(
    files: Iterable[File], keys: Mapping[str, str | None], record: BuildRecord, previous: Path, site: Path,
    keep_folders: tuple[str, ...] = (),
) -> set[str]:
    """Keep the outputs of `files` that the last build (`record`, which wrote `previous`) made from the
    same keys, in `site`: in place when it is `previous` (everything else there is deleted, the build
    writes it anew, except what is under `keep_folders`), else as hard links. Returns the kept site
    paths; MkDocs is told the rest changed."""
    kept: set[str] = set()
    in_place = previous.resolve() == site.resolve()
    for file in files:
        dest = file.dest_uri
        key, old = keys.get(dest), record.outputs.get(dest)
        if key is None or old is None or old.key != key:
            continue
        source = previous / dest
        try:
            found = os.stat(source)
        except OSError:
            continue
        if found.st_size != old.size or found.st_mtime_ns != old.mtime_ns:
            continue  # changed since that build: not what it wrote
        if not in_place:
            target = site / dest
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                continue  # another file system: the build writes it
        kept.add(dest)
    if in_place:
        _remove_all_but(site, kept, keep_folders)
    return kept


def _remove_all_but(site: Path, kept: set[str], keep_folders: tuple[str, ...]) -> None:
    for folder, dirs, names in os.walk(site, topdown=False):
        relative = os.path.relpath(folder, site).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        if prefix.startswith(keep_folders) and keep_folders:
            continue
        for name in names:
            if prefix + name not in kept:
                os.unlink(os.path.join(folder, name))
        if prefix and not os.listdir(folder):
            os.rmdir(folder)


def mark(files: Iterable[File], kept: set[str]) -> None:
    """Tell MkDocs' dirty build which outputs to leave as they are."""
    for file in files:
        changed = file.dest_uri not in kept
        file.is_modified = (lambda: True) if changed else (lambda: False)  # type: ignore[method-assign]


def new_record(
    engine: str, files: Iterable[File], keys: Mapping[str, str | None], site: Path,
    search: dict[str, SearchDocument | None], warnings: dict[str, list[tuple[str, int, str]]],
    kept: set[str] = frozenset(), previous: BuildRecord | None = None, search_manifest: dict | None = None,
) -> BuildRecord:
    """The record of this build. Kept outputs are as `previous` recorded them (carry_over checked their files)."""
    outputs = {}
    for file in files:
        dest = file.dest_uri
        if (key := keys.get(dest)) is None:
            continue
        if dest in kept and previous is not None and dest in previous.outputs:
            outputs[dest] = previous.outputs[dest]
            continue
        try:
            found = os.stat(site / dest)
        except OSError:
            continue
        outputs[dest] = Output(key, found.st_size, found.st_mtime_ns)
    index = site / "search" / search_manifest["version"] if search_manifest else None
    return BuildRecord(engine, outputs, search, warnings, search_manifest, folder_state(index) if index else {})


def folder_state(folder: Path) -> dict[str, list[int]]:
    """Every file under `folder` with its size and modification time."""
    state = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            found = os.stat(os.path.join(root, name))
            state[os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")] = [found.st_size, found.st_mtime_ns]
    return state


def link_folder(source: Path, target: Path) -> bool:
    """Hard-link every file under `source` to the same place under `target`; False (and nothing
    left half-linked that matters: the caller writes the folder anew) when that cannot be done."""
    try:
        for folder, _dirs, names in os.walk(source):
            into = target / os.path.relpath(folder, source)
            into.mkdir(parents=True, exist_ok=True)
            for name in names:
                os.link(os.path.join(folder, name), into / name)
    except OSError:
        return False
    return True


_LINKING_PAGE = re.compile(r"Doc file '(.+?)' contains a link")


class PageWarnings(logging.Handler):
    """Collects the warnings logged while one page is read or rendered, by the page's source."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.current: str | None = None
        self.found: dict[str, list[tuple[str, int, str]]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        page = self.current
        # MkDocs checks links to headings after every page is read, outside any page: the message names the page.
        if page is None and (named := _LINKING_PAGE.match(message)):
            page = named[1]
        if page is not None:
            self.found.setdefault(page, []).append((record.name, record.levelno, message))


def replay(warnings: Iterable[tuple[str, int, str]]) -> None:
    for name, level, message in warnings:
        logging.getLogger(name).log(level, message)
