"""A QR code of an address as a small inline SVG, drawn at build time (no script, no network).

The SVG carries its own white background and quiet zone and draws the dark modules in black,
so it scans on any page colour, the high-contrast reading mode's black included. The address is
only encoded as modules: no text of it is written into the SVG, so nothing in it needs escaping.
"""

from __future__ import annotations

import segno

QR_LABEL = "本文网址的二维码"
QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks


def _dark_runs(row: bytes | bytearray) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in one row."""
    runs, start = [], None
    for x, dark in enumerate([*row, 0]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x - start))
            start = None
    return runs


def qr_svg(url: str) -> str:
    """One `<svg>` (white `<rect>`, one black `<path>`) in module units; CSS gives it its size.

    Each run of dark modules in a row is one stroke a module wide along the row's middle, written
    with relative moves from the end of the previous run, so the path stays short; `crispEdges`
    keeps the modules sharp when the symbol is scaled."""
    qr = segno.make_qr(url, error="m")
    size = qr.symbol_size(border=QUIET_ZONE)[0]
    parts: list[str] = []
    here = (0, -0.5)  # a stroke along y + .5 covers the row y .. y + 1
    for y, row in enumerate(qr.matrix, start=QUIET_ZONE):
        for x, length in _dark_runs(row):
            x += QUIET_ZONE
            parts.append(f"m{x - here[0]} {_number(y - here[1])}h{length}")
            here = (x + length, y)
    path = "M" + "".join(parts)[1:] if parts else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="{QR_LABEL}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" shape-rendering="crispEdges" d="{path}"/></svg>'
    )


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
