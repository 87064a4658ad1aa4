"""PostgreSQL text functions that the search index and queries share."""

from django.db import models


class Unaccent(models.Func):
    """``newsroom_unaccent()``: unaccent() declared IMMUTABLE (migration 0001), so indexes may use it."""

    function = "newsroom_unaccent"
    output_field = models.TextField()


class CapitalisedWords(models.Func):
    """The text with every word that starts in lower case removed: names, mostly."""

    function = "regexp_replace"
    template = "%(function)s(%(expressions)s, '\\m[[:lower:]][^[:space:]]*', '', 'g')"
    output_field = models.TextField()


class ArrayToString(models.Func):
    function = "array_to_string"
    output_field = models.TextField()
