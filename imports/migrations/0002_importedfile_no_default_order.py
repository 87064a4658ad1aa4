"""Files of a batch have no default order: every query that lists them orders by position.

Ordering by the batch foreign key made each query join and sort by the batch as well.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="importedfile",
            options={},
        ),
    ]
