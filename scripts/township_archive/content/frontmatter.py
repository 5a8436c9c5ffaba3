"""Reading a Markdown file's YAML front matter while keeping line numbers.

This is the one reader of Markdown files: the loader, the lint, the authoring
commands and the CLI all go through `read_front_matter` (or its steps `decode`,
`split_front_matter` and `parse`), so that every part agrees on where front
matter ends and which files cannot be read.

Staff need to be told *where* a problem is, so every key remembers the line it
was written on. The file is decoded strictly as UTF-8: a file saved as GBK by a
Windows editor is reported with the line of its first bad byte instead of
being silently garbled.

This module also holds the rules every staff-written YAML file shares (front
matter, villages.yml, image sidecars): `read_yaml` never raises and never
expands anchors, and `text_problem` / `clean_text` decide which characters may
reach the published pages, feeds and image metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..problems import Problem

# Same shape MkDocs accepts: '---' on the first line, closed by '---' or '...'.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)

# ---------------------------------------------------------------------------------------------
# Characters in text values.
#
# Refused (an error at the value's line), because they make feeds ill-formed XML, cannot be
# written as UTF-8, or change what a reader sees without being visible:
#   - C0 controls except tab and newline, DEL, C1 controls (U+0080-U+009F);
#   - lone surrogates (U+D800-U+DFFF, e.g. from a YAML "\ud800" escape) and noncharacters
#     (U+FDD0-U+FDEF and U+xxFFFE/U+xxFFFF, which includes U+FFFE/U+FFFF);
#   - the line and paragraph separators U+2028/U+2029 (line breaks to YAML, not to editors);
#   - bidirectional controls: the marks U+061C, U+200E, U+200F, the embeddings/overrides
#     U+202A-U+202E and the isolates U+2066-U+2069. Chinese text never needs them, and an
#     override can make a title or name display differently from what it says ("Trojan source").
#     They are refused rather than stripped: silently dropping them could change meaning.
# Stripped (silently, by `clean_text`): the zero-width space U+200B, the word joiner U+2060 and
# a stray byte-order mark U+FEFF. They come in with text copied from web pages and WeChat, are
# never meant, and would otherwise make "示例村" and "示例\u200b村" two different villages.
# The zero-width (non-)joiners U+200C/U+200D are kept: emoji sequences and some scripts need them.
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"  # and, beyond U+FFFF, those of _ASTRAL_NONCHARACTERS
_ASTRAL_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class _Characters:
    """A character class whose members beyond U+FFFF are looked for only in texts that have such characters.

    Python's `re` tests a class of characters up to U+FFFF with one table look-up, but one with a single
    character beyond goes through its members one by one: ten times slower on every article body. The
    matches are those of the whole class: in a text without such characters its other members cannot match."""

    def __init__(self, members: str, astral: str):
        self.common = re.compile(f"[{members}]")
        self.whole = re.compile(f"[{members}{astral}]")

    def _pattern(self, text: str) -> re.Pattern[str]:
        return self.whole if _ASTRAL.search(text) else self.common

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern(text).search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._pattern(text).finditer(text)

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self._pattern(text).sub(replacement, text)


_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_UNSAFE_TEXT = _Characters(f"{_CONTROL}\ud800-\udfff{_NONCHARACTERS}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069",
                           _ASTRAL_NONCHARACTERS)
# In an article's body, carriage returns are part of line endings; bidi marks are left to Markdown.
_UNSAFE_BODY = _Characters(f"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}", _ASTRAL_NONCHARACTERS)
INVISIBLE_CHARACTERS = "\u200b\u2060\ufeff"  # stripped by `clean_text`
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_SHOWN_ESCAPE = _Characters(
    f"{_CONTROL}\ud800-\udfff{_NONCHARACTERS}\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff", _ASTRAL_NONCHARACTERS,
)


def _describe(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"无效字符 U+{code:04X}（不成对的代理码位，通常来自 \\u 转义写错）"
    if char in "\u061c\u200e\u200f" or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"看不见的文字方向控制字符 U+{code:04X}"
    if code in (0x2028, 0x2029):
        return f"看不见的换行字符 U+{code:04X}"
    if code <= 0x9F:
        return f"看不见的控制字符 U+{code:04X}"
    return f"非字符码位 U+{code:04X}"


def text_problem(value: str) -> str | None:
    """What is wrong with the characters of `value` (a Chinese phrase), or None when it may be published."""
    match = _UNSAFE_TEXT.search(value)
    return f"含有{_describe(match.group())}" if match else None


def without_unsafe(value: str) -> str:
    """`value` with every refused character removed (for text derived from an article's body)."""
    return _UNSAFE_TEXT.sub("", value)


def clean_text(value: str) -> str:
    """`value` without the stripped zero-width characters (see above) and surrounding whitespace."""
    if "\u200b" in value or "\u2060" in value or "\ufeff" in value:  # rare: the substitution only when needed
        value = _INVISIBLE.sub("", value)
    return value.strip()


def shown(value: object, limit: int = 60) -> str:
    """`value` as it may be quoted in a message: invisible and unsafe characters as \\uXXXX, shortened."""
    try:
        text = value if isinstance(value, str) else str(value)
    except (ValueError, RecursionError):  # an integer too long to print, a structure too deep
        return "（无法显示的值）"
    if len(text) > limit:
        text = text[:limit] + "……"
    return _SHOWN_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


# ---------------------------------------------------------------------------------------------
# YAML written by staff.

MAX_DEPTH = 20  # staff write at most three levels (rights.holder, reviews[0].by); 20 is generous
MAX_NUMBER_CHARS = 1000  # longer integers cannot be printed by Python (and are never meant)


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark | None, code: str, message: str, hint: str):
        super().__init__(message)
        self.mark, self.code, self.message, self.hint = mark, code, message, hint


