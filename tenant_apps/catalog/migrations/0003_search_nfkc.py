"""Search folds compatibility forms (NFKC): full-width `Ｄｒｅｓｓ` and `ｄｒｅｓｓ` find `Summer Dress`.

Shoppers on Chinese IMEs often type full-width Latin letters and digits. The tokenizers of 0002 are kept
as `*_raw`; the public names normalise first, and every product's document is rebuilt.
"""

from django.db import migrations

FUNCTIONS = {"mm_search_lexemes": "text[]", "mm_search_query": "tsquery"}

FORWARD = "".join(
    f"""
ALTER FUNCTION {name}(text) RENAME TO {name}_raw;
CREATE FUNCTION {name}(value text) RETURNS {returns}
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {name}_raw(normalize(coalesce(value, ''), NFKC)) $$;
"""
    for name, returns in FUNCTIONS.items()
) + "UPDATE catalog_product SET title = title;"

BACKWARD = "".join(
    f"""
DROP FUNCTION {name}(text);
ALTER FUNCTION {name}_raw(text) RENAME TO {name};
"""
    for name in FUNCTIONS
) + "UPDATE catalog_product SET title = title;"


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_document")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
