"""PostgreSQL functions and constraints that the apps share.

Each is a plain ``Func`` with its SQL named in keyword arguments rather than a subclass, so
that a migration holding one (the article search vector is a generated column) refers only to
Django's own ``Func`` and never imports this module.
"""

import contextlib
import json

from django.db import connection, models, transaction

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


# What planned_without() sets for what is not a scan method.
OTHER_SETTINGS = {"parallel": ("max_parallel_workers_per_gather", "0"), "jit": ("jit", "off")}


@contextlib.contextmanager
def planned_without(*methods: str):
    """The statements inside planned without these scan methods (``"indexscan"``, ``"seqscan"``,
    ``"bitmapscan"``), without parallel workers (``"parallel"``) or without compiling them
    (``"jit"``): for a query whose better plan we know and PostgreSQL cannot (it costs testing an
    article against a search as a comparison, though it reads the article's whole search vector).

    ``SET LOCAL`` in a savepoint: an error rolls the settings back with it; otherwise they are
    set back here, as an enclosing transaction (a test's) would keep them to its end."""
    settings = [OTHER_SETTINGS.get(method, (f"enable_{method}", "off")) for method in methods]
    names = [name for name, _ in settings]
    with transaction.atomic(), connection.cursor() as cursor:
        # Read, then set (a select list is computed left to right): one round trip.
        read = ", ".join(["current_setting(%s)"] * len(names))
        cursor.execute(
            f"SELECT {read}, {', '.join(['set_config(%s, %s, true)'] * len(names))}",
            [*names, *(param for setting in settings for param in setting)],
        )
        before = cursor.fetchone()[: len(names)]
        yield
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [param for pair in zip(names, before, strict=True) for param in pair],
        )


def estimated_rows(queryset: models.QuerySet) -> float:
    """How many rows PostgreSQL's planner expects the query to return (EXPLAIN, not run): for a
    search, from the search index's statistics, close enough to choose a plan by."""
    explained = queryset.explain(format="json")
    if not explained:  # a query Django knows finds nothing (.none()) is not sent
        return 0.0
    return float(json.loads(explained)[0]["Plan"]["Plan Rows"])


@models.Field.register_lookup
class AnyOf(models.Lookup):
    """``field__any_of=ids``: ``field = ANY(%s)``, the values one array parameter, where ``__in``
    writes a placeholder per value: for the thousand ids a search finds, milliseconds of Python
    to build, split and send the statement each time, for the same plan."""

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs, rhs):
        # Values in hand only: a queryset or an expression belongs in ``__in``.
        if not isinstance(rhs, list | tuple | set | frozenset):
            raise TypeError(f"any_of takes a list, tuple or set of values, not {type(rhs).__name__}")
        super().__init__(lhs, list(rhs))

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection, prepared=False) for value in self.rhs]
        return f"{lhs} = ANY(%s::{field.db_type(connection)}[])", [*lhs_params, values]