class StrictLoader(yaml.SafeLoader):
    """SafeLoader for YAML written by staff.

    - Dates stay text: PyYAML raises a bare ValueError on 2024-13-45, and our own date parser
      reports it with a line and a hint.
    - Anchors and aliases (`&a`, `*a`) are refused: staff never need them, and they are how a
      few lines expand into gigabytes ("billion laughs").
    - Explicit tags (`!!timestamp`, `!!binary`, `!!python/...`) are refused: they only produce
      values no field accepts, and some make PyYAML itself fail with a bare exception.
    - Nesting is bounded, so a line of ten thousand `[` cannot exhaust Python's recursion limit.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(
                event.start_mark, "yaml-anchor", "不能使用 YAML 的锚点和引用（& 和 *）。",
                "把要重复的内容直接写出来；以 & 或 * 开头的文字请用引号括起来。",
            )
        if getattr(event, "tag", None) not in (None, "!"):
            raise _Refused(
                event.start_mark, "yaml-tag", "不能使用 !! 开头的类型标记。",
                "删掉 !! 及其后的类型名，直接写值；以 ! 开头的文字请用引号括起来。",
            )
        if self._depth >= MAX_DEPTH:
            raise _Refused(event.start_mark, "yaml-too-deep", f"嵌套层次太多（超过 {MAX_DEPTH} 层）。", "检查是否多写了括号或缩进。")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# Without the timestamp resolver (see above) and the `=` "value" resolver, for which SafeLoader has no constructor.
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's composer (C) with the strict reader's resolvers: the same nodes, with the same marks."""


_FastLoader.yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers
# What only the strict (pure-Python) reader may see: anchors, aliases and tags it refuses, escapes and tabs
# it explains, characters its reader refuses. Such texts take the strict path from the start.
_STRICT_ONLY = re.compile(r"[&*!\\\t]")
# Whether plain texts are composed by libyaml (the strict reader answers for every other text and every error).
FAST_YAML = getattr(yaml, "__with_libyaml__", False)


