"""Bulk CSV import and export of products: one row per SKU, rows grouped into products by `handle`.

Import is all-or-nothing: every row is validated first (progress is visible while that runs), then all
products are created in one transaction. Any error -> nothing is created and the job keeps a per-row report.
"""

import csv
import io
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from micromall.errors import Invalid

from ..models import Brand, Category, ImportJob, ImportStatus, ProductStatus
from .products import (
    UNKNOWN_BRAND,
    UNKNOWN_CATEGORY,
    check_new_product,
    create_product,
    publish_product,
    spec_combinations,
    unpublish_product,
)

CSV_COLUMNS = [
    "handle",
    "title",
    "subtitle",
    "category",
    "brand",
    "tags",
    "status",
    "description_html",
    "sku_code",
    "specs",
    "price_amount",
    "compare_at_amount",
    "cost_amount",
    "stock",
    "weight_grams",
    "barcode",
    "low_stock_threshold",
]
REQUIRED_COLUMNS = {"handle", "title", "price_amount"}
SKU_COLUMNS = [
    "sku_code",
    "price_amount",
    "compare_at_amount",
    "cost_amount",
    "stock",
    "weight_grams",
    "barcode",
    "low_stock_threshold",
]
MAX_IMPORT_ROWS = 5000
# A cell starting with one of these is a formula to Excel/LibreOffice/Sheets (OWASP "CSV injection").
FORMULA_TRIGGERS = "=+-@\t\r"
PROGRESS_EVERY = 50


def _unescape_cell(value: str) -> str:
    """Undo the export's formula escaping (`'=x` -> `=x`, `''x` -> `'x`), so an export imports back unchanged."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_TRIGGERS + "'":
        return value[1:]
    return value


def _read_rows(text: str) -> list[tuple[int, dict]]:
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL and no spreadsheet writes one: a binary file, refused whole.
        raise Invalid(errors={"file": [_("The file contains a NUL character; it is not a CSV text file.")]})
    # newline="" lets the csv module see every line ending (\r\n, \n and the old Mac \r) as the docs ask.
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _checked_rows(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = _("Line %(line)s: a field is longer than %(limit)s characters.")
        else:
            message = _("Line %(line)s is not valid CSV.")
        line = reader.reader.line_num  # DictReader's own count lags one row behind a failing line
        raise Invalid(errors={"file": [message % {"line": line, "limit": csv.field_size_limit()}]}) from exc


def _checked_rows(reader: csv.DictReader) -> list[tuple[int, dict]]:
    header = set(reader.fieldnames or [])
    missing = REQUIRED_COLUMNS - header
    if missing:
        raise Invalid(errors={"file": [_("Missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))}]})
    unknown = header - set(CSV_COLUMNS)
    if unknown:
        raise Invalid(errors={"file": [_("Unknown columns: %(columns)s") % {"columns": ", ".join(sorted(unknown))}]})
    rows = [(reader.line_num, {k: _unescape_cell((v or "").strip()) for k, v in row.items() if k}) for row in reader]
    if not rows:
        raise Invalid(errors={"file": [_("The file has no rows.")]})
    if len(rows) > MAX_IMPORT_ROWS:
        raise Invalid(errors={"file": [_("At most %(count)d rows per file.") % {"count": MAX_IMPORT_ROWS}]})
    return rows


@transaction.atomic
def start_product_import(*, filename: str, text: str, actor_user_id: int | None) -> ImportJob:
    """Check the header now (a bad file is a 400 at once); the rows are handled by a Celery task."""
    rows = _read_rows(text)
    filename = filename.replace("\x00", "")[:200]
    job = ImportJob.objects.create(filename=filename, source=text, total=len(rows), actor_user_id=actor_user_id)
    from ..tasks import import_products  # tasks import services: import here to avoid the cycle

    transaction.on_commit(lambda: import_products.delay(job.pk))
    return job


def _parse_specs(raw: str) -> dict[str, str]:
    """`颜色=红;尺码=S` -> {"颜色": "红", "尺码": "S"}."""
    specs: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(part)
        specs[name.strip()] = value.strip()
    return specs


def _product_payload(rows: list[tuple[int, dict]], errors: dict[int, dict]) -> dict | None:
    """The API body for one handle's rows; reference errors (category, brand, specs) go to `errors`."""
    first_line, first = rows[0]
    payload: dict = {"title": first.get("title", "")}
    for column in ("subtitle", "description_html"):
        if first.get(column):
            payload[column] = first[column]
    if first.get("tags"):
        payload["tags"] = [t.strip() for t in first["tags"].split("|") if t.strip()]
    if first.get("category"):
        category_id = Category.objects.filter(slug=first["category"]).values_list("pk", flat=True).first()
        if category_id is None:
            errors.setdefault(first_line, {})["category"] = [str(UNKNOWN_CATEGORY)]
        payload["category"] = category_id
    if first.get("brand"):
        brand_id = Brand.objects.filter(name=first["brand"]).values_list("pk", flat=True).first()
        if brand_id is None:
            errors.setdefault(first_line, {})["brand"] = [str(UNKNOWN_BRAND)]
        payload["brand"] = brand_id
    status = first.get("status") or ProductStatus.DRAFT
    if status not in ProductStatus.values:
        errors.setdefault(first_line, {})["status"] = [_("Unknown status: use draft, active or inactive.")]
    payload["status"] = status
    groups: dict[str, list[str]] = {}
    skus = []
    for line, row in rows:
        try:
            specs = _parse_specs(row.get("specs", ""))
        except ValueError:
            errors.setdefault(line, {})["specs"] = [_("Use name=value;name=value.")]
            specs = {}
        for name, value in specs.items():
            values = groups.setdefault(name, [])
            if value not in values:
                values.append(value)
        sku = {"specs": specs, **{c: row[c] for c in SKU_COLUMNS if row.get(c)}}
        skus.append(sku)
    payload["specs"] = [{"name": name, "values": values} for name, values in groups.items()]
    payload["skus"] = skus
    return payload


