"""PostgreSQL functions and constraints that the apps share.

Each is a plain ``Func`` with its SQL named in keyword arguments rather than a subclass, so
that a migration holding one (the article search vector is a generated column) refers only to
Django's own ``Func`` and never imports this module.
"""

from django.db import models

# Every word that starts in lower case removed: names, mostly.
CAPITALISED_WORDS = "regexp_replace(%(expressions)s, '\\m[[:lower:]][^[:space:]]*', '', 'g')"


def unaccent(expression) -> models.Func:
    """``newsroom_unaccent()``: unaccent() declared IMMUTABLE (migration articles 0001), so indexes may use it."""
    return models.Func(expression, function="newsroom_unaccent", output_field=models.TextField())


def capitalised_words(expression) -> models.Func:
    return models.Func(expression, template=CAPITALISED_WORDS, output_field=models.TextField())


def array_to_string(array, separator) -> models.Func:
    return models.Func(array, separator, function="array_to_string", output_field=models.TextField())


def choices_constraint(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """The database's own check that ``field`` holds one of ``choices``."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choices.values}), name=name)


def version_trigger(columns: list[str]):
    """A trigger keeping a ``version`` column: one more with each UPDATE that changes any of
    ``columns`` (quoted where needed), the same otherwise, whatever the statement wrote."""
    import pgtrigger  # only where a model declares one

    old = ", ".join(f"OLD.{column}" for column in columns)
    new = ", ".join(f"NEW.{column}" for column in columns)
    return pgtrigger.Trigger(
        name="keep_version",
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        func=(
            f"IF ROW({old}) IS DISTINCT FROM ROW({new}) THEN NEW.version := OLD.version + 1; "
            "ELSE NEW.version := OLD.version; END IF; RETURN NEW;"
        ),
    )
