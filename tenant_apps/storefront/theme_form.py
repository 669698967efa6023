"""The 店铺装修 form: one form field per leaf setting of a theme's settings schema (themes/README.md).

Leaves are the top-level settings and the properties of flat objects (`colors.primary`). Field names are the
dotted paths `validate_settings()` reports errors under, so its messages land next to the right input.
Lists of flat objects (banner slides, home sections, shortcuts) are repeatable rows: one field per property
per row (`banner_slides.0.image_url`), added, removed and reordered in the browser (theme_settings.js renumbers
the rows in page order before posting). Image settings (`logo_url`, a slide's `image_url`) take an upload as
well as a link. What fits neither (nested objects) gets a JSON textarea for just that key. The schema is the
only validator: inputs carry min/max/maxlength as browser hints, but bounds, patterns and enums are checked by
`validate_settings()` with its translated messages.
"""

import json
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from micromall.json_limits import json_problems, nul_message, too_deep_message
from themes.registry import Theme

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The hex text drives the picker beside it (the picker drives the text: color_input.html).
OTHER_SETTINGS = _("Page settings")
SYNC_PICKER = "if(/^#[0-9a-fA-F]{6}$/.test(this.value))this.previousElementSibling.value=this.value"


# Settings that hold a picture: a link field with an upload button and a thumbnail.
IMAGE_KEYS = {"logo_url", "image_url"}
# Words for the properties of list rows (manifests give them no title) and for enum values.
ROW_LABELS = {
    "image_url": _("Picture"),
    "title": _("Title"),
    "subtitle": _("Subtitle"),
    "link": _("Link"),
    "source": _("Products"),
    "category": _("Category"),
    "limit": _("Number of products"),
    "label": _("Label"),
    "type": _("Type"),
}
ENUM_LABELS = {
    "new": _("Newest first"),
    "sales": _("Best sellers"),
    "category": _("From a category"),
    "list": _("List"),
    "grid": _("Grid"),
    "square": _("Square"),
    "tall": _("Tall"),
    "product_grid": _("Product grid"),
}
ROW_INDEX = re.compile(r"^(?P<path>[\w]+)\.(?P<index>\d+)\.(?P<key>\w+)$")


@dataclass(frozen=True)
class Leaf:
    path: str  # "announcement", "colors.primary", or for a row's property just its key ("image_url")
    schema: dict  # with the local $ref resolved
    kind: str  # color, text, image, integer, number, boolean, enum, rows, json
    items: tuple["Leaf", ...] = ()  # the properties of one row (kind "rows")
    required: frozenset = frozenset()  # the row properties the schema requires


def _resolve(root: dict, schema: dict) -> dict:
    """`schema` with a local `#/$defs/...` reference merged in (the manifest's own keys win)."""
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    target = root
    for part in ref[2:].split("/"):
        target = target.get(part, {}) if isinstance(target, dict) else {}
    return {**_resolve(root, target), **{k: v for k, v in schema.items() if k != "$ref"}}


def _kind(schema: dict) -> str:
    if "enum" in schema:
        return "enum"
    kind = schema.get("type")
    if kind == "string":
        pattern = schema.get("pattern", "")
        return "color" if schema.get("format") == "color" or "[0-9a-fA-F]{6}" in pattern else "text"
    if kind in ("integer", "number", "boolean"):
        return kind
    return "json"


def _is_flat_object(root: dict, schema: dict) -> bool:
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return False
    return all(_kind(_resolve(root, sub)) != "json" for sub in schema["properties"].values())


def _leaf(root: dict, path: str, schema: dict) -> Leaf:
    """The leaf of one setting; `path`'s last part names it (an image key gets the upload widget)."""
    key = path.rsplit(".", 1)[-1]
    kind = _kind(schema)
    if kind == "text" and key in IMAGE_KEYS:
        kind = "image"
    if kind == "json" and schema.get("type") == "array":
        items = _resolve(root, schema.get("items") or {})
        if _is_flat_object(root, items):
            rows = tuple(_leaf(root, sub_key, _resolve(root, sub)) for sub_key, sub in items["properties"].items())
            return Leaf(path, schema, "rows", rows, frozenset(items.get("required", ())))
    return Leaf(path, schema, kind)