def _fast_node(text: str) -> yaml.Node | None | bool:
    """The node of `text` composed by libyaml, or False when the strict reader is to read it: the text holds
    something only that reader checks or explains, nests deeper than it allows, or libyaml stopped on it.
    Front matter is read on every build: the strict reader is pure Python and several times slower."""
    if (not FAST_YAML or _STRICT_ONLY.search(text) or yaml.reader.Reader.NON_PRINTABLE.search(text)
            or text.count("[") + text.count("{") >= MAX_DEPTH):
        return False
    loader = _FastLoader(text)
    try:
        return loader.get_single_node()
    except Exception:  # noqa: BLE001 - any doubt: the strict reader reads it again and explains the problem
        return False
    finally:
        loader.dispose()


@dataclass
class YamlText:
    """The outcome of `read_yaml`: `node` and `data` are None when the text could not be read."""

    node: yaml.Node | None
    data: Any
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def line_at(text: str, index: int, first_line: int) -> int:
    """File line of character `index` of `text`, which starts on `first_line`.

    Counted from the index rather than taken from PyYAML's line, which also breaks lines at
    U+0085/U+2028/U+2029 that editors do not."""
    return text.count("\n", 0, max(0, min(index, len(text)))) + first_line


def read_yaml(text: str, path: str, *, first_line: int = 1, what: str, code: str, hint: str, clean: bool = False) -> YamlText:
    """Compose and construct staff-written YAML; every failure becomes a Problem naming its line.

    `what` names the text in messages (头信息, 村庄资料文件, ...), `code` and `hint` are used for
    syntax errors. Every scalar (keys too) is checked with `text_problem`; `clean`: such characters
    (written as escapes) are taken out of the values instead."""

    def problem(index: int, problem_code: str, message: str, problem_hint: str) -> YamlText:
        return YamlText(None, None, [Problem(path, line_at(text, index, first_line), problem_code, message, problem_hint)])

    loader = None
    try:
        node = _fast_node(text)
        if node is False:
            loader = StrictLoader(text)  # the reader refuses raw control characters right here
            node = loader.get_single_node()
    except _Refused as refused:
        return problem(refused.mark.index if refused.mark else 0, refused.code, f"{what}{refused.message}", refused.hint)
    except yaml.reader.ReaderError as error:  # a raw control character in the file
        index = error.position if isinstance(error.position, int) else 0
        char = chr(error.character) if isinstance(error.character, int) else "\x00"
        return problem(index, "control-character", f"{what}含有{_describe(char)}，无法读取。", "删除这个字符（通常是从网页或 Word 复制时带进来的）。")
    except yaml.MarkedYAMLError as error:
        index, message, specific = explain_yaml_error(text, error)
        return problem(index, code, f"{what}{message}", specific or hint)
    except RecursionError:
        return problem(0, "yaml-too-deep", f"{what}嵌套层次太多。", "检查是否多写了括号或缩进。")
    except yaml.YAMLError:
        return problem(0, code, f"{what}的格式有误，无法读取。", hint)
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return YamlText(None, None, [])

    problems: list[Problem] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.ScalarNode):
            if clean:
                current.value = without_unsafe(current.value)
            elif reason := text_problem(current.value):
                problems.append(Problem(path, line_at(text, current.start_mark.index, first_line), "control-character",
                                        f"{what}这一行的内容{reason}。",
                                        "删除这个字符（通常是从网页或 Word 复制时带进来的）；不要用 \\u 或 \\x 转义写控制字符。"))
            elif current.tag == "tag:yaml.org,2002:int" and len(current.value) > MAX_NUMBER_CHARS:
                problems.append(Problem(path, line_at(text, current.start_mark.index, first_line), "number-too-long",
                                        f"{what}这一行的数字太长。", "如果这是一段文字，请用引号括起来。"))
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if key.tag == "tag:yaml.org,2002:merge":
                    problems.append(Problem(path, line_at(text, key.start_mark.index, first_line), "yaml-merge",
                                            f"{what}不能使用 << 合并写法。", "把要合并的字段逐个写出来。"))
                pending += [key, value]
    if problems:
        return YamlText(None, None, sorted(problems))

    constructor = yaml.constructor.SafeConstructor()  # StrictLoader's own constructors: those of SafeLoader
    try:
        return YamlText(node, _construct(node, constructor), [])
    except Exception:  # noqa: BLE001 - anything unusual is built again by PyYAML's constructor, its errors reported below
        constructor = yaml.constructor.SafeConstructor()
    try:
        data = constructor.construct_document(node)
    except yaml.MarkedYAMLError as error:  # e.g. a list used as a key
        index, message, specific = explain_yaml_error(text, error)
        return problem(index, code, f"{what}{message}", specific or hint)
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError, RecursionError):
        return problem(node.start_mark.index, code, f"{what}的格式有误，无法读取。", hint)
    return YamlText(node, data, [])


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Unusual(Exception):
    """A node `_construct` leaves to PyYAML's constructor."""


