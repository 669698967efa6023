"""Full-text search document on catalog_product, kept by a trigger (owned by catalog/search.py).

PostgreSQL has no Chinese word segmentation, so a document is a bag of lexemes built by
`mm_search_lexemes`: lowercase Latin/digit words plus every CJK unigram and bigram. Lexemes go
straight into a tsvector with array_to_tsvector (no text-search parser, so no dependency on the
server's locale: C, C.UTF-8 or anything else give the same document). `mm_search_query` turns a
shopper's query into the same tokens, AND-ed: CJK bigrams (a single CJK character as a unigram) and
Latin words as prefixes. GIN-indexed. A trigger keeps the column current on product writes and when a
brand or category is renamed, so catalog services need not know about search.
"""

from django.db import migrations

CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
WORD = r"0-9a-z\u00c0-\u024f"

FORWARD = rf"""
CREATE OR REPLACE FUNCTION mm_search_lexemes(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT tok), '{{}}'::text[]) FROM (
    SELECT w[1] AS tok FROM regexp_matches(lower(coalesce(doc, '')), '([{WORD}]+)', 'g') AS w
    UNION ALL
    SELECT substr(r.run, i, n) FROM
      (SELECT c[1] AS run FROM regexp_matches(coalesce(doc, ''), '([{CJK}]+)', 'g') AS c) AS r,
      generate_series(1, char_length(r.run)) AS i,
      (VALUES (1), (2)) AS g(n)
    WHERE i + n - 1 <= char_length(r.run)
  ) AS t
$$;

CREATE OR REPLACE FUNCTION mm_search_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_agg(term, ' & ')::tsquery FROM (
    SELECT '''' || w[1] || ''':*' AS term FROM regexp_matches(lower(coalesce(q, '')), '([{WORD}]+)', 'g') AS w
    UNION
    SELECT '''' || substr(r.run, i, least(2, char_length(r.run))) || '''' FROM
      (SELECT c[1] AS run FROM regexp_matches(coalesce(q, ''), '([{CJK}]+)', 'g') AS c) AS r,
      generate_series(1, greatest(char_length(r.run) - 1, 1)) AS i
  ) AS t
$$;

CREATE OR REPLACE FUNCTION mm_product_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := array_to_tsvector(mm_search_lexemes(concat_ws(' ',
    NEW.title, NEW.subtitle, array_to_string(NEW.tags, ' '),
    (SELECT name FROM catalog_brand WHERE id = NEW.brand_id),
    (SELECT name FROM catalog_category WHERE id = NEW.category_id))));
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION mm_touch_products_of_brand() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_product SET title = title WHERE brand_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION mm_touch_products_of_category() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_product SET title = title WHERE category_id = NEW.id;
  RETURN NULL;
END
$$;

ALTER TABLE catalog_product ADD COLUMN search_document tsvector NOT NULL DEFAULT ''::tsvector;

CREATE TRIGGER product_search_document
  BEFORE INSERT OR UPDATE OF title, subtitle, tags, brand_id, category_id ON catalog_product
  FOR EACH ROW EXECUTE FUNCTION mm_product_search_document();

CREATE TRIGGER brand_renamed_search_document
  AFTER UPDATE OF name ON catalog_brand
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION mm_touch_products_of_brand();

CREATE TRIGGER category_renamed_search_document
  AFTER UPDATE OF name ON catalog_category
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION mm_touch_products_of_category();

UPDATE catalog_product SET title = title;

CREATE INDEX product_search_document ON catalog_product USING gin (search_document);
"""

BACKWARD = """
DROP INDEX IF EXISTS product_search_document;
DROP TRIGGER IF EXISTS category_renamed_search_document ON catalog_category;
DROP TRIGGER IF EXISTS brand_renamed_search_document ON catalog_brand;
DROP TRIGGER IF EXISTS product_search_document ON catalog_product;
ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_document;
DROP FUNCTION IF EXISTS mm_touch_products_of_category();
DROP FUNCTION IF EXISTS mm_touch_products_of_brand();
DROP FUNCTION IF EXISTS mm_product_search_document();
DROP FUNCTION IF EXISTS mm_search_query(text);
DROP FUNCTION IF EXISTS mm_search_lexemes(text);
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
