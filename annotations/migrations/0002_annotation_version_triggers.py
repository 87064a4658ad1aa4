"""The database keeps each article's annotation_version, so that no write can forget to.

The article page shows the version of the annotations it was rendered with and caches what it
rendered under it; a change's answer tells from it whether someone else changed the article
meanwhile (annotations.views). So the version must go up with everything that changes what
the page shows of its annotations: adding, changing or deleting one (an entity deleted sets
its annotations' entity to NULL: an update), and renaming an entity they name.

The triggers run once per statement, over its transition tables: a statement that writes
many annotations of an article raises its version once, and each service call is one
statement on annotations, so a change raises the version by exactly one.
"""

from django.db import migrations

ARTICLE_FUNCTION = """
CREATE FUNCTION newsroom_annotations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE {article} SET annotation_version = annotation_version + 1
         WHERE id IN (SELECT article_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE {article} SET annotation_version = annotation_version + 1
         WHERE id IN (SELECT article_id FROM old_rows);
    ELSE
        UPDATE {article} SET annotation_version = annotation_version + 1
         WHERE id IN (SELECT article_id FROM old_rows UNION SELECT article_id FROM new_rows);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER annotations_inserted AFTER INSERT ON {annotation}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION newsroom_annotations_changed();
CREATE TRIGGER annotations_updated AFTER UPDATE ON {annotation}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsroom_annotations_changed();
CREATE TRIGGER annotations_deleted AFTER DELETE ON {annotation}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION newsroom_annotations_changed();
"""

# PostgreSQL allows no column list (UPDATE OF name) beside transition tables: names are compared.
ENTITY_FUNCTION = """
CREATE FUNCTION newsroom_entities_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {article} SET annotation_version = annotation_version + 1
     WHERE id IN (
        SELECT annotation.article_id
          FROM old_rows JOIN new_rows USING (id) JOIN {annotation} annotation ON annotation.entity_id = old_rows.id
         WHERE old_rows.name IS DISTINCT FROM new_rows.name
     );
    RETURN NULL;
END
$$;
CREATE TRIGGER entities_renamed AFTER UPDATE ON {entity}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsroom_entities_renamed();
"""

# And no write of an article row takes it back: a save of a copy read before the latest change.
NEVER_BACK = """
CREATE FUNCTION newsroom_annotation_version_never_back() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.annotation_version := GREATEST(NEW.annotation_version, OLD.annotation_version);
    RETURN NEW;
END
$$;
CREATE TRIGGER annotation_version_never_back BEFORE UPDATE OF annotation_version ON {article}
    FOR EACH ROW EXECUTE FUNCTION newsroom_annotation_version_never_back();
"""

DROP = """
DROP TRIGGER IF EXISTS annotation_version_never_back ON {article};
DROP FUNCTION IF EXISTS newsroom_annotation_version_never_back();
DROP TRIGGER IF EXISTS annotations_inserted ON {annotation};
DROP TRIGGER IF EXISTS annotations_updated ON {annotation};
DROP TRIGGER IF EXISTS annotations_deleted ON {annotation};
DROP TRIGGER IF EXISTS entities_renamed ON {entity};
DROP FUNCTION IF EXISTS newsroom_annotations_changed();
DROP FUNCTION IF EXISTS newsroom_entities_renamed();
"""


def _tables(apps, schema_editor) -> dict[str, str]:
    quote = schema_editor.quote_name
    return {
        "article": quote(apps.get_model("articles", "Article")._meta.db_table),
        "annotation": quote(apps.get_model("annotations", "Annotation")._meta.db_table),
        "entity": quote(apps.get_model("entities", "Entity")._meta.db_table),
    }


def create_triggers(apps, schema_editor):
    tables = _tables(apps, schema_editor)
    schema_editor.execute(ARTICLE_FUNCTION.format(**tables))
    schema_editor.execute(ENTITY_FUNCTION.format(**tables))
    schema_editor.execute(NEVER_BACK.format(**tables))


def drop_triggers(apps, schema_editor):
    schema_editor.execute(DROP.format(**_tables(apps, schema_editor)))


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("articles", "0008_article_annotation_version"),
        ("entities", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
