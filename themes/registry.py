"""Theme registry: every `themes/<slug>/manifest.json` is a theme (format: themes/README.md).

Pure Python, no database: the storefront (shop schema) and the template gallery (public schema) both
read themes from here. Manifests are read once per process; `reload_themes()` re-reads them (tests).
"""

import json
import re
from copy import deepcopy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

THEMES_DIR = Path(__file__).resolve().parent
DEFAULT_THEME = "classic"
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
REQUIRED_KEYS = ("slug", "name", "industry", "version", "description", "settings_schema", "templates", "preview")


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    industry: str
    version: str
    description: str
    settings_schema: dict
    templates: dict
    preview: str
    path: Path
    extra: dict = field(default_factory=dict)

    @property
    def templates_dir(self) -> Path:
        return self.path / "templates"

    @property
    def static_dir(self) -> Path:
        return self.path / "static"

    def static_path(self, name: str) -> str:
        """Path under STATIC_URL of one of this theme's static files (`themes/<slug>/<name>`)."""
        return f"themes/{self.slug}/{name}"

    def asset_path(self, name: str) -> str:
        """`static_path(name)` if this theme ships the file, else the default theme's (themes inherit assets)."""
        return _asset_path(self.slug, name)

    def asset_layers(self, name: str) -> list[str]:
        """Every copy of a static file along the inheritance chain, default theme first, then this theme's.

        For files that stack rather than replace, such as `css/theme.css`: a child theme's stylesheet is
        loaded after the default theme's and only restyles what differs.
        """
        return list(_asset_layers(self.slug, name))

    @property
    def texts(self) -> dict[str, str]:
        """The theme's interface texts (manifest `texts`) over the default theme's: a child names only what differs."""
        return dict(_texts(self.slug))

    @property
    def preview_path(self) -> str:
        """The preview image under STATIC_URL; `preview` in the manifest is relative to the theme folder."""
        return self.static_path(self.preview.removeprefix("static/"))

    def defaults(self) -> dict:
        return {key: deepcopy(spec["default"]) for key, spec in self.settings_schema["properties"].items()}


def _check_schema(schema: Any, where: str) -> None:
    if not isinstance(schema, dict) or schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise ManifestError(f"{where}: settings_schema must be a JSON Schema object with properties")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ManifestError(f"{where}: settings_schema is not a valid JSON Schema: {exc.message}") from exc
    missing = [key for key, spec in schema["properties"].items() if "default" not in spec]
    if missing:
        raise ManifestError(f"{where}: settings {missing} have no default")


def load_theme(path: Path) -> Theme:
    data = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ManifestError(f"{path.name}: manifest misses {missing}")
    if data["slug"] != path.name or not SLUG_RE.match(data["slug"]):
        raise ManifestError(f"{path.name}: slug must equal the folder name and match {SLUG_RE.pattern}")
    _check_schema(data["settings_schema"], path.name)
    texts = data.get("texts", {})
    if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
        raise ManifestError(f"{path.name}: texts must be an object of strings")
    extra = {key: value for key, value in data.items() if key not in REQUIRED_KEYS}
    theme = Theme(**{key: data[key] for key in REQUIRED_KEYS}, path=path, extra=extra)
    errors = list(Draft202012Validator(theme.settings_schema).iter_errors(theme.defaults()))
    if errors:
        raise ManifestError(f"{path.name}: defaults do not satisfy the schema: {errors}")
    return theme


@cache
def _themes() -> dict[str, Theme]:
    found = {}
    for manifest in sorted(THEMES_DIR.glob("*/manifest.json")):
        if manifest.parent.name.startswith(("_", ".")):
            continue
        theme = load_theme(manifest.parent)
        found[theme.slug] = theme
    return found


@cache
def _asset_path(slug: str, name: str) -> str:
    theme = _themes()[slug]
    if (theme.static_dir / name).is_file() or slug == DEFAULT_THEME:
        return theme.static_path(name)
    return default_theme().static_path(name)


