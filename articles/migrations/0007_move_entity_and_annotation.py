"""Entity and Annotation move to apps of their own (entities, annotations), keeping their tables.

Only Django's idea of where the models live changes here; the rows stay where they are. The
new apps' first migrations take the models over under the same table names.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_entity_spelling_keys")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel("Annotation"), migrations.DeleteModel("Entity")],
            database_operations=[],
        ),
    ]
