"""`verify` of the offline bundle: streaming hashes, unsafe entry names reported, nothing ever extracted.

In-process, on small bundles built the way `township-archive offline` builds them; one subprocess
measures the memory of verifying a zip with a very large entry (`slow`).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, cli_in_process
from township_archive.bundle import package as bundle

ROOT_NAME = "quzhang-archive-offline-20250320"


def make_folder(folder: Path) -> Path:
    """A small bundle folder as `offline` leaves it: pages, assets, Chinese names, the guide and SHA256SUMS."""
    files = {
        "index.html": "<!doctype html><title>曲樟乡</title><p>首页（示例）</p>",
        "about.html": "<!doctype html><p>关于本站（示例）</p>",
        "kejia-wenhua/客家新俗/index.html": "<!doctype html><p>客家新俗（示例）</p>",
        "assets/stylesheets/archive.css": "body { margin: 0 }\n" * 50,
        "assets/images/logo.png": bytes(range(256)) * 8,
    }
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    bundle.write_guide(folder, "曲樟乡宣传文化档案", "2025年03月20日", kiosk=False, verify_command="township-archive verify 本文件夹")
    bundle.write_manifest(folder)
    return folder


@pytest.fixture
def bundle_zip(tmp_path: Path) -> Path:
    folder = make_folder(tmp_path / "bundle")
    return bundle.write_zip(folder, tmp_path / "dist" / f"{ROOT_NAME}.zip", ROOT_NAME)


def kinds(findings: list[bundle.Finding]) -> list[tuple[str, str]]:
    return sorted((finding.kind, finding.path) for finding in findings)


def tree(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def rewrite(source: Path, target: Path, replace: dict[str, bytes] | None = None) -> Path:
    """A copy of a zip with some entries' content replaced, everything else as it was."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, replace.get(info.filename, old.read(info)))
    return target


def test_a_bundle_built_as_offline_builds_it_verifies(bundle_zip: Path, tmp_path: Path):
    manifest = (tmp_path / "bundle" / bundle.MANIFEST).read_text(encoding="utf-8")
    assert "  kejia-wenhua/客家新俗/index.html\n" in manifest and "  使用说明.txt\n" in manifest
    assert bundle.verify(bundle_zip) == []
    assert bundle.verify(tmp_path / "bundle") == []


def test_a_changed_entry_is_reported_as_altered(bundle_zip: Path, tmp_path: Path):
    changed = rewrite(bundle_zip, tmp_path / "changed.zip", {f"{ROOT_NAME}/about.html": "被改过".encode()})
    findings = bundle.verify(changed)
    assert kinds(findings) == [("altered", "about.html")]
    assert findings[0].message == "文件已被改动：about.html"


def test_a_corrupted_entry_is_reported_not_raised(bundle_zip: Path, tmp_path: Path):
    """A flipped byte in the compressed data: the entry fails its CRC (or inflation) and is reported by name."""
    broken = tmp_path / "broken.zip"
    shutil.copy(bundle_zip, broken)
    with zipfile.ZipFile(broken) as archive:
        info = archive.getinfo(f"{ROOT_NAME}/assets/stylesheets/archive.css")
        header = 30 + len(info.filename.encode("utf-8")) + len(info.extra)
    data = bytearray(broken.read_bytes())
    data[info.header_offset + header + info.compress_size // 2] ^= 0xFF
    broken.write_bytes(bytes(data))
    findings = bundle.verify(broken)
    assert kinds(findings) in ([("unreadable", "assets/stylesheets/archive.css")], [("altered", "assets/stylesheets/archive.css")])


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "/abs.txt", f"{ROOT_NAME}/../../evil.txt", f"{ROOT_NAME}\\..\\evil.txt", "C:/Windows/evil.txt",
     "c:evil.txt", "\\\\server\\share\\evil.txt"],
)
def test_unsafe_entry_names_are_errors_and_nothing_is_extracted(bundle_zip: Path, tmp_path: Path, name: str):
    with zipfile.ZipFile(bundle_zip, "a") as archive:
        archive.writestr(zipfile.ZipInfo(name, date_time=bundle.ZIP_EPOCH), b"owned")
    assert zipfile.ZipFile(bundle_zip).namelist()[-1] == name  # zipfile kept the name as written
    before = tree(tmp_path)
    findings = bundle.verify(bundle_zip)
    assert kinds(findings) == [("unsafe", name)]
    assert name in findings[0].message and "文件名不安全" in findings[0].message
    assert tree(tmp_path) == before  # nothing extracted next to the zip (or anywhere under the test folder)
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/abs.txt").exists()