def _construct(node: yaml.Node, scalars: yaml.constructor.SafeConstructor) -> Any:
    """What `SafeConstructor.construct_document(node)` builds, for texts, lists and mappings with keys that are
    scalars, in a direct recursion (front matter is read on every build, and PyYAML's constructor keeps books
    on every node for aliases, which `read_yaml` refuses). Other scalars are built by `scalars`; any other node
    raises, and the caller has PyYAML build the whole document."""
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        return node.value if tag == _STR else scalars.construct_object(node)
    if isinstance(node, yaml.SequenceNode) and tag == _SEQ:
        return [_construct(item, scalars) for item in node.value]
    if isinstance(node, yaml.MappingNode) and tag == _MAP:
        mapping = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
                raise _Unusual(key.tag)
            mapping[_construct(key, scalars)] = _construct(value, scalars)
        return mapping
    raise _Unusual(tag)


# ---------------------------------------------------------------------------------------------
# PyYAML's errors, explained to staff.
#
# PyYAML says what its parser expected ("mapping values are not allowed here"), in English, and
# often at the line *after* the mistake: a line without a colon is read as the start of a key
# that only fails on the next line. Staff get a Chinese explanation at the line they have to
# change. First the mistakes of Chinese typing that PyYAML cannot name (a full-width colon or
# space, no space after the colon), looked for on the lines up to where PyYAML stopped; then each
# of PyYAML's messages, with the mark that points at the cause (the opening quote of an unclosed
# string, the '[' of an unclosed list). No English text from PyYAML reaches staff.

_FIELD = r"[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)"
_FULL_WIDTH_COLON = re.compile(_FIELD + r"[ \t\u3000]*:?[ \t\u3000]*：[ \t\u3000]*(.*)")
_NO_SPACE = re.compile(_FIELD + r":(?=[^\s/:])(.*)")
_FULL_WIDTH_SPACE = re.compile(r"[ \t]*\u3000")
_COLON_IN_VALUE = re.compile(r"([ \t]*(?:-[ \t]+)?)([^\s:#'\"][^:#]*?):[ \t]+(.*?:(?:[ \t].*|))$")


def _suspect(text: str, end: int) -> tuple[int, str, str] | None:
    """The nearest line up to the one holding index `end` with a Chinese-typing mistake: (its index, message, hint)."""
    stop = text.find("\n", min(max(end, 0), len(text)))
    position = len(text) if stop < 0 else stop
    while True:
        start = text.rfind("\n", 0, position) + 1
        line = text[start:position]
        if match := _FULL_WIDTH_COLON.match(line):
            key, value = match.groups()
            return start, f"中字段名 {key} 后面用了全角冒号“：”。", f"改成半角冒号，后面加一个空格：{key}: {shown(value.strip())}"
        if match := _NO_SPACE.match(line):
            key, value = match.groups()
            return start, f"中字段名 {key} 后面的冒号和值之间少了一个空格。", f"在冒号后加一个空格：{key}: {shown(value.strip())}"
        if _FULL_WIDTH_SPACE.match(line):
            return start, "这一行开头有全角空格“　”（中文输入法下的空格）。", "缩进只能用半角空格：删掉行首的全角空格，或换成半角空格。"
        if start == 0:
            return None
        position = start - 1


def _line(text: str, index: int) -> str:
    begin = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[begin: len(text) if end < 0 else end]


