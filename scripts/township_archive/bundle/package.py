"""The offline bundle: a folder and a reproducible zip with a SHA256SUMS manifest and a Chinese guide.

Reproducible means the same files give the same zip, byte for byte: entries are
sorted, timestamps and permissions fixed, compression level fixed.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..files import atomic_file

MANIFEST = "SHA256SUMS"
GUIDE = "使用说明.txt"
# Zip timestamps must not come from the clock; 1980-01-01 is the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Hashing reads this much at a time: a bundle with a multi-gigabyte entry verifies in bounded memory.
CHUNK = 1024 * 1024
# SHA256SUMS holds one short line a file; anything much larger is not ours.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Finding:
    kind: str  # missing | altered | unlisted | manifest | unsafe | duplicate | unreadable
    path: str

    @property
    def message(self) -> str:
        return {
            "missing": f"缺少文件：{self.path}",
            "altered": f"文件已被改动：{self.path}",
            "unlisted": f"清单里没有的多余文件：{self.path}",
            "manifest": f"找不到或无法读取校验清单 {MANIFEST}：{self.path}",
            "unsafe": f"压缩包中的文件名不安全（绝对路径、“..”、反斜杠、盘符或链接），解压时可能写到文件夹之外：{self.path}",
            "duplicate": f"压缩包中同一文件名出现了不止一次，解压结果无法确定：{self.path}",
            "unreadable": f"文件无法读取（压缩数据损坏、被加密或格式不支持）：{self.path}",
        }[self.kind]


def _shown(name: str) -> str:
    """An entry name as it can be shown: control characters written as escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group(0)):02x}", name)


def unsafe_entry_name(name: str) -> bool:
    """True for a zip entry name that an unzip tool could write outside the folder it unpacks into."""
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or bool(_DRIVE.match(name))
        or ".." in name.split("/")
        or bool(_CONTROL.search(name))
    )


def _stream_digest(stream) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return _stream_digest(stream)


def bundle_files(folder: Path) -> list[str]:
    """Every file under `folder`, as sorted '/'-paths, without the manifest itself."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def write_manifest(folder: Path) -> Path:
    lines = [f"{_file_digest(folder / path)}  {path}\n" for path in bundle_files(folder)]
    manifest = folder / MANIFEST
    manifest.write_text("".join(lines), encoding="utf-8")
    return manifest


def write_guide(folder: Path, site_name: str, content_date: str, kiosk: bool, verify_command: str) -> Path:
    text = f"""{site_name}（离线版）使用说明
内容截至：{content_date}

一、怎样打开
  双击本文件夹中的 index.html，用电脑上的浏览器（推荐 Chrome、Edge 或 360 极速浏览器）打开即可。
  不需要联网，也不需要安装任何软件。可以把整个文件夹复制到 U 盘或电脑上使用，但不要拆散文件夹里的文件。

二、能做什么
  浏览全部栏目和文章、查看图片（点击图片可放大）、按标签和年份查找、在右上角搜索框中搜索。
  标有“（需联网）”的链接指向其他网站，离线时打不开。
{"  本版本为展示终端（触摸屏）版：字体更大，页面右下角有“返回首页”按钮，一段时间无人操作会自动回到首页。" + chr(10) if kiosk else ""}
三、检查文件是否完整
  文件夹中的 {MANIFEST} 记录了每个文件的校验值。在装有本网站工具的电脑上运行：
    {verify_command}
  会列出缺少或被改动的文件。

四、版权
  本离线版的全部内容受著作权法保护，转载、摘编须取得书面授权，详见网站“关于本站与版权”页面。
