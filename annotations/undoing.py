"""What "Undo" on the article page undoes: the editor's own last change to its annotations, found in
the history (so it survives a reload and a new browser) for UNDO_SECONDS."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string

from history.describe import Entry, describe
from history.queries import last_undoable

DETAIL = "articles/article_detail.html"


def undoable(user, article_id: int) -> Entry | None:
    if not user.has_perm("annotations.add_annotation"):
        return None
    event = last_undoable(user, article_id, within=datetime.timedelta(seconds=settings.UNDO_SECONDS))
    return describe([event])[0] if event else None


def undo_bar(request, article, *, oob: bool = True) -> str:
    """The undo bar as it is now for this editor, out of band by default."""
    context = {"article": article, "undoable": undoable(request.user, article.pk), "oob": oob}
    return render_to_string(f"{DETAIL}#undo-bar", context, request)
