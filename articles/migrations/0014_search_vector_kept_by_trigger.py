"""The search vector becomes an ordinary column kept by a trigger, so that the importer may leave it
for the search-index step (articles.indexing). Its values are kept: the column only stops being
generated. What is indexed is unchanged, now written once, as newsroom_article_search_vector()."""

import django.contrib.postgres.search
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

# What the generated column computed (migrations 0001, 0012), title and text being NOT NULL:
# the text stemmed with 'hungarian', and its capitalised words unaccented with 'simple'.
SEARCH_VECTOR = r"""
to_tsvector('hungarian'::regconfig, title || ' ' || body)
|| to_tsvector('simple'::regconfig, newsroom_unaccent(regexp_replace(title || ' ' || body, '\m[[:lower:]][^[:space:]]*', '', 'g')))
"""
SEARCH_VECTOR_FUNCTION = f"""
CREATE FUNCTION newsroom_article_search_vector(title text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN {SEARCH_VECTOR};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_article_queue_new_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(SEARCH_VECTOR_FUNCTION, "DROP FUNCTION newsroom_article_search_vector(text, text);"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # Django cannot alter a generated field; PostgreSQL keeps the stored values as they are.
                migrations.RunSQL(
                    "ALTER TABLE articles_article ALTER COLUMN search_vector DROP EXPRESSION;",
                    # Back to generated: the column is made again (the GIN index with it), every vector computed.
                    f"""
                    ALTER TABLE articles_article DROP COLUMN search_vector;
                    ALTER TABLE articles_article ADD COLUMN search_vector tsvector
                        GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED;
                    CREATE INDEX article_search_gin ON articles_article USING gin (search_vector);
                    """,
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="search_vector",
                    field=django.contrib.postgres.search.SearchVectorField(
                        editable=False, null=True, verbose_name="search vector"
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("search_vector__isnull", True)), fields=["id"], name="article_unindexed_idx"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="article",
            trigger=pgtrigger.compiler.Trigger(
                name="keep_search_vector",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\nIF TG_OP = 'INSERT' THEN\n    IF current_setting('newsroom.defer_search_index', true) = 'on' THEN\n        NEW.search_vector := NULL;  -- the search-index step computes it after the import commits\n    ELSE\n        NEW.search_vector := newsroom_article_search_vector(NEW.title, NEW.body);\n    END IF;\nELSIF OLD.search_vector IS NULL AND NEW.search_vector IS NOT NULL THEN\n    -- The search-index step, which wrote the function's value for the row it updates: kept, the\n    -- text not compared (that would read the whole text twice more).\nELSIF NEW.title IS DISTINCT FROM OLD.title OR NEW.body IS DISTINCT FROM OLD.body OR OLD.search_vector IS NULL THEN\n    -- A changed text; or any other write of an article still waiting for the step, which indexes it.\n    NEW.search_vector := newsroom_article_search_vector(NEW.title, NEW.body);\nELSE\n    -- The text is unchanged, so is its vector, whatever the statement wrote (a stale copy).\n    NEW.search_vector := OLD.search_vector;\nEND IF;\nRETURN NEW;\n",
                    hash="e55194c46e9a7566d2edffd049aaca714bdf99ea",
                    operation="INSERT OR UPDATE",
                    pgid="pgtrigger_keep_search_vector_c24fe",
                    table="articles_article",
                    when="BEFORE",
                ),
            ),
        ),
    ]