"""
    path = folder / GUIDE
    path.write_text(text.replace("\n", "\r\n"), encoding="utf-8-sig")  # Windows Notepad users first
    return path


def write_zip(folder: Path, zip_path: Path, root_name: str) -> Path:
    with atomic_file(zip_path) as stream, zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in [*bundle_files(folder), MANIFEST]:
            info = zipfile.ZipInfo(str(PurePosixPath(root_name, path)), date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds it
            info.flag_bits |= 0x800  # UTF-8 names: Chinese file names survive on Windows
            archive.writestr(info, (folder / path).read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return zip_path


def _parse_manifest(data: bytes) -> dict[str, str]:
    expected: dict[str, str] = {}
    for line in data.decode("utf-8", errors="replace").splitlines():
        digest, _, path = line.partition("  ")
        if path:
            expected[path] = digest
    return expected


def _compare(expected: dict[str, str], digests: dict[str, str | None]) -> list[Finding]:
    """`digests`: path -> SHA-256, or None for a file that could not be read to its end."""
    findings = []
    for path, digest in sorted(expected.items()):
        if path not in digests:
            findings.append(Finding("missing", path))
        elif digests[path] is None:
            findings.append(Finding("unreadable", path))
        elif digests[path] != digest:
            findings.append(Finding("altered", path))
    findings += [Finding("unlisted", path) for path in sorted(set(digests) - set(expected))]
    return findings


def _verify_folder(folder: Path) -> list[Finding]:
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    if MANIFEST not in files or (folder / MANIFEST).stat().st_size > MAX_MANIFEST_BYTES:
        return [Finding("manifest", str(folder))]
    expected = _parse_manifest((folder / MANIFEST).read_bytes())
    digests: dict[str, str | None] = {}
    for path in files:
        if path != MANIFEST:
            try:
                digests[path] = _file_digest(folder / path)
            except OSError:
                digests[path] = None
    return _compare(expected, digests)


def _entry_digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """The SHA-256 of an entry, read in chunks (never whole); None when it cannot be read to its end (bad CRC …)."""
    try:
        with archive.open(info) as stream:
            return _stream_digest(stream)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        return None


def _read_manifest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.file_size > MAX_MANIFEST_BYTES:
        return None
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_MANIFEST_BYTES + 1)  # the declared size is not trusted either
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        return None
    return data if len(data) <= MAX_MANIFEST_BYTES else None


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and (info.external_attr >> 16) & 0o170000 == 0o120000


def _verify_zip(target: Path) -> list[Finding]:
    """Entries are read in chunks and hashed; nothing is ever extracted or written."""
    try:
        archive = zipfile.ZipFile(target)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError):
        return [Finding("manifest", str(target))]
    with archive:
        findings: list[Finding] = []
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            name = info.filename
            if unsafe_entry_name(name) or _is_link(info):
                findings.append(Finding("unsafe", _shown(name)))
            elif name.endswith("/"):
                continue
            elif name in entries:
                findings.append(Finding("duplicate", _shown(name)))
            else:
                entries[name] = info
        # The bundle's files sit in one top folder; compare paths without it.
        roots = {name.split("/", 1)[0] for name in entries}
        strip = len(roots) == 1 and all("/" in name for name in entries)
        files = {(name.split("/", 1)[1] if strip else name): info for name, info in entries.items()}
        manifest = files.pop(MANIFEST, None)
        data = _read_manifest(archive, manifest) if manifest is not None else None
        if data is None:
            return [*findings, Finding("manifest", str(target))]
        digests = {path: _entry_digest(archive, info) for path, info in files.items()}
        return findings + _compare(_parse_manifest(data), digests)


def verify(target: Path) -> list[Finding]:
    """Compare a bundle folder or zip against its own SHA256SUMS.

    Unsafe entry names (absolute, `..`, backslashes, drive letters, links) and entries that appear twice
    in a zip are findings too: unpacking such a zip could write outside its folder.
    """
    try:
        if target.is_dir():
            return _verify_folder(target)
        if not target.is_file():  # a pipe or a device is no bundle, and opening one could wait forever
            return [Finding("manifest", str(target))]
        return _verify_zip(target)
    except OSError:
        return [Finding("manifest", str(target))]


def largest_files(folder: Path, count: int = 10) -> list[tuple[str, int]]:
    sizes = [(p.relative_to(folder).as_posix(), p.stat().st_size) for p in folder.rglob("*") if p.is_file()]
    return sorted(sizes, key=lambda item: (-item[1], item[0]))[:count]


def content_date_stamp(newest: datetime | None) -> str:
    return newest.strftime("%Y%m%d") if newest else "00000000"
