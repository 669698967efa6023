"""sales_count moves off the product row into ProductStats: a sale no longer touches catalog_product, so it
no longer bumps the catalog version (statement trigger on catalog_product) nor flushes storefront caches."""

import django.db.models.deletion
from django.db import migrations, models

COPY_FORWARD = """
INSERT INTO catalog_productstats (product_id, sales_count)
SELECT id, sales_count FROM catalog_product WHERE sales_count > 0;
"""
COPY_BACKWARD = """
UPDATE catalog_product SET sales_count = s.sales_count
FROM catalog_productstats s WHERE s.product_id = catalog_product.id;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0003_search_nfkc'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductStats',
            fields=[
                ('product', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='stats', serialize=False, to='catalog.product')),
                ('sales_count', models.PositiveIntegerField(default=0, verbose_name='sales count')),
            ],
            options={
                'verbose_name': 'product statistics',
                'verbose_name_plural': 'product statistics',
            },
        ),
        migrations.RunSQL(COPY_FORWARD, COPY_BACKWARD),
        migrations.RemoveIndex(
            model_name='product',
            name='product_status_sales',
        ),
        migrations.RemoveField(
            model_name='product',
            name='sales_count',
        ),
    ]
