from django.db import migrations, models

# Entity names sort the Hungarian way (Á with A, Cs after C, Zs last) in the catalogue and
# wherever else they are ordered, and the name indexes follow the column's collation. ICU's
# Hungarian where the server has ICU (PostgreSQL packages do); else the operating system's
# hu_HU locale; else (the embedded PostgreSQL is built without ICU) the server's default order.
CREATE_COLLATION = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'hu-x-icu') THEN
        CREATE COLLATION newsroom_hu (provider = icu, locale = 'hu');
    ELSIF EXISTS (SELECT 1 FROM pg_collation WHERE collname IN ('hu_HU.utf8', 'hu_HU.UTF-8')) THEN
        CREATE COLLATION newsroom_hu (provider = libc, locale = 'hu_HU.utf8');
    ELSE
        -- "default" cannot be copied: the database's own libc order under this name instead.
        EXECUTE format(
            'CREATE COLLATION newsroom_hu (provider = libc, locale = %L)',
            (SELECT datcollate FROM pg_database WHERE datname = current_database())
        );
    END IF;
END $$;
"""

# The search names' trigger (migration 0003) depends on the column, so it steps aside while its
# type changes; its function stays.
DROP_TRIGGER = "DROP TRIGGER entity_search_names ON articles_entity"
CREATE_TRIGGER = """
CREATE TRIGGER entity_search_names BEFORE INSERT OR UPDATE OF name, aliases ON articles_entity
    FOR EACH ROW EXECUTE FUNCTION newsroom_entity_search_names()
"""


class Migration(migrations.Migration):
    dependencies = [("entities", "0004_trigram_operator_cost")]

    operations = [
        migrations.RunSQL(CREATE_COLLATION, "DROP COLLATION newsroom_hu"),
        migrations.RunSQL(DROP_TRIGGER, CREATE_TRIGGER),
        migrations.AlterField(
            model_name="entity",
            name="name",
            field=models.CharField(db_collation="newsroom_hu", max_length=200),
        ),
        migrations.RunSQL(CREATE_TRIGGER, DROP_TRIGGER),
    ]
