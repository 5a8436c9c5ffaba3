"""三审 as a gate: which version of an article each review vouches for, and whether a published
article may go out as it is now.

Each review record carries the fingerprint of the article it was given: a hash of the article's
text and front matter, less what the workflow itself writes (the review records, the status and
the publication time, which `publish` keeps or sets). A published article passes when its last
round of records is 初审, 复审 and 终审 by three different people and the 终审 saw this very
version, or when it is marked 历史稿件 (published before the site had the workflow) and has not
changed since. Names are compared by `hanzi.person_key`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..hanzi import person_key
from .frontmatter import decode, read_yaml
from .lists import normalised
from .markdown_scan import images, resolve
from .model import HISTORICAL, REVIEW_LEVELS, Review

# The codes of `ReviewState.findings`: the gate itself, as opposed to what else blocks publishing.
GATE_CODES = frozenset({"reviews-missing", "reviews-order", "changed-after-review", "review-incomplete", "same-reviewer", "review-unverified"})
# Front-matter fields a review does not vouch for: written by the review and publish commands.
WORKFLOW_FIELDS = frozenset({"reviews", "status", "date"})
FINGERPRINT_LENGTH = 16  # hex digits: enough to tell versions apart, short enough to read out
# What a reviewer's name may be (`hanzi.name_problem`), said when one is refused.
NAME_HINT = "姓名只能写汉字，或同一种文字的字母（如拉丁字母），中间可以有空格、间隔号（·）、连字符和撇号；请重新输入审核人的姓名。"


def fingerprint(data: Mapping[str, Any], body: str, files: Mapping[str, str] | None = None) -> str:
    """The version of an article: its front matter less WORKFLOW_FIELDS, its body, and the version of
    each local file it shows (`files`, from `shown_file_versions`: pictures and cover with their credits).

    The front matter counts as the build reads its values (`lists.normalised`), not as it is written:
    key order, comments, quoting, flow or block lists, the separators a list was typed with, spaces
    around a value and empty fields do not count; in the body, line endings, spaces at the end of a
    line and blank lines around it do not either. A rewrite that keeps the values keeps the fingerprint.
    An article that shows no file of its own has the fingerprint of its text alone, as before pictures counted."""
    content = normalised({key: value for key, value in data.items() if key not in WORKFLOW_FIELDS})
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    lines = body.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    text += "\n" + "\n".join(line.rstrip() for line in lines)
    if files:
        text += "\n" + json.dumps(dict(sorted(files.items())), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:FINGERPRINT_LENGTH]


# --- the files an article shows --------------------------------------------------------------------------------------

SIDECAR_SUFFIX = ".yml"  # a picture's credits: photo.jpg.yml beside photo.jpg (read by the media library)


def shown_files(data: Mapping[str, Any], body: str, source_path: str, body_line: int = 1) -> list[str]:
    """The docs/-relative paths of the local files the article shows: its pictures (Markdown or HTML, as
    the media check reads them) and its cover, in order, once each. Addresses of other sites and paths
    out of docs/ are not files of the article (the readiness check refuses them). `body_line` changes no
    path: given as the other checks give it, the body is scanned once for all of them."""
    written = [image.src for image in images(body, body_line) if not image.is_external]
    cover = data.get("cover")
    if isinstance(cover, str) and cover.strip():
        written.append(cover.strip())
    found = (resolve(src, source_path) for src in written)
    return list(dict.fromkeys(path for path in found if path))


_DIGESTS: dict[tuple, str] = {}  # picture digests by file identity, for the process's later readings


class FileVersions:
    """The version of a file under docs/: the SHA-256 of its bytes and, for a picture, its sidecar's values
    (author, holder: a new photographer is a change); None when it is not a regular file inside docs/.

    Read through the safe path rule (no `..`, no symbolic link anywhere on the way, regular files only), each
    file once for the life of the object: one per build, so the loader hashes a picture once however many
    articles show it. The bytes are hashed every build, never trusted from a size and time memo."""

    def __init__(self, docs_dir: Path):
        self.docs_dir = docs_dir
        self.known: dict[str, str | None] = {}
        self.folders: dict[str, int | None] = {}  # the kind of each folder on the way, looked at once too

    def __call__(self, relative: str) -> str | None:
        if relative not in self.known:
            self.known[relative] = self._version(relative)
        return self.known[relative]

    def _mode(self, relative: str) -> int | None:
        """The kind of docs/`relative` (a link is not followed), or None; `relative` has no empty, . or .. part."""
        try:
            return os.lstat(f"{self.docs_dir}/{relative}").st_mode
        except OSError:
            return None

    def _regular(self, relative: str) -> Path | None:
        parts = relative.split("/")
        if any(part in ("", ".", "..") for part in parts):
            return None
        for end in range(1, len(parts)):
            folder = "/".join(parts[:end])
            if folder not in self.folders:
                self.folders[folder] = self._mode(folder)
            mode = self.folders[folder]
            if mode is None or stat.S_ISLNK(mode):
                return None
        mode = self._mode(relative)
        return self.docs_dir / relative if mode is not None and stat.S_ISREG(mode) else None

    def _digest(self, path: Path) -> str | None:
        try:
            found = os.stat(path)
            # A file keeps its inode, size and times until it is written or replaced (the change time moves
            # with any write): the preview, which reads docs/ after every save, hashes only pictures that changed.
            key = (str(path), found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)
            if (digest := _DIGESTS.get(key)) is None:
                with path.open("rb") as stream:
                    digest = hashlib.file_digest(stream, "sha256").hexdigest()
                if len(_DIGESTS) > 200_000:
                    _DIGESTS.clear()
                _DIGESTS[key] = digest
            return digest
        except OSError:
            return None

    def _version(self, relative: str) -> str | None:
        path = self._regular(relative)
        digest = self._digest(path) if path is not None else None
        if digest is None:
            return None
        sidecar = self._regular(relative + SIDECAR_SUFFIX)
        if sidecar is None:
            return digest
        return f"{digest} {self._sidecar_values(sidecar)}"

    def _sidecar_values(self, path: Path) -> str:
        """The sidecar as its values read (comments and layout do not count); its bytes when it cannot be read."""
        try:
            text, _problems = decode(str(path), path.read_bytes())
        except OSError:
            return "unreadable"
        loaded = read_yaml(text, str(path), what="", code="", hint="") if text is not None else None
        if loaded is None or not loaded.ok:
            return self._digest(path) or "unreadable"
        return json.dumps(loaded.data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def shown_file_versions(data: Mapping[str, Any], body: str, source_path: str,
                        version: Callable[[str], str | None], body_line: int = 1) -> dict[str, str]:
    """The version of each file the article shows that is there (a missing picture is the readiness check's)."""
    shown = shown_files(data, body, source_path, body_line)
    return {path: found for path in shown if (found := version(path)) is not None}


def records_from(value: Any) -> tuple[Review, ...] | None:
    """The review records of front-matter data as the commands read them; None when they are not
    well formed (the schema says why, line by line)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        return None
    records = []
    for entry in value:
        if not isinstance(entry, dict) or entry.get("level") not in (*REVIEW_LEVELS, HISTORICAL):
            return None
        by, day, version = (str(entry.get(key) or "").strip() for key in ("by", "date", "fingerprint"))
        if not by:
            return None
        records.append(Review(str(entry["level"]), by, day, version))
    return tuple(records)


def as_data(review: Review) -> dict[str, str]:
    """A record as the review command writes it into the front matter."""
    return {"level": review.level, "by": review.by, "date": review.date, "fingerprint": review.fingerprint}


@dataclass(frozen=True)
class Finding:
    """Why a published article may not go out; the schema turns it into a Problem at the reviews line."""

    code: str
    message: str
    hint: str


def describe(review: Review, current: str) -> str:
    """`终审：王五（2025-03-20，版本 1a2b3c4d5e6f7a8b，即当前版本）` — who reviewed which version."""
    if not review.fingerprint:
        version = "没有记录版本"
    elif review.fingerprint == current:
        version = f"版本 {review.fingerprint}，即当前版本"
    else:
        version = f"版本 {review.fingerprint}，之后内容有改动"
    return f"{review.level}：{review.by}（{review.date}，{version}）"


@dataclass(frozen=True)
class ReviewState:
    """The review records of one article, read against its current fingerprint."""

    records: tuple[Review, ...]
    current: str

    @property
    def round(self) -> tuple[Review, ...]:
        """The records since the last that starts a round (初审 or 历史稿件); earlier rounds are history."""
        starts = [n for n, r in enumerate(self.records) if r.level in (REVIEW_LEVELS[0], HISTORICAL)]
        return self.records[starts[-1]:] if starts else self.records

    @property
    def historical(self) -> Review | None:
        """The 历史稿件 record when it is what the article stands on now."""
        current = self.round
        return current[0] if len(current) == 1 and current[0].is_historical else None

    @property
    def in_order(self) -> bool:
        levels = tuple(r.level for r in self.round)
        return self.historical is not None or levels == REVIEW_LEVELS[: len(levels)]

    @property
    def complete(self) -> bool:
        return self.in_order and tuple(r.level for r in self.round) == REVIEW_LEVELS

    @property
    def vouching(self) -> Review | None:
        """The record that lets the article out: the 终审 of a complete round, or the 历史稿件 mark."""
        if self.historical is not None:
            return self.historical
        return self.round[-1] if self.complete else None

    @property
    def changed(self) -> bool:
        """The content changed after the record that vouches for it (or it never had a fingerprint)."""
        vouching = self.vouching
        return vouching is not None and vouching.fingerprint != self.current

    def same_person(self) -> tuple[Review, Review] | None:
        """Two records of the current round by one person (张三 and 張三, zhang and ZHANG)."""
        seen: dict[str, Review] = {}
        for review in self.round:
            key = person_key(review.by)
            if key in seen:
                return seen[key], review
            seen[key] = review
        return None

    def next_level(self) -> str | None:
        """What the review command takes next; None when the article may be published as it is."""
        if not self.records or (self.vouching is not None and self.changed):
            return REVIEW_LEVELS[0]
        if self.vouching is not None or not self.in_order:
            return None
        return REVIEW_LEVELS[len(self.round)]

    def missing(self) -> tuple[str, ...]:
        done = {r.level for r in self.round} if self.in_order and self.historical is None else set()
        return tuple(level for level in REVIEW_LEVELS if level not in done)

    def findings(self) -> list[Finding]:
        """Why a published article may not go out as it is now (empty: it may)."""
        again = "用 township-archive review 重新完成初审、复审、终审（三个不同的人），或把内容改回审核时的样子。"
        if not self.records:
            return [Finding(
                "reviews-missing", "已发布的文章没有三审记录。",
                "用 township-archive review 依次记录初审、复审、终审（三个不同的人）；"
                f"本站启用三审之前就已发布的旧稿，用 township-archive review 文章 --level {HISTORICAL} --by 导入人 标明。",
            )]
        if not self.in_order:
            done = "、".join(r.level for r in self.round)
            return [Finding("reviews-order", f"审核记录的顺序不对（{done}）：三审要按初审、复审、终审的顺序进行。",
                            "审核记录由 review 命令写入，不要手改；" + again)]
        historical = self.historical
        if historical is not None:
            if historical.fingerprint == self.current:
                return []
            return [Finding("changed-after-review", f"{HISTORICAL}标记后内容有改动，请重新送审。",
                            f"{describe(historical, self.current)}；当前版本 {self.current}。" + again)]
        findings = []
        if missing := self.missing():
            findings.append(Finding("review-incomplete", f"三审还没有完成：缺少{'、'.join(missing)}。",
                                    "用 township-archive review 文章 --level 级别 --by 姓名 记录审核。"))
        if pair := self.same_person():
            first, second = pair
            findings.append(Finding(
                "same-reviewer",
                f"初审、复审、终审必须由三个不同的人完成：{first.level}（{first.by}）和{second.level}（{second.by}）是同一个人。",
                "姓名比较时不分繁简、大小写、空格和看不见的字符。请另请一位审核人重新审核。",
            ))
        final = self.round[-1]
        if not missing and not final.fingerprint:
            findings.append(Finding("review-unverified", "终审记录没有版本指纹，无法确认终审看的是哪个版本。",
                                    "审核记录要用 review 命令写入，不要手写。" + again))
        elif not missing and final.fingerprint != self.current:
            reviewed = "；".join(describe(r, self.current) for r in self.round)
            findings.append(Finding("changed-after-review", "终审后内容有改动，请重新送审。",
                                    f"{reviewed}；当前版本 {self.current}。" + again))
        return findings

    def progress(self, published: bool = False) -> str:
        """One line for `check`, `review` and the report: each record with its version, then what comes
        next. A `published` article changed and reviewed again needs no publish: the next build takes it."""
        if not self.records:
            return f"尚未审核；下一步：{REVIEW_LEVELS[0]}"
        parts = [describe(r, self.current) for r in self.round]
        following = self.next_level()
        if following:
            parts.append(f"下一步：{following}")
        elif self.vouching is not None and not self.historical:
            parts.append(APPROVED_CHANGE if published else "可以发布")
        return "；".join(parts)


# What `review` says after the 终审 of a published article's change, and `publish` when asked to publish it again.
APPROVED_CHANGE = "改动已通过三审；文章已经发布，不需要再 publish，运行 make site 更新网站即可"