# Columns holding whole numbers: CSV cells are text until read here.
NUMBER_COLUMNS = ("price_amount", "compare_at_amount", "cost_amount", "stock", "weight_grams", "low_stock_threshold")


def _typed_payload(payload: dict) -> tuple[dict, dict[str, list[str]]]:
    """The payload with number cells as ints, and `skus.<i>.<column>` errors for cells that are not numbers."""
    errors: dict[str, list[str]] = {}
    skus = []
    for i, sku in enumerate(payload.get("skus", [])):
        typed = dict(sku)
        for column in NUMBER_COLUMNS:
            if column in typed:
                try:
                    typed[column] = int(typed[column])
                except ValueError:
                    errors[f"skus.{i}.{column}"] = [_("A whole number is required.")]
        skus.append(typed)
    return {**payload, "skus": skus}, errors


def _row_errors(rows: list[tuple[int, dict]], exc: Invalid) -> dict[int, dict]:
    """Service field errors (`skus.2.price_amount`, `category`) -> {csv line: {column: messages}}."""
    flat = exc.errors or {"file": [exc.message]}
    out: dict[int, dict] = {}
    for key, messages in flat.items():
        parts = key.split(".")
        if parts[0] == "skus" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            line = rows[int(parts[1])][0]
            column = parts[2] if len(parts) > 2 else "sku_code"
        else:
            line, column = rows[0][0], parts[0]
        out.setdefault(line, {}).setdefault(column, []).extend(messages)
    return out


def validate_import(rows: list[tuple[int, dict]], on_progress=None) -> tuple[list[dict], dict[int, dict]]:
    """(product payloads, {line: {column: messages}}) without writing anything."""
    by_handle: dict[str, list[tuple[int, dict]]] = {}
    errors: dict[int, dict] = {}
    for line, row in rows:
        if not row.get("handle"):
            errors.setdefault(line, {})["handle"] = [_("Required.")]
            continue
        by_handle.setdefault(row["handle"], []).append((line, row))
    payloads, code_lines, done = [], {}, 0
    for group in by_handle.values():
        data, cell_errors = _typed_payload(_product_payload(group, errors))
        if cell_errors:
            for line, columns in _row_errors(group, Invalid(errors=cell_errors)).items():
                errors.setdefault(line, {}).update(columns)
        else:
            try:
                check_new_product(data=data)
            except Invalid as exc:
                for line, columns in _row_errors(group, exc).items():
                    errors.setdefault(line, {}).update(columns)
            for (line, _row), sku in zip(group, data.get("skus", []), strict=True):
                code = sku.get("sku_code")
                if code and code in code_lines:
                    errors.setdefault(line, {})["sku_code"] = [
                        _("Duplicate of line %(line)d.") % {"line": code_lines[code]}
                    ]
                code_lines.setdefault(code, line)
            if data.get("status") == ProductStatus.ACTIVE:
                priced = [s for s in data.get("skus", []) if s.get("price_amount", 0) > 0]
                if len(priced) != len(spec_combinations(data.get("specs", []))):
                    errors.setdefault(group[0][0], {})["status"] = [
                        _("Active products need a priced row per spec combination.")
                    ]
            payloads.append(data)
        done += len(group)
        if on_progress:
            on_progress(done)
    return payloads, errors