def leaves(theme: Theme) -> list[Leaf]:
    root = theme.settings_schema
    found = []
    for key, raw in root["properties"].items():
        schema = _resolve(root, raw)
        if _is_flat_object(root, schema):
            for sub_key, sub in schema["properties"].items():
                found.append(_leaf(root, f"{key}.{sub_key}", _resolve(root, sub)))
        else:
            found.append(_leaf(root, key, schema))
    return found


def groups(theme: Theme) -> list[tuple[str, list[str]]]:
    """(heading, setting paths): a flat object's leaves under its title, each list of rows under its own title;
    other settings together in between."""
    result: list[tuple[str, list[str]]] = []
    root = theme.settings_schema
    for leaf in leaves(theme):
        top = leaf.path.split(".")[0]
        own_heading = "." in leaf.path or leaf.kind == "rows"
        heading = _label(_resolve(root, root["properties"][top]), top) if own_heading else OTHER_SETTINGS
        if result and result[-1][0] == heading and leaf.kind != "rows":
            result[-1][1].append(leaf.path)
        else:
            result.append((heading, [leaf.path]))
    return result


def _label(schema: dict, fallback: str) -> str:
    # Manifest titles are English msgids listed in themes/texts.py.
    return gettext(str(schema.get("title") or fallback))


class ColorInput(forms.TextInput):
    """A colour picker plus the hex text it mirrors; the text input carries the submitted value."""

    template_name = "storefront/admin/color_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["picker_value"] = value if isinstance(value, str) and HEX_COLOR.match(value) else "#000000"
        return context


