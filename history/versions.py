"""Refusing a change made on a stale copy: what someone else changed since, from the history."""

from django.utils.translation import gettext as _

from history.describe import Entry, describe, with_previous
from history.models import Action


class StaleVersion(Exception):
    """The object was changed by someone else since the version the change was based on.

    ``current`` is the version stored now (resubmitting with it overwrites their change on
    purpose); ``entries`` are their changes since, oldest first.
    """

    def __init__(self, *, current: int, entries: list[Entry]):
        self.current = current
        self.entries = entries
        who = sorted({entry.who for entry in entries})
        super().__init__(
            _("Someone else changed this since you opened it (%(who)s). Nothing of yours was saved yet.")
            % {"who": ", ".join(who) or _("someone")}
        )


def check_version(event_model, pk: int, *, stored: int, expected: int | None) -> None:
    """Raise StaleVersion unless ``expected`` (the version the change was based on; None: no check)
    is the one ``stored``. Call it with the row locked."""
    if expected is None or expected == stored:
        return
    events = with_previous(
        event_model.objects.filter(pgh_obj_id=pk, version__gt=expected, pgh_label=Action.CHANGED)
    ).order_by("pgh_id")
    raise StaleVersion(current=stored, entries=describe(list(events)))
