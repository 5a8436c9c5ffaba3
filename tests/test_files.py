"""The one atomic single-file write (township_archive/files.py): all or nothing, permissions kept,
no temporary file left behind; and the writers that use it."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from township_archive.files import atomic_file, write_atomically


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_text_and_bytes_are_written_and_folders_made(tmp_path: Path):
    target = tmp_path / "新 文件夹" / "报告.html"
    write_atomically(target, "第一版\n")
    assert target.read_bytes() == "第一版\n".encode()
    write_atomically(target, b"\x00\xffsecond")
    assert target.read_bytes() == b"\x00\xffsecond"
    assert _leftovers(target.parent) == []


def test_a_failure_leaves_the_old_content_and_no_temporary_file(tmp_path: Path):
    target = tmp_path / "article.md"
    target.write_text("旧内容", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(target) as stream:
        stream.write(b"half of the new")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "旧内容"
    assert _leftovers(tmp_path) == []
    with pytest.raises(TypeError):
        write_atomically(target, 12)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "旧内容" and _leftovers(tmp_path) == []


def test_existing_permissions_are_kept_and_new_files_follow_the_umask(tmp_path: Path):
    kept = tmp_path / "kept.md"
    kept.write_text("x", encoding="utf-8")
    os.chmod(kept, 0o640)
    write_atomically(kept, "y")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    previous = os.umask(0o022)
    try:
        write_atomically(tmp_path / "new.conf", "z", fsync=False)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.conf").stat().st_mode) == 0o644  # not mkstemp's 0600: nginx must read it


def test_a_zip_written_through_the_stream_is_a_whole_zip(tmp_path: Path):
    target = tmp_path / "bundle.zip"
    with atomic_file(target) as stream, zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("根/使用说明.txt", "内容" * 1000)
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None and archive.read("根/使用说明.txt").decode() == "内容" * 1000
    assert _leftovers(tmp_path) == []


def test_the_writers_use_it(tmp_path: Path):
    from township_archive.authoring.editing import write_article
    from township_archive.media.process import MediaCache
    from township_archive.serving import write_nginx_snippets

    write_article(tmp_path / "docs/a.md", {"title": "标题"}, "正文\n")
    text = (tmp_path / "docs/a.md").read_text(encoding="utf-8")
    assert text.startswith("---\n") and "标题" in text and text.endswith("---\n\n正文\n")
    cache = MediaCache(tmp_path / "cache")
    cache.index["x"] = [1, 2, "digest"]
    cache.save_index()
    assert MediaCache(tmp_path / "cache").index == {"x": [1, 2, "digest"]}
    written = write_nginx_snippets(tmp_path / "nginx", [("/old/", "/new/")])
    assert sorted(p.name for p in written) == ["csp.conf", "redirects.conf"]
    for folder in (tmp_path / "docs", tmp_path / "cache", tmp_path / "nginx"):
        assert _leftovers(folder) == []
