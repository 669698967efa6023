"""The SQL that turns raw events into visitor-days and product-days; shared by the rollup (services) and by the
queries for days not rolled up yet (selectors), so both answer the same."""

VIEWS = "('view_shop', 'view_product')"

RAW_VISITOR_DAYS = f"""
SELECT day, visitor,
    MAX(member_id) AS member_id,
    COUNT(*) FILTER (WHERE kind IN {VIEWS}) AS views,
    COUNT(*) FILTER (WHERE kind = 'view_product') AS product_views,
    COUNT(*) FILTER (WHERE kind = 'add_to_cart') AS carts,
    COUNT(*) FILTER (WHERE kind = 'checkout') AS checkouts,
    COUNT(*) FILTER (WHERE kind = 'share') AS shares,
    COALESCE((ARRAY_AGG(share_code ORDER BY at) FILTER (WHERE kind IN {VIEWS} AND share_code <> ''))[1], '')
        AS via_share,
    COALESCE((ARRAY_AGG(source ORDER BY at) FILTER (WHERE source <> ''))[1], '') AS source,
    COALESCE((ARRAY_AGG(ref ORDER BY at) FILTER (WHERE ref <> ''))[1], '') AS ref
FROM analytics_event
WHERE day BETWEEN %(start)s AND %(end)s {{only}}
GROUP BY day, visitor
"""

RAW_PRODUCT_DAYS = """
SELECT day, product_id,
    COUNT(*) FILTER (WHERE kind = 'view_product') AS views,
    COUNT(DISTINCT visitor) FILTER (WHERE kind = 'view_product') AS visitors,
    COUNT(DISTINCT visitor) FILTER (WHERE kind = 'add_to_cart') AS carts
FROM analytics_event
WHERE product_id IS NOT NULL AND day BETWEEN %(start)s AND %(end)s {only}
GROUP BY day, product_id
"""

NOT_ROLLED = "AND day NOT IN (SELECT day FROM analytics_rolledday WHERE day BETWEEN %(start)s AND %(end)s)"

VISITOR_COLUMNS = "day, visitor, member_id, views, product_views, carts, checkouts, shares, via_share, source, ref"

# Every visitor-day of [start, end]: rolled-up days from VisitorDay, the others (today...) from raw events.
VISITOR_DAYS = f"""
SELECT {VISITOR_COLUMNS} FROM analytics_visitorday WHERE day BETWEEN %(start)s AND %(end)s
UNION ALL
{RAW_VISITOR_DAYS.format(only=NOT_ROLLED)}
"""

PRODUCT_DAYS = f"""
SELECT day, product_id, views, visitors, carts FROM analytics_productday WHERE day BETWEEN %(start)s AND %(end)s
UNION ALL
{RAW_PRODUCT_DAYS.format(only=NOT_ROLLED)}
"""
