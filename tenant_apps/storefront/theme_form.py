"""The 店铺装修 form: one form field per leaf setting of a theme's settings schema (themes/README.md).

Leaves are the top-level settings and the properties of flat objects (`colors.primary`). Field names are the
dotted paths `validate_settings()` reports errors under, so its messages land next to the right input.
Values that are hard to edit as inputs (arrays such as banner slides, nested objects) get a JSON textarea
for just that key. The schema is the only validator: inputs carry min/max/maxlength as browser hints, but
bounds, patterns and enums are checked by `validate_settings()` with its bilingual messages.
"""

import json
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings

from micromall.json_limits import json_problems, nul_message, too_deep_message
from themes.registry import Theme

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The hex text drives the picker beside it (the picker drives the text: color_input.html).
OTHER_SETTINGS = "页面设置 / Page settings"
SYNC_PICKER = "if(/^#[0-9a-fA-F]{6}$/.test(this.value))this.previousElementSibling.value=this.value"


@dataclass(frozen=True)
class Leaf:
    path: str  # "announcement" or "colors.primary"
    schema: dict  # with the local $ref resolved
    kind: str  # color, text, integer, number, boolean, enum, json


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


def leaves(theme: Theme) -> list[Leaf]:
    root = theme.settings_schema
    found = []
    for key, raw in root["properties"].items():
        schema = _resolve(root, raw)
        if _is_flat_object(root, schema):
            for sub_key, sub in schema["properties"].items():
                resolved = _resolve(root, sub)
                found.append(Leaf(f"{key}.{sub_key}", resolved, _kind(resolved)))
        else:
            found.append(Leaf(key, schema, _kind(schema)))
    return found


def groups(theme: Theme) -> list[tuple[str, list[str]]]:
    """(heading, field names): a flat object's leaves under its title; other settings together in between."""
    result: list[tuple[str, list[str]]] = []
    root = theme.settings_schema
    for leaf in leaves(theme):
        top = leaf.path.split(".")[0]
        heading = _label(_resolve(root, root["properties"][top]), top) if "." in leaf.path else OTHER_SETTINGS
        if result and result[-1][0] == heading:
            result[-1][1].append(leaf.path)
        else:
            result.append((heading, [leaf.path]))
    return result


def _label(schema: dict, fallback: str) -> str:
    return str(schema.get("title") or fallback)


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
            raise forms.ValidationError("必填。 / Required.")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON 格式错误 / Invalid JSON: {exc}") from exc
        except RecursionError:
            raise forms.ValidationError(too_deep_message()) from None
        too_deep, with_nul = json_problems(value, settings.MAX_JSON_DEPTH)
        if too_deep or with_nul:  # a 500 otherwise (recursion, or PostgreSQL refusing NUL in jsonb)
            raise forms.ValidationError(too_deep_message() if too_deep else nul_message())
        return value


def _field(leaf: Leaf) -> forms.Field:
    schema = leaf.schema
    label = _label(schema, leaf.path.split(".")[-1])
    common = {"label": label, "help_text": schema.get("description", ""), "required": False}
    if leaf.kind == "color":
        return forms.CharField(widget=ColorInput(attrs={"size": 9, "maxlength": 7, "oninput": SYNC_PICKER}), **common)
    if leaf.kind == "text":
        attrs = {"size": 60}
        if "maxLength" in schema:
            attrs["maxlength"] = schema["maxLength"]
        return forms.CharField(strip=False, widget=forms.TextInput(attrs=attrs), **common)
    if leaf.kind in ("integer", "number"):
        attrs = {key: schema[bound] for key, bound in (("min", "minimum"), ("max", "maximum")) if bound in schema}
        field_class = forms.IntegerField if leaf.kind == "integer" else forms.FloatField
        return field_class(widget=forms.NumberInput(attrs=attrs), **common)
    if leaf.kind == "boolean":
        return forms.BooleanField(**common)
    if leaf.kind == "enum":
        # Choices are keyed by the JSON text of each value, so non-string enums survive the round trip.
        choices = [
            (json.dumps(v, ensure_ascii=False), v if isinstance(v, str) else json.dumps(v)) for v in schema["enum"]
        ]
        return forms.TypedChoiceField(choices=choices, coerce=json.loads, **common)
    return JsonField(**common)


def _get(settings: dict, path: str):
    value = settings
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class ThemeSettingsForm(forms.Form):
    """The theme picker, then one field per leaf setting of `theme`, pre-filled with the settings in effect."""

    theme = forms.ChoiceField(label="主题 / Theme")

    def __init__(self, *args, theme: Theme, themes: list[Theme], settings: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_in_use = theme
        self.fields["theme"].choices = [(t.slug, f"{t.name} ({t.version})") for t in themes]
        self.initial["theme"] = theme.slug
        self.leaves = leaves(theme)
        if self.is_switch:
            return  # the posted settings belong to the old theme: a switch carries over what the new one accepts
        for leaf in self.leaves:
            self.fields[leaf.path] = _field(leaf)
            value = _get(settings, leaf.path)
            if leaf.kind == "enum":
                value = json.dumps(value, ensure_ascii=False)
            self.initial[leaf.path] = value

    @property
    def is_switch(self) -> bool:
        return self.is_bound and self.data.get("theme") != self.theme_in_use.slug

    def sections(self):
        """(heading, bound fields) for the template."""
        names = set(self.fields)
        sections = [(heading, [self[n] for n in paths if n in names]) for heading, paths in groups(self.theme_in_use)]
        for _, bound_fields in sections:
            for bound in bound_fields:
                bound.css_name = bound.name.replace(".", "-")  # the form row's class: field-colors-primary
        return sections

    def settings_value(self) -> dict:
        """Every setting from the cleaned data (call after is_valid()); blank numbers fall back to the default."""
        settings: dict = {}
        for leaf in self.leaves:
            value = self.cleaned_data.get(leaf.path)
            if value is None and leaf.kind in ("integer", "number"):
                continue
            if value is None and leaf.kind in ("color", "text"):
                value = ""
            top, _, sub = leaf.path.partition(".")
            if sub:
                settings.setdefault(top, {})[sub] = value
            else:
                settings[top] = value
        return settings

    def add_schema_errors(self, errors: dict[str, list[str]]) -> None:
        """Put `validate_settings()` errors (`settings.colors.primary`) on the field they concern."""
        for key, messages in errors.items():
            path = key.removeprefix("settings.")
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
