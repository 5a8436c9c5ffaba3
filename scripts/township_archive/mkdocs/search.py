"""Material's search: its index file carries the address of our shards to its search bundle."""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..files import write_atomically

# Material's search plugin writes this file (here: no documents, only its configuration);
# its bundle fetches it at page load and hands it to the worker.
MATERIAL_INDEX = "search/search_index.json"


def search_plugin(config: MkDocsConfig):
    """Material's search plugin from a loaded MkDocs config, or None when the site has no search box."""
    return config.plugins.get("material/search") or config.plugins.get("search")


def point_material_index(site_dir: Path, manifest: dict) -> None:
    """Empty Material's own index and add our manifest to its configuration."""
    material_index = site_dir / MATERIAL_INDEX
    index = json.loads(material_index.read_text(encoding="utf-8")) if material_index.is_file() else {"docs": []}
    index.setdefault("config", {})["archive"] = manifest
    index["docs"] = []
    # At once: the preview points pages at a new index while they may be loading this file.
    write_atomically(material_index, json.dumps(index, ensure_ascii=False, separators=(",", ":")), fsync=False)
