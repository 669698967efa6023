"""The gallery's view of themes/ (read through the storefront's registry, format: themes/README.md).

A theme's demo catalog is `themes/<slug>/demo/catalog.json`, with image files beside it under `demo/`.
"""

import functools
import json
from pathlib import Path

from themes.registry import Theme, available_themes, get_theme, reload_themes

__all__ = ["Theme", "available_themes", "demo_catalog", "get_theme", "reload_themes", "version_key"]


def version_key(version: str) -> tuple[int, ...]:
    """'1.10.0' > '1.9.2': compare numerically, part by part (non-numeric parts count as 0)."""
    return tuple(int(part) if part.isdigit() else 0 for part in str(version).split("."))


def demo_dir(theme: Theme) -> Path:
    return theme.path / "demo"


@functools.cache
def demo_catalog(slug: str, version: str) -> tuple[dict | None, Path | None]:
    """The parsed demo catalog and the folder its images are in; read once per process and version."""
    theme = get_theme(slug)
    if theme is None:
        return None, None
    path = demo_dir(theme) / "catalog.json"
    if not path.is_file():
        return None, demo_dir(theme)
    return json.loads(path.read_text(encoding="utf-8")), demo_dir(theme)