@cache
def _asset_layers(slug: str, name: str) -> tuple[str, ...]:
    chain = [default_theme()] if slug == DEFAULT_THEME else [default_theme(), _themes()[slug]]
    return tuple(theme.static_path(name) for theme in chain if (theme.static_dir / name).is_file())


@cache
def _texts(slug: str) -> dict[str, str]:
    return {**default_theme().extra.get("texts", {}), **_themes()[slug].extra.get("texts", {})}


def reload_themes() -> None:
    _themes.cache_clear()
    _asset_path.cache_clear()
    _asset_layers.cache_clear()
    _texts.cache_clear()
    _validator.cache_clear()


def available_themes() -> list[Theme]:
    return list(_themes().values())


def get_theme(slug: str | None) -> Theme | None:
    return _themes().get(slug or "")


def default_theme() -> Theme:
    return _themes()[DEFAULT_THEME]


def theme_or_default(slug: str | None) -> Theme:
    return get_theme(slug) or default_theme()


# --- settings: JSON Schema validation, and merging with defaults -------------------------------------------

TYPE_NAMES = {
    "string": _("text"),
    "integer": _("a whole number"),
    "number": _("a number"),
    "boolean": _("yes or no"),
    "array": _("a list"),
    "object": _("a group of settings"),
}


def validate_settings(theme: Theme, data: Any) -> dict[str, list[str]]:
    """Field errors (`{"colors.primary": ["..."]}`) of `data` against the theme's JSON Schema; {} when valid.

    Top-level keys may be omitted (they take the manifest defaults); unknown keys, wrong types and
    out-of-range values are errors.
    """
    errors: dict[str, list[str]] = {}
    for error in _validator(theme.slug, theme.version).iter_errors(data):
        path = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            for key in extra:
                errors.setdefault(f"{path}.{key}" if path else key, []).append(gettext("Unknown setting."))
            continue
        errors.setdefault(path or "settings", []).append(_message(error))
    return errors


def _message(error) -> str:
    """A sentence a merchant can act on, in their language: never the raw regex or Python repr."""
    rule, limit = error.validator, error.validator_value
    if rule == "pattern":
        if "[0-9a-fA-F]{6}" in str(limit):
            return gettext("Enter a colour as # followed by six hex digits, e.g. #e4393c.")
        if "https?" in str(limit):
            return gettext("Enter a link starting with https://, http:// or / (a page of this shop).")
        return gettext("Enter a valid value.")
    if rule == "maxLength":
        return ngettext("At most %(limit)d character.", "At most %(limit)d characters.", limit) % {"limit": limit}
    if rule == "maxItems":
        return ngettext("At most %(limit)d item.", "At most %(limit)d items.", limit) % {"limit": limit}
    if rule == "minimum":
        return gettext("Must be at least %(limit)s.") % {"limit": limit}
    if rule == "maximum":
        return gettext("Must be at most %(limit)s.") % {"limit": limit}
    if rule == "enum":
        return gettext("Choose one of: %(values)s.") % {"values": ", ".join(map(str, limit))}
    if rule == "required":
        return gettext("Required: %(fields)s.") % {"fields": ", ".join(limit)}
    if rule == "type":
        return gettext("Wrong kind of value: expected %(type)s.") % {"type": TYPE_NAMES.get(str(limit), limit)}
    return gettext("Enter a valid value.")


@cache
def _validator(slug: str, version: str) -> Draft202012Validator:
    return Draft202012Validator(_themes()[slug].settings_schema)


def merged_settings(theme: Theme, stored: dict | None) -> dict:
    """Manifest defaults overlaid with the shop's stored values; keys the theme does not know are dropped.

    Objects merge one level deep (a stored `colors: {primary}` keeps the default `colors.accent`).
    """
    settings = theme.defaults()
    properties = theme.settings_schema.get("properties", {})
    for key, value in (stored or {}).items():
        if key not in properties or validate_settings(theme, {key: value}):
            continue  # stale settings from another theme or version never break the page
        if isinstance(value, dict) and isinstance(settings.get(key), dict):
            settings[key] = {**settings[key], **value}
        else:
            settings[key] = deepcopy(value)
    return settings
