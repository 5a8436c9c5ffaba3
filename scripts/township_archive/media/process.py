"""Turning one source image into its variants, and doing that for many, in parallel, once.

A processed image is identified by the hash of its source bytes, the spec and
the credit (as in Hugo): if the key is in the cache, nothing is decoded.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..content.slugs import pinyin_slug
from ..files import write_atomically
from .decode import decode
from .encode import draw_watermark, encode, resize
from .model import EXTENSION, Credit, ImageError, MediaSpec, ProcessedImage, Variant, cache_key


@dataclass(frozen=True)
class Job:
    source: str  # relative to docs/
    path: str  # absolute path of the original
    key: str
    cache_dir: str  # where this key's files go
    spec: MediaSpec
    credit: Credit
    font: str | None = None


def planned_widths(width: int, wanted: tuple[int, ...]) -> list[int]:
    """Never upscale: widths below the original, plus the original's own width when it is smaller than the largest."""
    below = sorted({w for w in wanted if w < width})
    if width <= max(wanted) and width not in below:
        below.append(width)
    return below or [width]


def variant_stem(source: str) -> str:
    """A URL-safe file stem: `照片 1.jpg` -> `zhao-pian-1` (spaces would break srcset)."""
    stem = os.path.splitext(os.path.basename(source))[0]
    return pinyin_slug(stem, max_length=40) or "image"


def process(job: Job) -> ProcessedImage:
    decoded = decode(job.path, job.spec.max_pixels, max(job.spec.widths))
    # Hold the full decoded pixels only until the first resize: that keeps a 100 MP photo's peak low.
    current, decoded.image = decoded.image, None
    has_alpha = current.mode == "RGBA"
    fallback = "png" if has_alpha else "jpeg"
    stem = variant_stem(job.source)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=Path(job.cache_dir).parent))
    variants: list[Variant] = []
    try:
        for width in sorted(planned_widths(decoded.width, job.spec.widths), reverse=True):
            # Shrink-on-load keeps 2x headroom, so the decoded pixels are always at least this wide.
            current = resize(current, width)
            frame = current
            if job.credit.watermark and job.font:
                frame = draw_watermark(current, job.credit.watermark, job.font)
            for fmt in (*job.spec.formats, fallback):
                data = encode(frame, fmt, job.spec, job.credit)
                name = f"{stem}.{job.key[:10]}.{frame.width}.{EXTENSION[fmt]}"
                (staging / name).write_bytes(data)
                variants.append(Variant(fmt, frame.width, frame.height, name, len(data)))
        result = ProcessedImage(
            job.source, job.key, decoded.width, decoded.height, has_alpha, tuple(variants), tuple(decoded.notes)
        )
        (staging / "manifest.json").write_text(result.as_json(), encoding="utf-8")
        try:
            os.replace(staging, job.cache_dir)
        except OSError:  # another build made the same key meanwhile: theirs is identical
            pass
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run(job: Job) -> tuple[str, ProcessedImage | None, tuple[str, str, str] | None]:
    """Worker entry: problems come back as plain tuples (exceptions with extra fields don't pickle well)."""
    try:
        return job.source, process(job), None
    except ImageError as error:
        return job.source, None, (error.code, error.message, error.hint)
    except MemoryError:
        return job.source, None, ("image-too-large", "图片太大，处理时内存不足。", "把图片缩小后再放入。")
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the others
        return job.source, None, ("image-failed", f"处理图片时出错：{type(error).__name__}: {error}", "请换一张图片或重新导出。")


_LOADED: dict[tuple[str, str], ProcessedImage] = {}


class MediaCache:
    """Variants by key under `root`, and a memo of source hashes by (size, mtime)."""

    def __init__(self, root: Path):
        self.root = root
        self.index_path = root / "sources.json"
        self.changed = False
        try:
            self.index: dict[str, list] = json.loads(self.index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.index = {}

    def digest(self, path: Path) -> str:
        stat = path.stat()
        memo = self.index.get(str(path))
        if memo and memo[0] == stat.st_size and memo[1] == stat.st_mtime_ns:
            return memo[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self.index[str(path)] = [stat.st_size, stat.st_mtime_ns, digest]
        self.changed = True
        return digest

    def dir_for(self, key: str) -> Path:
        return self.root / key[:2] / key

    def load(self, key: str) -> ProcessedImage | None:
        # An entry is written once under its key and never changed: the preview, which looks up every
        # picture after each save, reads each manifest once per process.
        memo = (str(self.root), key)
        if (found := _LOADED.get(memo)) is not None and self.dir_for(key).is_dir():  # unless the cache was cleared
            return found
        try:
            found = ProcessedImage.from_json((self.dir_for(key) / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if len(_LOADED) > 100_000:
            _LOADED.clear()
        _LOADED[memo] = found
        return found

    def save_index(self) -> None:
        # A memo of source hashes: losing it in a power cut only costs hashing the sources again.
        if self.changed or not self.index_path.exists():
            write_atomically(self.index_path, json.dumps(self.index, sort_keys=True), fsync=False)
            self.changed = False


@dataclass
class PipelineResult:
    images: dict[str, ProcessedImage] = field(default_factory=dict)
    failures: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    processed: int = 0
    cached: int = 0


def run_pipeline(
    sources: dict[str, tuple[Path, Credit]],
    spec: MediaSpec,
    cache: MediaCache,
    workers: int = 0,
    font: str | None = None,
    progress: Callable[[int], Callable[[int], object]] | None = None,
) -> PipelineResult:
    """Process every source (docs-relative path -> absolute path, credit); cached keys cost a hash lookup only.

    `progress(count)` is called once with the number of images to process and returns a callback advanced per image."""
    result = PipelineResult()
    jobs: list[Job] = []
    for source, (path, credit) in sorted(sources.items()):
        key = cache_key(source, cache.digest(path), spec, credit)
        cached = cache.load(key)
        if cached is not None:
            result.images[source] = cached
            result.cached += 1
            continue
        cache.dir_for(key).parent.mkdir(parents=True, exist_ok=True)
        jobs.append(Job(source, str(path), key, str(cache.dir_for(key)), spec, credit, font))
    cache.save_index()
    if not jobs:
        return result
    advance = progress(len(jobs)) if progress else None

    def collect(outcome) -> None:
        source, image, failure = outcome
        if image is not None:
            result.images[source] = image
            result.processed += 1
        else:
            result.failures[source] = failure
        if advance:
            advance(1)

    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) == 1:
        for job in jobs:
            collect(_run(job))
    else:
        # forkserver: MkDocs' serve has threads running, and fork() with threads can deadlock.
        context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
            for future in as_completed([pool.submit(_run, job) for job in jobs]):
                collect(future.result())
    return result
