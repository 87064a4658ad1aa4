"""An annotation's span must be the very text of its article at those offsets.

A CHECK constraint cannot read another table, so a trigger does; it raises check_violation
(SQLSTATE 23514), which Django reports as an IntegrityError like any other constraint.
Offsets count code points, as PostgreSQL's substr() does on a UTF-8 database.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION articles_annotation_matches_body() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    text_at_span text;
BEGIN
    IF NEW."end" <= NEW.start THEN
        RETURN NEW;  -- annotation_span_valid refuses it, with its own name
    END IF;
    SELECT substr(body, NEW.start + 1, NEW."end" - NEW.start) INTO text_at_span
      FROM articles_article WHERE id = NEW.article_id;
    IF text_at_span IS DISTINCT FROM NEW.exact THEN
        RAISE EXCEPTION 'annotation [%, %) does not match the text of article %', NEW.start, NEW."end", NEW.article_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'annotation_matches_article_body';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER annotation_matches_article_body
    BEFORE INSERT OR UPDATE OF article_id, start, "end", exact ON articles_annotation
    FOR EACH ROW EXECUTE FUNCTION articles_annotation_matches_body();
"""

DROP = """
DROP TRIGGER IF EXISTS annotation_matches_article_body ON articles_annotation;
DROP FUNCTION IF EXISTS articles_annotation_matches_body();
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_groups")]

    operations = [migrations.RunSQL(CREATE, DROP)]