class JsonField(forms.CharField):
    """A JSON textarea for one setting; the parsed value goes on to the schema check."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 70, "style": "font-family:monospace"})

    def prepare_value(self, value):
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2)

    def to_python(self, value):
        raw = (value or "").strip()
        if not raw:
            raise forms.ValidationError(gettext("Required."))
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(gettext("Invalid JSON: %(error)s") % {"error": exc}) from exc
        except RecursionError:
            raise forms.ValidationError(too_deep_message()) from None
        too_deep, with_nul = json_problems(value, settings.MAX_JSON_DEPTH)
        if too_deep or with_nul:  # a 500 otherwise (recursion, or PostgreSQL refusing NUL in jsonb)
            raise forms.ValidationError(too_deep_message() if too_deep else nul_message())
        return value


class ImageUrlInput(forms.TextInput):
    """A picture setting: its link, a thumbnail, and an upload button that stores the file in the shop's media
    and fills in the link (theme_settings.js posts it to the screen's upload URL)."""

    template_name = "storefront/admin/image_url_input.html"


def _label_for(leaf: Leaf) -> str:
    key = leaf.path.rsplit(".", 1)[-1]
    if "title" not in leaf.schema and key in ROW_LABELS:
        return str(ROW_LABELS[key])
    return _label(leaf.schema, key)


def _enum_label(value) -> str:
    if isinstance(value, str):
        return str(ENUM_LABELS[value]) if value in ENUM_LABELS else value
    return json.dumps(value)


def _field(leaf: Leaf) -> forms.Field:
    schema = leaf.schema
    common = {"label": _label_for(leaf), "help_text": schema.get("description", ""), "required": False}
    if leaf.kind == "color":
        return forms.CharField(widget=ColorInput(attrs={"size": 9, "maxlength": 7, "oninput": SYNC_PICKER}), **common)
    if leaf.kind in ("text", "image"):
        attrs = {"size": 60}
        if "maxLength" in schema:
            attrs["maxlength"] = schema["maxLength"]
        widget = ImageUrlInput(attrs=attrs) if leaf.kind == "image" else forms.TextInput(attrs=attrs)
        return forms.CharField(strip=False, widget=widget, **common)
    if leaf.kind in ("integer", "number"):
        attrs = {key: schema[bound] for key, bound in (("min", "minimum"), ("max", "maximum")) if bound in schema}
        field_class = forms.IntegerField if leaf.kind == "integer" else forms.FloatField
        return field_class(widget=forms.NumberInput(attrs=attrs), **common)
    if leaf.kind == "boolean":
        return forms.BooleanField(**common)
    if leaf.kind == "enum":
        # Choices are keyed by the JSON text of each value, so non-string enums survive the round trip.
        choices = [(json.dumps(v, ensure_ascii=False), _enum_label(v)) for v in schema["enum"]]
        widget = forms.HiddenInput if len(choices) == 1 else forms.Select  # a fixed value (a section's type)
        return forms.TypedChoiceField(choices=choices, coerce=json.loads, widget=widget, **common)
    return JsonField(**common)


@dataclass
class RowsBlock:
    """A list setting in the template: its rows (bound fields per property), a blank row for the browser to
    copy, and the most rows the schema allows."""

    leaf: Leaf
    rows: list[list]
    blank: list
    max_items: int | None
    is_rows = True

    @property
    def name(self) -> str:
        return self.leaf.path

    @property
    def css_name(self) -> str:
        return self.leaf.path.replace(".", "-")


def _get(settings: dict, path: str):
    value = settings
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class ThemeSettingsForm(forms.Form):
    """The theme picker, then one field per leaf setting of `theme`, pre-filled with the settings in effect."""

    theme = forms.ChoiceField(label=_("Theme"))

    def __init__(self, *args, theme: Theme, themes: list[Theme], settings: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_in_use = theme
        self.fields["theme"].choices = [(t.slug, f"{gettext(t.name)} ({t.version})") for t in themes]
        self.initial["theme"] = theme.slug
        self.leaves = leaves(theme)
        self.row_indices: dict[str, list[int]] = {}  # list setting -> the form's row numbers, in order
        self.kept_rows: dict[str, list[int]] = {}  # ... of the rows that were not left blank (after clean)
        if self.is_switch:
            return  # the posted settings belong to the old theme: a switch carries over what the new one accepts
        for leaf in self.leaves:
            value = _get(settings, leaf.path)
            if leaf.kind == "rows":
                self._add_rows(leaf, value if isinstance(value, list) else [])
                continue
            self.fields[leaf.path] = _field(leaf)
            if leaf.kind == "enum":
                value = json.dumps(value, ensure_ascii=False)
            self.initial[leaf.path] = value

    def _add_rows(self, leaf: Leaf, rows: list) -> None:
        if self.is_bound:
            found = (ROW_INDEX.match(key) for key in self.data)
            indices = sorted({int(m["index"]) for m in found if m and m["path"] == leaf.path})
        else:
            indices = list(range(len(rows)))
        self.row_indices[leaf.path] = indices
        for index in indices:
            row = rows[index] if not self.is_bound and isinstance(rows[index], dict) else {}
            for item in leaf.items:
                name = f"{leaf.path}.{index}.{item.path}"
                self.fields[name] = _field(item)
                value = row.get(item.path)
                self.initial[name] = json.dumps(value, ensure_ascii=False) if item.kind == "enum" else value

    def _rows_block(self, leaf: Leaf) -> RowsBlock:
        rows = [
            [self[f"{leaf.path}.{index}.{item.path}"] for item in leaf.items]
            for index in self.row_indices.get(leaf.path, [])
        ]
        for row in rows:
            for bound in row:
                bound.css_name = bound.name.replace(".", "-")  # field-banner_slides-0-title
        blank = []
        for item in leaf.items:
            field = _field(item)
            if item.kind == "enum":  # a new row starts on the first choice (e.g. a section of new products)
                field.initial = field.choices[0][0]
            blank.append(forms.BoundField(self, field, f"{leaf.path}.__index__.{item.path}"))
        return RowsBlock(leaf=leaf, rows=rows, blank=blank, max_items=leaf.schema.get("maxItems"))

    @property
    def is_switch(self) -> bool:
        return self.is_bound and self.data.get("theme") != self.theme_in_use.slug

    def sections(self):
        """(heading, items) for the template: an item is a bound field or a RowsBlock (a list setting)."""
        names = set(self.fields)
        by_path = {leaf.path: leaf for leaf in self.leaves}
        sections = []
        for heading, paths in groups(self.theme_in_use):
            items = []
            for path in paths:
                leaf = by_path[path]
                if leaf.kind == "rows" and not self.is_switch:
                    items.append(self._rows_block(leaf))
                elif path in names:
                    bound = self[path]
                    bound.css_name = path.replace(".", "-")  # the form row's class: field-colors-primary
                    items.append(bound)
            sections.append((heading, items))
        return sections

    def clean(self):
        data = super().clean()
        for leaf in self.leaves:
            if leaf.kind != "rows" or self.is_switch:
                continue
            kept = []
            for index in self.row_indices.get(leaf.path, []):
                values = {item.path: data.get(f"{leaf.path}.{index}.{item.path}") for item in leaf.items}
                typed = [item for item in leaf.items if item.kind != "enum" and values[item.path] not in (None, "")]
                if not typed:
                    continue  # a row left blank is dropped, like an empty extra row of a formset
                kept.append(index)
                for item in leaf.items:
                    if item.path in leaf.required and values[item.path] in (None, ""):
                        self.add_error(f"{leaf.path}.{index}.{item.path}", gettext("This field is required."))
            self.kept_rows[leaf.path] = kept
        return data

    def _row_value(self, leaf: Leaf, index: int) -> dict:
        row = {}
        for item in leaf.items:
            value = self.cleaned_data.get(f"{leaf.path}.{index}.{item.path}")
            if value in (None, "") and item.path not in leaf.required:
                continue  # an optional property left empty is left out, as the theme's defaults do
            row[item.path] = "" if value is None else value
        return row

    def settings_value(self) -> dict:
        """Every setting from the cleaned data (call after is_valid()); blank numbers fall back to the default."""
        settings: dict = {}
        for leaf in self.leaves:
            if leaf.kind == "rows":
                settings[leaf.path] = [self._row_value(leaf, index) for index in self.kept_rows.get(leaf.path, [])]
                continue
            value = self.cleaned_data.get(leaf.path)
            if value is None and leaf.kind in ("integer", "number"):
                continue
            if value is None and leaf.kind in ("color", "text", "image"):
                value = ""
            top, _, sub = leaf.path.partition(".")
            if sub:
                settings.setdefault(top, {})[sub] = value
            else:
                settings[top] = value
        return settings

    def _form_path(self, path: str) -> str:
        """`banner_slides.1.title` of the saved list -> the form's row number (blank rows were dropped)."""
        top, _, rest = path.partition(".")
        index, _, tail = rest.partition(".")
        kept = self.kept_rows.get(top)
        if kept is None or not index.isdigit() or int(index) >= len(kept):
            return path
        return f"{top}.{kept[int(index)]}" + (f".{tail}" if tail else "")

    def add_schema_errors(self, errors: dict[str, list[str]]) -> None:
        """Put `validate_settings()` errors (`settings.colors.primary`) on the field they concern."""
        for key, messages in errors.items():
            path = self._form_path(key.removeprefix("settings."))
            field = next((p for p in sorted(self.fields, key=len, reverse=True) if _covers(p, path)), None)
            if field is None or (field == "theme" and key != "theme"):
                self.add_error(None, [f"{path}: {m}" for m in messages])
            else:
                self.add_error(field, messages if field == path else [f"{path}: {m}" for m in messages])


def _covers(field: str, path: str) -> bool:
    return path == field or path.startswith(field + ".")


def customised_only(theme: Theme, settings: dict) -> dict:
    """The settings that differ from the theme's defaults (objects compared key by key).

    The shop's row stores only customisations, so a later theme version's new defaults still reach the shop.
    """
    defaults = theme.defaults()
    changed: dict = {}
    for key, value in settings.items():
        default = defaults.get(key)
        if isinstance(value, dict) and isinstance(default, dict):
            diff = {k: v for k, v in value.items() if default.get(k) != v}
            if diff:
                changed[key] = diff
        elif value != default:
            changed[key] = value
    return changed
