"""The offline bundle: a folder and a reproducible zip with a SHA256SUMS manifest and a Chinese guide.

Reproducible means the same files give the same zip, byte for byte: entries are
sorted, timestamps and permissions fixed, compression level fixed.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

MANIFEST = "SHA256SUMS"
GUIDE = "使用说明.txt"
# Zip timestamps must not come from the clock; 1980-01-01 is the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Finding:
    kind: str  # missing | altered | unlisted | manifest
    path: str

    @property
    def message(self) -> str:
        return {
            "missing": f"缺少文件：{self.path}",
            "altered": f"文件已被改动：{self.path}",
            "unlisted": f"清单里没有的多余文件：{self.path}",
            "manifest": f"找不到或无法读取校验清单 {MANIFEST}：{self.path}",
        }[self.kind]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundle_files(folder: Path) -> list[str]:
    """Every file under `folder`, as sorted '/'-paths, without the manifest itself."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def write_manifest(folder: Path) -> Path:
    lines = [f"{_digest((folder / path).read_bytes())}  {path}\n" for path in bundle_files(folder)]
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
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = zip_path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in [*bundle_files(folder), MANIFEST]:
            info = zipfile.ZipInfo(str(PurePosixPath(root_name, path)), date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds it
            info.flag_bits |= 0x800  # UTF-8 names: Chinese file names survive on Windows
            archive.writestr(info, (folder / path).read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    temporary.replace(zip_path)
    return zip_path


def _read_tree(target: Path) -> dict[str, bytes]:
    """path -> bytes of a bundle folder or zip, with the zip's single top folder removed."""
    if target.is_dir():
        return {p.relative_to(target).as_posix(): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    with zipfile.ZipFile(target) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        roots = {n.split("/", 1)[0] for n in names}
        strip = len(roots) == 1 and all("/" in n for n in names)
        return {(n.split("/", 1)[1] if strip else n): archive.read(n) for n in names}


def verify(target: Path) -> list[Finding]:
    """Compare a bundle folder or zip against its own SHA256SUMS."""
    try:
        files = _read_tree(target)
    except (OSError, zipfile.BadZipFile):
        return [Finding("manifest", str(target))]
    manifest = files.pop(MANIFEST, None)
    if manifest is None:
        return [Finding("manifest", str(target))]
    expected: dict[str, str] = {}
    for line in manifest.decode("utf-8", errors="replace").splitlines():
        digest, _, path = line.partition("  ")
        if path:
            expected[path] = digest
    findings = []
    for path, digest in sorted(expected.items()):
        if path not in files:
            findings.append(Finding("missing", path))
        elif _digest(files[path]) != digest:
            findings.append(Finding("altered", path))
    findings += [Finding("unlisted", path) for path in sorted(set(files) - set(expected))]
    return findings


def largest_files(folder: Path, count: int = 10) -> list[tuple[str, int]]:
    sizes = [(p.relative_to(folder).as_posix(), p.stat().st_size) for p in folder.rglob("*") if p.is_file()]
    return sorted(sizes, key=lambda item: (-item[1], item[0]))[:count]


def content_date_stamp(newest: datetime | None) -> str:
    return newest.strftime("%Y%m%d") if newest else "00000000"