def run_product_import(*, job_id: int) -> ImportJob:
    """Idempotent: a job that is not pending (already run or running elsewhere) is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(status=ImportStatus.RUNNING)
    job = ImportJob.objects.get(pk=job_id)
    if not claimed:
        return job
    last_reported = 0

    def report(done: int) -> None:
        nonlocal last_reported
        if done - last_reported >= PROGRESS_EVERY:
            ImportJob.objects.filter(pk=job_id).update(processed=done)
            last_reported = done

    try:
        rows = _read_rows(job.source)
        payloads, errors = validate_import(rows, on_progress=report)
        if not errors:
            try:
                _create_all(payloads, job.actor_user_id)
            except Invalid as exc:  # lost a race (e.g. a SKU code taken meanwhile)
                errors = {0: _file_errors(exc)}
    except Invalid as exc:
        errors = {0: _file_errors(exc)}
    job.errors = [{"row": line, "errors": columns} for line, columns in sorted(errors.items())]
    job.status = ImportStatus.FAILED if errors else ImportStatus.SUCCEEDED
    job.created_products = 0 if errors else len(payloads)
    job.processed = job.total
    job.finished = timezone.now()
    job.save(update_fields=["errors", "status", "created_products", "processed", "finished"])
    return job


def _file_errors(exc: Invalid) -> dict:
    return exc.errors or {"file": [exc.message]}


@transaction.atomic
def _create_all(payloads: list[dict], actor_user_id: int | None) -> None:
    for data in payloads:
        product = create_product(data=data, actor_user_id=actor_user_id)
        if data.get("status") == ProductStatus.ACTIVE:
            publish_product(product=product)
        elif data.get("status") == ProductStatus.INACTIVE:
            unpublish_product(product=product)


def export_rows(products) -> Iterator[list[str]]:
    """CSV rows (header first) for `products`, prefetched with skus, spec groups, category and brand."""
    yield CSV_COLUMNS
    for product in products:
        names = [group.name for group in product.spec_groups.all()]  # jsonb does not keep key order
        for index, sku in enumerate(product.skus.all()):
            head = index == 0
            yield [
                f"P{product.pk}",
                product.title,
                product.subtitle if head else "",
                (product.category.slug if product.category else "") if head else "",
                (product.brand.name if product.brand else "") if head else "",
                "|".join(product.tags) if head else "",
                product.status if head else "",
                product.description_html if head else "",
                sku.code,
                ";".join(f"{name}={sku.specs[name]}" for name in names if name in sku.specs),
                str(sku.price_amount),
                "" if sku.compare_at_amount is None else str(sku.compare_at_amount),
                "" if sku.cost_amount is None else str(sku.cost_amount),
                str(sku.stock),
                str(sku.weight_grams),
                sku.barcode,
                str(sku.low_stock_threshold),
            ]


def escape_formula(value: str) -> str:
    """OWASP: a text cell a spreadsheet would run as a formula gets a leading `'` (and so does one already
    starting with `'`, so that import can undo exactly one)."""
    if value and value[0] in FORMULA_TRIGGERS + "'":
        return "'" + value
    return value


def export_products_csv(products) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)  # OWASP: every cell quoted, quotes doubled
    yield "\ufeff"  # Excel opens UTF-8 Chinese text correctly only with a BOM
    for row in export_rows(products):
        writer.writerow([escape_formula(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