def test_both_unsafe_entries_together_leave_the_rest_verified(bundle_zip: Path):
    with zipfile.ZipFile(bundle_zip, "a") as archive:
        archive.writestr("../evil.txt", b"owned")
        archive.writestr(zipfile.ZipInfo("/abs.txt"), b"owned")
    assert kinds(bundle.verify(bundle_zip)) == [("unsafe", "../evil.txt"), ("unsafe", "/abs.txt")]


def test_a_symlink_entry_and_a_duplicate_name_are_errors(bundle_zip: Path):
    link = zipfile.ZipInfo(f"{ROOT_NAME}/link", date_time=bundle.ZIP_EPOCH)
    link.create_system = 3
    link.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(bundle_zip, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, which is the point
        archive.writestr(link, b"/etc/passwd")
        archive.writestr(f"{ROOT_NAME}/index.html", b"<p>second index</p>")
    assert kinds(bundle.verify(bundle_zip)) == [("duplicate", f"{ROOT_NAME}/index.html"), ("unsafe", f"{ROOT_NAME}/link")]


def test_not_a_zip_and_no_manifest_are_reported(tmp_path: Path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not a zip at all")
    assert kinds(bundle.verify(junk)) == [("manifest", str(junk))]
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr(f"{ROOT_NAME}/index.html", b"<p>x</p>")
    assert kinds(bundle.verify(empty)) == [("manifest", str(empty))]


def test_the_cli_prints_entry_names_as_text(bundle_zip: Path, tmp_path: Path):
    """An entry named like Rich markup is shown as written, not read as markup (which used to raise)."""
    with zipfile.ZipFile(bundle_zip, "a") as archive:
        archive.writestr("../[/][bold]x[/].txt", b"owned")
    result = cli_in_process(tmp_path, "verify", str(bundle_zip))
    assert result.returncode == 1 and "Traceback" not in result.output, result.output
    assert "../[/][bold]x[/].txt" in result.stdout and "校验未通过" in result.stdout


ZERO_BYTES = 1536 * 1024 * 1024  # 1.5 GB: far more than the memory the check may use
CHUNK = 16 * 1024 * 1024


@pytest.mark.slow
def test_a_very_large_entry_verifies_in_bounded_memory(tmp_path: Path):
    assert shutil.disk_usage(tmp_path).free > 4 * 1024**3, "needs a few GB free for a safe margin"
    zip_path = tmp_path / f"{ROOT_NAME}.zip"
    digest = hashlib.sha256()
    zeros = bytes(CHUNK)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(f"{ROOT_NAME}/video/zeros.bin", "w", force_zip64=True) as stream:
            for _ in range(ZERO_BYTES // CHUNK):
                stream.write(zeros)
                digest.update(zeros)
        archive.writestr(f"{ROOT_NAME}/{bundle.MANIFEST}", f"{digest.hexdigest()}  video/zeros.bin\n")
    assert zip_path.stat().st_size < 20 * 1024 * 1024  # zeros compress to a few MB

    script = textwrap.dedent(f"""
        import re
        from pathlib import Path
        from township_archive.bundle import package

        def status(field):
            return int(re.search(field + r":\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))

        Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) now counts from here: verify alone
        before = status("VmRSS")
        findings = package.verify(Path({str(zip_path)!r}))
        after = status("VmHWM")
        print(len(findings), before // 1024, after // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    count, before_mb, after_mb = map(int, result.stdout.split())
    assert count == 0  # it verified
    # Peak resident memory while verifying, above what the process held before (Python and imports vary by machine).
    assert after_mb - before_mb < 64, (before_mb, after_mb)

