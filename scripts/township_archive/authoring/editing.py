"""Reading and rewriting an article's front matter without touching its body.

Commands read an article as the build reads it (`content.frontmatter`, the line-numbered
PyYAML reader) and work on plain dicts. Writing back keeps what staff wrote: the new front
matter is computed from the old and new values, and only what changed is rewritten.

- A top-level field whose value did not change keeps its exact text: comments, quoting,
  flow (`[a, b]`) or block lists, indentation, blank lines.
- A changed field is emitted by ruamel.yaml from the round-trip tree of the file, so the
  comments and list style inside it (the earlier reviews of `reviews`) survive too, and only
  the values that changed are new.
- A new field goes at the end; a field no longer present is removed.

New files (`new`, `import`) have nothing to keep and are written with `dump_front_matter`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from ..content.frontmatter import StrictLoader, key_text, read_front_matter, read_yaml, split_front_matter
from ..files import write_atomically


class AuthoringError(Exception):
    """A refusal explained to staff in Chinese; nothing has been written."""


def read_article(path: Path) -> tuple[dict, str]:
    """An article's front matter and body, read as the build reads them; refused when the build could not.

    The front matter is a plain dict (the values the build sees); `write_article` works out
    what changed against the file itself."""
    if not path.is_file():
        raise AuthoringError(f"找不到文章文件 {path}。")
    try:
        raw = path.read_bytes()
    except OSError:
        raise AuthoringError(f"无法读取文章文件 {path}：检查文件的读取权限，或是否被其他程序占用。") from None
    front, problems = read_front_matter(str(path), raw)
    # A field written twice would silently lose one of its values when the file is rewritten.
    refused = problems if front is None else [p for p in problems if p.code == "duplicate-field"]
    if refused:
        first = refused[0]
        raise AuthoringError(f"{first.location()}：{first.message}" + (f"\n提示：{first.hint}" if first.hint else ""))
    return dict(front.data), front.body


def dump_front_matter(meta: Mapping) -> str:
    """Front matter for a new file: one field a line, lists of words as [a, b]."""
    text = yaml.safe_dump(dict(meta), allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=None)
    return _plain_dates(text)


def article_text(path: Path, meta: Mapping, body: str, comment: str = "") -> str:
    """The text `write_article` writes: the file at `path` with its front matter changed to `meta`
    as described above, or a new file when there is none (or it cannot be read), with `comment`
    (one line, e.g. which file it was imported from) above its fields."""
    old = _current(path)
    if old is None:
        note = " ".join("".join(char for char in comment if char.isprintable() or char.isspace()).split())
        head = f"# {note}\n" if note else ""
        return "---\n" + head + dump_front_matter(meta) + "---\n" + ("\n" if not body.startswith("\n") else "") + body
    text, yaml_text, data = old
    head = text[: text.index("\n") + 1]  # the opening fence line as written
    tail = text[len(head) + len(yaml_text):]
    closing = tail[: len(tail) - len(split_front_matter(text).body)]
    return head + rewrite_front_matter(yaml_text, data, meta) + closing + body


def write_article(path: Path, meta: Mapping, body: str, *, comment: str = "") -> None:
    write_atomically(path, article_text(path, meta, body, comment))


# ---------------------------------------------------------------------------------------------
# The rewrite.

_DATE_LINE = re.compile(r"^(\s*(?:- )?(?:date|updated): )'(\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?)'$", re.MULTILINE)


def _plain_dates(text: str) -> str:
    # Dates as staff write them (2024-05-01 09:30), not as quoted strings: our reader keeps them as text either way.
    return _DATE_LINE.sub(r"\1\2", text)


def _current(path: Path) -> tuple[str, str, dict] | None:
    """The file's text, its front matter's YAML text and values, or None when there is nothing to keep."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    front, _problems = read_front_matter(str(path), raw)
    if front is None:
        return None
    text = raw.decode("utf-8-sig")
    yaml_text = split_front_matter(text).yaml
    return (text, yaml_text, dict(front.data)) if yaml_text is not None else None


def rewrite_front_matter(yaml_text: str, old: Mapping, new: Mapping) -> str:
    """`yaml_text` (whose values are `old`) with the values of `new`, keeping everything that did not change.

    The result is read back with the build's reader; should it not give `new` (YAML that ruamel reads
    differently, a layout the splice does not know), the front matter is written whole instead."""
    if _same(old, new):
        return yaml_text
    rewritten = _rewritten(yaml_text, old, new)
    return rewritten if rewritten is not None and _reads_as(rewritten, new) else dump_front_matter(new)


def _rewritten(yaml_text: str, old: Mapping, new: Mapping) -> str | None:
    round_trip = _round_trip(yaml_text)
    newline = "\r\n" if "\r\n" in yaml_text else "\n"
    try:
        doc = round_trip.load(yaml_text) if yaml_text.strip() else None
    except RuamelError:
        return None
    if doc is None:  # no field yet (empty, or only comments): the new fields go after what is there
        return yaml_text + _dumped(round_trip, _fresh(dict(new))).replace("\n", newline) if new else yaml_text
    names = {str(key): key for key in doc} if isinstance(doc, CommentedMap) else {}
    if not isinstance(doc, CommentedMap) or set(names) != set(old):
        return None
    for name, key in names.items():
        if name not in new:
            del doc[key]
    changed = set()
    for name, value in new.items():
        if name not in names:
            doc[name] = _fresh(value)
        elif not _same(old[name], value):
            changed.add(name)
            doc[names[name]] = _merged(doc[names[name]], old[name], value)
    return _splice(yaml_text, _dumped(round_trip, doc).replace("\n", newline), changed)


