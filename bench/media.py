"""Media pipeline benchmark: our pipeline against libvips' vipsthumbnail on the same photos.

    make bench-media          (or: .venv/bin/python bench/media.py [--photos 30])

Generates photo-like 12 MP JPEGs with EXIF orientation (outside the repo), makes the
full variant set with our pipeline on all cores, then has vipsthumbnail make the same
widths and formats from the same files with the same parallelism; prints both times,
the ratio, the cached no-change rebuild, peak memory on one 100 MP photo and bytes
per format. Figures, not assertions: they go in the README.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image
from rich.console import Console
from rich.table import Table
from township_archive.media.model import Credit, MediaSpec
from township_archive.media.process import MediaCache, run_pipeline
from township_archive.samples import photo_like

CREDIT = Credit("合浦县曲樟乡人民政府", "示例摄影", 2024, "未经书面授权不得转载。")
VIPS_FORMAT = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}


def make_photo(args: tuple[Path, int, int, int]) -> Path:
    path, width, height, seed = args
    exif = Image.Exif()
    exif[0x0112] = 6 if seed % 2 else 1  # half of them stored sideways, as phones do
    exif[0x010F] = "PhoneMaker"
    photo_like(width, height, seed).save(path, quality=90, exif=exif)
    return path


def vips_run(files: list[Path], out_dir: Path, spec: MediaSpec, workers: int) -> float:
    """The same widths and formats, one vipsthumbnail call per (width, format, chunk of files)."""
    quality = {"avif": f"Q={spec.quality['avif']},effort={max(0, 9 - spec.avif_speed)}",
               "webp": f"Q={spec.quality['webp']}", "jpeg": f"Q={spec.quality['jpeg']},optimize_coding,interlace"}
    chunks = [files[i::workers] for i in range(workers)]
    commands = []
    for width in spec.widths:
        for fmt in (*spec.formats, "jpeg"):
            pattern = str(out_dir / f"%s.{width}.{VIPS_FORMAT[fmt]}[{quality[fmt]},strip]")
            for chunk in chunks:
                commands.append(["vipsthumbnail", "--size", f"{width}x", "-o", pattern, *map(str, chunk)])
    started = time.perf_counter()
    running: list[subprocess.Popen] = []
    for command in commands:
        while len(running) >= workers:
            running.pop(0).wait()
        running.append(subprocess.Popen(command))
    for process in running:
        process.wait()
    return time.perf_counter() - started


def peak_memory_mb(photo: Path, cache_dir: Path) -> float:
    code = (
        # Reset the high-water mark: a forked child starts out counting its parent's memory.
        "open('/proc/self/clear_refs', 'w').write('5');"
        "import sys; from pathlib import Path;"
        "from township_archive.media.process import run_pipeline, MediaCache;"
        "from township_archive.media.model import MediaSpec, Credit;"
        f"r = run_pipeline({{'big.jpg': (Path({str(photo)!r}), Credit('x'))}}, MediaSpec(), MediaCache(Path({str(cache_dir)!r})), workers=1);"
        "assert r.processed == 1, r.failures;"
        "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    )
    # A fresh interpreter reports its own peak, so other children (generators, vips) cannot blur it.
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return int(output.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    console = Console()
    workers = os.cpu_count() or 1
    if not shutil.which("vipsthumbnail"):
        sys.exit("vipsthumbnail not found: install Debian's libvips-tools (make bench-media does).")
    work = Path(tempfile.mkdtemp(prefix="bench-media-"))
    spec = MediaSpec()
    try:
        photos_dir = work / "photos"
        photos_dir.mkdir()
        with console.status(f"generating {args.photos} photo-like 12 MP JPEGs and one 100 MP photo"):
            jobs = [(photos_dir / f"photo-{n:03d}.jpg", 4000, 3000, n) for n in range(args.photos)]
            with ProcessPoolExecutor(workers) as pool:
                files = list(pool.map(make_photo, jobs))
            big = make_photo((work / "big-100mp.jpg", 11550, 8660, 99))

        sources = {f"photos/{p.name}": (p, CREDIT) for p in files}
        cache = MediaCache(work / "cache")
        with console.status("our pipeline, cold cache"):
            started = time.perf_counter()
            cold = run_pipeline(sources, spec, cache, workers=workers)
            ours = time.perf_counter() - started
        assert cold.processed == len(files) and not cold.failures, cold.failures
        with console.status("our pipeline, no change"):
            started = time.perf_counter()
            warm = run_pipeline(sources, spec, MediaCache(work / "cache"), workers=workers)
            rebuild = time.perf_counter() - started
        vips_dir = work / "vips"
        vips_dir.mkdir()
        with console.status("vipsthumbnail, same widths and formats"):
            vips = vips_run(files, vips_dir, spec, workers)
        with console.status("peak memory on one 100 MP photo"):
            peak = peak_memory_mb(big, work / "cache-big")

        per_format: dict[str, int] = {}
        for image in cold.images.values():
            for variant in image.variants:
                per_format[variant.format] = per_format.get(variant.format, 0) + variant.bytes
        vips_bytes: dict[str, int] = {}
        for path in vips_dir.iterdir():
            fmt = {"jpg": "jpeg"}.get(path.suffix[1:], path.suffix[1:])
            vips_bytes[fmt] = vips_bytes.get(fmt, 0) + path.stat().st_size

        table = Table(title=f"media pipeline, {len(files)} photos of 12 MP, {workers} cores")
        table.add_column("measure")
        table.add_column("value", justify="right")
        table.add_row("ours, full variant set (s)", f"{ours:.1f}")
        table.add_row("vipsthumbnail, same set (s)", f"{vips:.1f}")
        table.add_row("ratio ours / vips", f"{ours / vips:.2f}")
        table.add_row("no-change rebuild (s)", f"{rebuild:.2f}")
        table.add_row("images reprocessed on no-change rebuild", str(warm.processed))
        table.add_row("peak memory, one 100 MP photo (MB)", f"{peak:.0f}")
        for fmt in ("avif", "webp", "jpeg"):
            table.add_row(f"bytes {fmt}: ours / vips (MB)", f"{per_format.get(fmt, 0) / 1e6:.1f} / {vips_bytes.get(fmt, 0) / 1e6:.1f}")
        console.print(table)
    finally:
        if args.keep:
            console.print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
