"""GLightbox's script and styles, as the mkdocs-glightbox package ships them.

We publish the two files ourselves (only pages with figures load them), so no page needs the
plugin's inline script and style; `overrides/assets/javascripts/lightbox.js` starts it.
The package is found without importing it: its plugin module imports MkDocs.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path


def _glightbox_folder() -> Path:
    spec = find_spec("mkdocs_glightbox")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("mkdocs_glightbox")
    return Path(next(iter(spec.submodule_search_locations))) / "glightbox"


_FOLDER = _glightbox_folder()
# Site path -> file in the package.
LIGHTBOX_ASSETS = {
    "assets/javascripts/glightbox.min.js": _FOLDER / "glightbox.min.js",
    "assets/stylesheets/glightbox.min.css": _FOLDER / "glightbox.min.css",
}