def _dumped(round_trip: YAML, data: Any) -> str:
    stream = io.StringIO()
    round_trip.dump(data, stream)
    return _plain_dates(stream.getvalue())


def _reads_as(yaml_text: str, expected: Mapping) -> bool:
    loaded = read_yaml(yaml_text, "", what="", code="", hint="")
    data = loaded.data if loaded.ok and loaded.data is not None else {}
    return isinstance(data, dict) and _same({key_text(key): value for key, value in data.items()}, expected)


def _round_trip(yaml_text: str) -> YAML:
    round_trip = YAML(typ="rt")
    round_trip.preserve_quotes = True
    round_trip.width = 1_000_000  # never fold a long title or summary onto a second line
    try:
        _data, indent, block_seq_indent = load_yaml_guess_indent(yaml_text)
    except RuamelError:
        indent, block_seq_indent = None, None
    offset = block_seq_indent or 0  # "- item" under its key, or indented by the file's own amount
    mapping = indent if block_seq_indent is None and indent else 2
    round_trip.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return round_trip


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types (1 and True, 1 and 1.0 differ); mapping order does not matter."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _merged(current: Any, old: Any, new: Any) -> Any:
    """`current` (a round-trip value read as `old`) changed to `new`: what stayed the same keeps its node."""
    if _same(old, new):
        return current
    if isinstance(current, CommentedMap) and isinstance(old, Mapping) and isinstance(new, Mapping):
        names = {str(key): key for key in current}
        olds = {str(key): value for key, value in old.items()}
        if set(names) == set(olds):
            for name, key in names.items():
                if name not in {str(k) for k in new}:
                    del current[key]
            for key, value in new.items():
                if str(key) in names:
                    current[names[str(key)]] = _merged(current[names[str(key)]], olds[str(key)], value)
                else:
                    current[key] = _fresh(value)
            return current
    if isinstance(current, CommentedSeq) and isinstance(old, list) and isinstance(new, list) and len(current) == len(old):
        for index, value in enumerate(new):
            if index < len(current):
                current[index] = _merged(current[index], old[index], value)
            else:
                current.append(_fresh(value))
        del current[len(new):]
        return current
    return _fresh(new)


def _fresh(value: Any) -> Any:
    """A new value as ruamel should write it: lists of words as [a, b], mappings as blocks."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _fresh(item)
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_fresh(item) for item in value)
        if not any(isinstance(item, (Mapping, list)) for item in value):
            sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str) and _OUR_READER.resolve(yaml.ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        # Text our reader would take for something else unquoted (yes, 1_000, 1:20 in YAML 1.1; ruamel writes 1.2).
        return SingleQuotedScalarString(value)
    return value


class _Resolver(yaml.resolver.BaseResolver):
    yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers


_OUR_READER = _Resolver()


def _entries(text: str) -> tuple[int, list[tuple[str, int, int, int]]] | None:
    """Where the top-level fields of `text` are: the end of the lines before the first field, and for
    each field its name, where its lines start, where its content's last line ends, and where the
    next field starts (the comments and blank lines between the two belong to neither).
    None when the layout is not one block field after another."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
        return None
    starts = [text.rfind("\n", 0, key.start_mark.index) + 1 for key, _value in node.value]
    if starts != sorted(set(starts)):
        return None
    entries = []
    for number, (key, value) in enumerate(node.value):
        following = starts[number + 1] if number + 1 < len(starts) else len(text)
        end = max(_content_end(key), _content_end(value))
        end = end if end > 0 and text[end - 1] == "\n" else (text.find("\n", end) + 1 or len(text))
        end = min(end, following)
        # Only comments and blank lines may stand between two fields; anything else belongs to the first.
        if any(line.strip() and not line.lstrip().startswith("#") for line in text[end:following].split("\n")):
            end = following
        entries.append((str(key.value), starts[number], end, following))
    return starts[0], entries


def _content_end(node: yaml.Node) -> int:
    """Index just past the last character that belongs to `node` (block collections end at the next token)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.index
    children = node.value if isinstance(node, yaml.SequenceNode) else [part for pair in node.value for part in pair]
    return max((_content_end(child) for child in children), default=node.start_mark.index + 1)


def _splice(original: str, emitted: str, changed: set[str]) -> str:
    """`original` with the entries of the `changed` and new fields taken from `emitted` (the same front
    matter written out whole by ruamel); everything else, comments between fields included, as it was."""
    before, after = _entries(original), _entries(emitted)
    if before is None or after is None:
        return emitted
    head, old_entries = before
    new_entries = {name: (start, end, following) for name, start, end, following in after[1]}
    parts = [original[:head]]
    for name, start, end, following in old_entries:
        between = original[end:following]
        if name in new_entries:
            if name in changed:
                new_start, new_end, new_following = new_entries[name]
                parts.append(emitted[new_start:new_end])
                # ruamel keeps the comments after a field with the field (under `reviews:` left empty
                # they come out between the key and its new items): written once, where ruamel put them.
                if _comments(between) <= _comments(emitted[new_start:new_following]):
                    between = emitted[new_end:new_following]
            else:
                parts.append(original[start:end])
        parts.append(between)
    known = {name for name, *_rest in old_entries}
    for name, start, _end, following in after[1]:
        if name not in known:
            parts.append(emitted[start:following])
    text = "".join(parts)
    return text if text.endswith("\n") else text + ("\r\n" if "\r\n" in original else "\n")


def _comments(text: str) -> set[str]:
    """The comment lines of `text`, as written less indentation."""
    return {line.strip() for line in text.splitlines() if line.strip().startswith("#")}