def explain_yaml_error(text: str, error: yaml.MarkedYAMLError) -> tuple[int, str, str]:
    """Where a YAML syntax error in `text` is to be fixed and what to do: (index in `text`, message
    to follow the text's name, e.g. "头信息", and a hint, "" for the caller's general one)."""
    problem, context = error.problem or "", error.context or ""
    at = error.problem_mark.index if error.problem_mark else error.context_mark.index if error.context_mark else 0
    opened = error.context_mark.index if error.context_mark else at
    if suspect := _suspect(text, max(at, opened)):
        return suspect

    def found() -> str:
        match = re.search(r"found (?:character )?'(.*?)'", problem)
        return match.group(1) if match else ""

    if "\\t" in problem or "tab" in problem:
        return at, "这一行有 Tab 键（制表符）：只能用空格缩进和分隔。", "把 Tab 换成空格：缩进用两个空格，冒号后用一个空格。"
    if "quoted scalar" in context:
        if "escape" in problem:
            return at, "双引号里的反斜杠“\\”后面跟了无法识别的字符。", "在双引号里反斜杠要写成两个（\\\\）；或者改用单引号括起来。"
        return opened, "这一行的引号没有配对：值以引号开头，却没有结束的引号。", (
            "在值的末尾补上同样的引号（\"……\" 或 '……'），或者去掉开头的引号；文字中要用引号时，请用中文引号“”。")
    if "block scalar" in context:
        return opened, "这一行的“|”或“>”后面不能再写文字。", "把文字写到下一行，比字段名多缩进两个空格；或者去掉“|”“>”。"
    symbols = {"anchor": "&", "alias": "*", "directive": "%", "tag": "!"}
    if symbol := next((mark for word, mark in symbols.items() if word in context), ""):
        return opened, f"这一行的“{symbol}”在 YAML 中有特殊含义，不能直接写在值的开头。", f"把整个值用引号括起来，例如 title: \"{symbol}……\"。"
    if "simple key" in context:
        return opened, "这一行不是“字段名: 值”的形式（找不到冒号）。", (
            "每行写“字段名: 值”（半角冒号，后面一个空格）；上一个字段的值要换行写时，续行要比字段名多缩进；列表项以“- ”开头。")
    if problem.startswith("mapping values are not allowed"):
        line = _line(text, at)
        if match := _COLON_IN_VALUE.match(line):
            indent, key, value = match.groups()
            quoted = value.strip().replace('"', '\\"')
            return at, "这一行的值里有“冒号+空格”，YAML 会把它当成另一个字段。", f"把整个值用引号括起来：{indent.strip()}{key}: \"{shown(quoted)}\""
        return at, "这一行的缩进不对，或者多了一个冒号。", "同一层的字段要左端对齐（顶层字段顶格写）；值里含有“冒号+空格”时，把整个值用引号括起来。"
    if problem.startswith("sequence entries are not allowed"):
        return at, "列表项“- ”不能和字段名写在同一行。", "写成 tags: [甲, 乙]，或者在字段名下面每行写一项“- 甲”。"
    if problem.startswith("expected ',' or ']'"):
        return opened, "这一行的方括号列表“[ … ]”没有正确结束。", "检查末尾是否少了“]”，各项之间用半角逗号“,”分隔；某一项含有冒号、逗号或方括号时，用引号括起来。"
    if problem.startswith("expected ',' or '}'"):
        return opened, "这一行的花括号“{ … }”没有正确结束。", "检查末尾是否少了“}”，各项写成“名: 值”，之间用半角逗号分隔。"
    if problem.startswith("expected <block end>"):
        if found() == "<scalar>" and text[:at].rstrip(" \t").endswith(("\"", "'")):
            return at, "这一行引号后面还有文字：值以引号开头时，整段文字都要在引号之内。", "把整个值放进引号里，或者去掉引号；文字中要用引号时，请用中文引号“”。"
        if found() == "-":
            return at, "这一行的列表项“- ”位置不对。", "列表项写在字段名的下一行，同一列表的各项左端对齐，例如 tags: 下一行写“- 基层党建”。"
        return at, "这一行的缩进和上面的字段对不齐。", "同一层的字段要左端对齐（顶层字段顶格写，前面不要有空格）。"
    if problem.startswith("expected the node content") or "flow" in context:
        opening = max(text.rfind("[", 0, at), text.rfind("{", 0, at))
        if found() == "<stream end>" and opening >= 0:  # the text ended inside [ … or { …
            if text[opening] == "[":
                return opening, "这一行的方括号列表“[ … ]”没有正确结束。", "检查末尾是否少了“]”，各项之间用半角逗号“,”分隔。"
            return opening, "这一行的花括号“{ … }”没有正确结束。", "检查末尾是否少了“}”，各项写成“名: 值”，之间用半角逗号分隔。"
        return at, "这一行有多余的逗号或括号。", "检查方括号、花括号和逗号是否多写了；以这些符号开头的文字要用引号括起来。"
    if "cannot start any token" in problem:
        char = shown(found().strip("\\"))
        return at, f"这一行的“{char}”在 YAML 中有特殊含义，不能这样直接写。", f"把含有它的值整个用引号括起来，例如 title: \"{char}……\"。"
    if problem.startswith("expected '<document start>'"):  # the first field is indented, the next is not
        first = re.search(r"^(?![ \t]*(?:#|$))", text, re.MULTILINE)
        if first and text[first.start():first.start() + 1] in " \t":
            return first.start(), "这一行的字段名前面多了空格。", "顶层字段要顶格写，前面不要有空格。"
    if "document" in problem or "document" in context:
        return at, "这一行有多余的“---”或“...”分隔线。", "头信息中间不能有单独的 --- 或 ...；文字以它们开头时，用引号括起来。"
    if "unhashable" in problem:
        return at, "这一行的字段名写成了列表或字段组（冒号前面有方括号或花括号）。", "每行写“字段名: 值”，字段名是英文单词。"
    if problem.startswith("mapping keys are not allowed") or context.startswith("while parsing a block mapping"):
        return at, "这一行的写法有误：可能是缩进不对，或者以“?”等符号开头。", "同一层的字段左端对齐；以符号开头的文字用引号括起来。"
    return at, "的格式有误（在这一行附近）。", ""


