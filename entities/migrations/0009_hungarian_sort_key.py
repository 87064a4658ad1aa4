from django.db import migrations, models

# Entity names in Hungarian alphabetical order on every PostgreSQL: ICU's Hungarian collation (migration
# 0005) is missing where PostgreSQL is built without ICU (the embedded one), and so is the system's
# hu_HU locale on most machines. newsroom_hungarian_sort_key() turns a name into text whose byte order
# (COLLATE "C") is that order, level by level as a collation compares: first the letters of the
# Hungarian alphabet (a=á, b, c, cs, d, dz, dzs, e=é, …, o=ó, ö=ő, …, u=ú, ü=ű, …, z, zs), case and
# accents aside, with spaces and punctuation, then digits, before letters and other scripts after
# them; then the accents (a before á, ö before ő); then the case (lower first); the name itself last.
# A doubled digraph is the digraph twice (ssz is sz sz, ccs is cs cs, ddzs is dzs dzs), as ICU reads
# it. Checked against ICU's "hu" on thousands of generated names (README, "Languages").
SORT_KEY_FUNCTION = r"""
CREATE OR REPLACE FUNCTION newsroom_hungarian_sort_key(name text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    -- The Hungarian alphabet at the first level: a vowel with an acute goes with its vowel, but ö
    -- and ü are letters of their own (ő and ű with them), and so are the digraphs and dzs.
    alphabet CONSTANT text[] := ARRAY['a', 'b', 'c', 'cs', 'd', 'dz', 'dzs', 'e', 'f', 'g', 'gy', 'h', 'i',
        'j', 'k', 'l', 'ly', 'm', 'n', 'ny', 'o', 'ö', 'p', 'q', 'r', 's', 'sz', 't', 'ty', 'u', 'ü', 'v', 'w',
        'x', 'y', 'z', 'zs'];
    digraphs CONSTANT text[] := ARRAY['cs', 'dz', 'gy', 'ly', 'ny', 'sz', 'ty', 'zs'];
    -- Spaces, punctuation and symbols in the order of ICU's root collation.
    punctuation CONSTANT text := ' _-‐–—,;:!¡?¿.…·''‘’‚‹›"“”„«»()[]{}§¶@*/\&#%‰†‡•′″`´^¯¨¸°©®+±÷×<=>¬|¦~¤¢$£¥';
    character text;
    code integer;
    plain text;
    -- One character each, per letter of the name: the letter (a-z, ö, ü) or the character itself;
    -- L for a Latin letter; its mark (0 none, 1 acute or double acute, 2 another); its case (0 lower, 1 upper).
    letters text := '';
    kinds text := '';
    marks text := '';
    cases text := '';
    n integer;
    i integer := 1;
    width integer;
    run text;
    token text;
    tertiary text;
    primary_key text := '';
    secondary_key text := '';
    tertiary_key text := '';
BEGIN
    FOREACH character IN ARRAY regexp_split_to_array(name, '') LOOP
        code := ascii(character);
        IF code BETWEEN 97 AND 122 THEN
            letters := letters || character; kinds := kinds || 'L'; marks := marks || '0'; cases := cases || '0';
        ELSIF code BETWEEN 65 AND 90 THEN
            letters := letters || chr(code + 32); kinds := kinds || 'L'; marks := marks || '0'; cases := cases || '1';
        ELSIF code < 128 THEN
            letters := letters || character; kinds := kinds || '-'; marks := marks || '0'; cases := cases || '0';
        ELSIF position(character IN 'áéíóúőűöüÁÉÍÓÚŐŰÖÜ') > 0 THEN
            letters := letters || translate(character, 'áéíóúőűÁÉÍÓÚŐŰÖÜ', 'aeiouöüaeiouöüöü');
            kinds := kinds || 'L';
            marks := marks || CASE WHEN position(character IN 'öüÖÜ') > 0 THEN '0' ELSE '1' END;
            cases := cases || CASE WHEN position(character IN 'ÁÉÍÓÚŐŰÖÜ') > 0 THEN '1' ELSE '0' END;
        ELSE
            -- Another Latin letter as its letters without marks (ä, ç, ł, ß: a, c, l, ss), differing at the second level.
            plain := public.unaccent('public.unaccent'::regdictionary, character);
            IF plain ~ '^[A-Za-z]+$' THEN
                letters := letters || lower(plain);
                kinds := kinds || repeat('L', length(plain));
                marks := marks || repeat('2', length(plain));
                cases := cases || translate(plain, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                            '0000000000000000000000000011111111111111111111111111');
            ELSE
                letters := letters || character; kinds := kinds || '-'; marks := marks || '0'; cases := cases || '0';
            END IF;
        END IF;
    END LOOP;

    n := length(letters);
    WHILE i <= n LOOP
        -- The unmarked Latin letters from here, up to four: where a digraph may start.
        run := '';
        FOR j IN i .. least(i + 3, n) LOOP
            EXIT WHEN substr(kinds, j, 1) <> 'L' OR substr(marks, j, 1) <> '0';
            run := run || substr(letters, j, 1);
        END LOOP;
        IF run LIKE 'ddzs%' THEN
            token := 'dzs'; width := 4;
        ELSIF length(run) >= 3 AND substr(run, 2, 2) = ANY (digraphs) AND left(run, 1) = substr(run, 2, 1) THEN
            token := substr(run, 2, 2); width := 3;
        ELSIF run LIKE 'dzs%' THEN
            token := 'dzs'; width := 3;
        ELSIF left(run, 2) = ANY (digraphs) THEN
            token := left(run, 2); width := 2;
        ELSE
            token := substr(letters, i, 1); width := 1;
        END IF;
        -- Lower case, capitalised, upper case: 0, 2, 4.
        tertiary := CASE
            WHEN position('1' IN substr(cases, i, width)) = 0 THEN '0'
            WHEN position('0' IN substr(cases, i, width)) = 0 THEN '4'
            ELSE '2' END;

        IF width = 4 OR width = 3 AND token <> 'dzs' THEN
            -- A doubled digraph (ssz, ccs, ddzs) is the digraph twice, its first one just after
            -- the digraph's own case at the third level, as ICU has it (ssz between szsz and Szsz).
            code := array_position(alphabet, token);
            primary_key := primary_key || '3' || chr(64 + code) || '3' || chr(64 + code);
            secondary_key := secondary_key || '00';
            tertiary_key := tertiary_key || chr(ascii(tertiary) + 1) || '0';
        ELSIF substr(kinds, i, 1) = 'L' THEN
            primary_key := primary_key || '3' || chr(64 + array_position(alphabet, token));
            secondary_key := secondary_key || substr(marks, i, 1);
            tertiary_key := tertiary_key || tertiary;
        ELSE
            -- Spaces and punctuation (1), then digits (2), before letters (3); other scripts (4) after them.
            code := ascii(token);
            primary_key := primary_key || CASE
                WHEN code BETWEEN 48 AND 57 THEN '2' || token
                WHEN token ~ '^\s$' THEN '1!'
                WHEN position(token IN punctuation) > 0 THEN '1' || chr(32 + position(token IN punctuation))
                WHEN code < 128 OR code BETWEEN 160 AND 191 OR code BETWEEN 8192 AND 11263
                    OR code BETWEEN 12288 AND 12351 THEN '1' || token
                ELSE '4' || token END;
            secondary_key := secondary_key || '0';
            tertiary_key := tertiary_key || '0';
        END IF;
        i := i + width;
    END LOOP;
    -- The levels one after the other, each ended by a character below all others; the name itself last.
    RETURN primary_key || chr(1) || secondary_key || chr(1) || tertiary_key || chr(1) || name;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("entities", "0008_version"),
    ]

    operations = [
        migrations.RunSQL(SORT_KEY_FUNCTION, "DROP FUNCTION newsroom_hungarian_sort_key(text)"),
        migrations.AlterModelOptions(
            name="entity",
            options={
                "ordering": ["name_sort_key"],
                "permissions": [("merge_entity", "Can merge a duplicate entity into another")],
                "verbose_name": "entity",
                "verbose_name_plural": "entities",
            },
        ),
        migrations.RemoveIndex(
            model_name="entity",
            name="entity_by_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="entity",
            name="entity_most_mentioned_idx",
        ),
        migrations.RemoveIndex(
            model_name="entity",
            name="entity_recently_annotated_idx",
        ),
        migrations.AddField(
            model_name="entity",
            name="name_sort_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func("name", function="newsroom_hungarian_sort_key"),
                output_field=models.TextField(db_collation="C"),
            ),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(fields=["name_sort_key", "id"], name="entity_by_hungarian_name_idx"),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(fields=["-mention_count", "name_sort_key", "id"], name="entity_most_mentioned_hu_idx"),
        ),
        migrations.AddIndex(
            model_name="entity",
            index=models.Index(
                models.OrderBy(models.F("last_annotated_at"), descending=True, nulls_last=True),
                models.F("name_sort_key"),
                models.F("id"),
                name="entity_recent_by_hu_name_idx",
            ),
        ),
    ]