def key_text(key: object) -> str:
    """A mapping key as text (YAML allows numbers, null and booleans as keys)."""
    try:
        return str(key)
    except (ValueError, RecursionError):
        return shown(key)


# ---------------------------------------------------------------------------------------------
# Front matter.


@dataclass
class FrontMatter:
    data: dict[str, Any]
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line_of(self, key: str) -> int:
        """Line of `key` in the file, or the opening fence when it is absent.

        A sub-field is named `rights.license_url` or `reviews.0`; when its line is not known,
        the line of the field that holds it is used."""
        if key in self.key_lines:
            return self.key_lines[key]
        return self.key_lines.get(key.split(".", 1)[0], 1)


def decode(path: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [
            Problem(
                path,
                line,
                "not-utf8",
                "文件不是 UTF-8 编码，无法读取（第一个无法识别的字节在这一行）。",
                "请用编辑器把文件另存为“UTF-8”编码（记事本：另存为 → 编码选 UTF-8），不要用 GBK/GB2312。",
            )
        ]


_SYNTAX_HINT = "检查这一行及上一行：冒号后要有一个空格，列表项以“- ”开头，缩进用空格不用 Tab，含冒号的文字用引号括起来。"


def body_problems(path: str, body: str, body_line: int, limit: int = 5) -> list[Problem]:
    """Control characters in an article's body: its opening becomes the summary in feeds (XML)."""
    problems = []
    for match in _UNSAFE_BODY.finditer(body):
        problems.append(
            Problem(
                path, line_at(body, match.start(), body_line), "control-character",
                f"正文这一行{text_problem(match.group()) or '含有无法发布的字符'}。",
                "删除这个字符（通常是从网页或 Word 复制时带进来的，看不见但会让订阅源出错）。",
            )
        )
        if len(problems) >= limit:
            break
    return problems


@dataclass(frozen=True)
class Split:
    """A Markdown text cut at its front-matter fences, before the YAML is read."""

    yaml: str | None  # the text between the fences ("" when they enclose nothing); None without front matter
    body: str
    body_line: int  # file line where the body starts


def split_front_matter(text: str) -> Split:
    """Where the front matter ends: '---' on the first line, closed by '---' or '...' (as MkDocs reads it)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return Split(None, text, 1)
    return Split(match.group(1) or "", text[match.end():], text.count("\n", 0, match.end()) + 1)


def parse(path: str, text: str, *, required: bool = True, clean: bool = False) -> tuple[FrontMatter | None, list[Problem]]:
    """The front matter of the decoded file `text`, with problems naming `path` and their lines.

    Articles need front matter (`required`). Other pages may go without; but a page whose first
    line is a fence must close it, or the YAML would be published as text. `clean`: the file as it
    reads once the characters the reader refuses are deleted (raw or as YAML escapes), at the same lines."""
    split = split_front_matter(text)
    if clean:  # line endings stay: every line keeps its number
        yaml_part = None if split.yaml is None else _UNSAFE_TEXT.sub(lambda m: "\r" if m.group() == "\r" else "", split.yaml)
        split = Split(yaml_part, _UNSAFE_BODY.sub("", split.body), split.body_line)
    if split.yaml is None and not required and not text.startswith("---"):
        return FrontMatter({}, {}, text, 1), []
    if split.yaml is None:
        return None, [
            Problem(
                path,
                1,
                "no-front-matter",
                "文章开头缺少头信息（YAML front matter）。",
                "文件第一行写 ---，接着写 title: 标题 等字段，再用一行 --- 结束。",
            )
        ]
    yaml_text, body, body_line = split.yaml, split.body, split.body_line
    # Line 1 is the opening fence, so YAML line 0 is file line 2.
    offset = 2
    loaded = read_yaml(yaml_text, path, first_line=offset, what="头信息", code="yaml-syntax", hint=_SYNTAX_HINT, clean=clean)
    if not loaded.ok:
        return None, loaded.problems
    data, node = loaded.data, loaded.node
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        if suspect := _suspect(yaml_text, len(yaml_text)):  # title：曲樟乡 alone is text to YAML, not a field
            index, message, hint = suspect
            return None, [Problem(path, line_at(yaml_text, index, offset), "yaml-syntax", f"头信息{message}", hint)]
        return None, [
            Problem(
                path,
                offset,
                "yaml-not-mapping",
                "头信息应当是“字段: 值”的形式。",
                "每行写一个字段，例如 title: 曲樟乡党建工作纪实",
            )
        ]
    key_lines: dict[str, int] = {}
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_text(key_node.value) if isinstance(key_node, yaml.ScalarNode) else shown(key_node.value)
            line = line_at(yaml_text, key_node.start_mark.index, offset)
            if key in key_lines:
                problems.append(
                    Problem(
                        path,
                        line,
                        "duplicate-field",
                        f"字段 {shown(key)} 写了两次（第一次在第 {key_lines[key]} 行）。",
                        "删掉其中一行，只保留正确的那个值。",
                    )
                )
            else:
                key_lines[key] = line
            # One level down, so that rights.license_url and reviews.1 are reported on their own line.
            children: list = []
            if isinstance(value_node, yaml.MappingNode):
                children = [(key_text(k.value), k) for k, _v in value_node.value if isinstance(k, yaml.ScalarNode)]
            elif isinstance(value_node, yaml.SequenceNode):
                children = [(str(number), item) for number, item in enumerate(value_node.value)]
            for name, child in children:
                key_lines.setdefault(f"{key}.{name}", line_at(yaml_text, child.start_mark.index, offset))
    problems += body_problems(path, body, body_line)
    return FrontMatter({key_text(k): v for k, v in data.items()}, key_lines, body, body_line), problems


def read_front_matter(path: str, source: bytes | str, *, required: bool = True) -> tuple[FrontMatter | None, list[Problem]]:
    """Decode (when given bytes) and parse one Markdown file: the steps every reader of articles and pages takes.

    `path` is how problems name the file. Never raises for what a file contains; None when the
    file cannot be read, with the problems that say why."""
    if isinstance(source, bytes):
        text, problems = decode(path, source)
        if text is None:
            return None, problems
    else:
        text = source
    return parse(path, text, required=required)
