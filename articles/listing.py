"""The article list's rows as HTML, built in Python: the template's loop over 50 rows, each with a
link, a date, a status and four counts, was most of the page's time (as the article page found
for its annotations, annotations.rendering). Plain formatting with every text escaped, rather than
format_html per value: the rows were still a third of the page's time that way."""

import datetime
from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from articles.models import Article, format_partial_date, iso_partial_date

# Placeholders filled with escaped text only (the status is a choice value, the counts integers;
# the date its two forms, _date_forms).
ROW = (
    '<tr><td><a href="{url}">{title}</a></td>'
    '<td class="date"><time datetime="{date[0]}">{date[1]}</time></td>'
    '<td><span class="status status-{status}">{status_label}</span></td>'
    '<td class="num counts">{counts}</td></tr>\n'
)
COUNT = '<span title="{}">{} {}</span>'
# The address of an article's page, with the id put in by formatting: reverse() once per page, not per row.
ID_PLACEHOLDER = 2**31 - 1


@lru_cache(maxsize=4096)
def _date_forms(date: datetime.date, precision: str, language: str | None) -> tuple[str, str]:
    """A date's two forms in a row, escaped: as a seed file writes it, and as ``language`` reads it.
    Kept for the process, the language in the key: formatting a page's 20-odd dates through
    Django's formats was half of its rows' time, and an archive's pages share a few thousand dates."""
    return escape(iso_partial_date(date, precision)), escape(format_partial_date(date, precision))


def article_rows(articles: list) -> SafeString:
    """Each article's row of the list's table: its title linked to its page, its date as precise
    as the source was, its status, and its count of each kind of annotation (kept on its row).
    ``articles``: Articles, or rows with those fields as attributes (the list's named tuples)."""
    # What every row repeats, translated and escaped once: (the field, its name, its abbreviation).
    counts = [
        (field, escape(name), escape(short))
        for field, name, short in (
            ("source_count", gettext("Sources"), pgettext("sources, abbreviated", "src")),
            ("quote_count", gettext("Quotes"), pgettext("quotes, abbreviated", "qt")),
            ("claim_count", gettext("Claims"), pgettext("claims, abbreviated", "cl")),
            ("entity_count", gettext("Entity mentions"), pgettext("entity mentions, abbreviated", "ent")),
        )
    ]
    statuses = {value: escape(label) for value, label in Article.Status.choices}
    before, after = escape(reverse("articles:detail", args=[ID_PLACEHOLDER])).split(str(ID_PLACEHOLDER))
    language = get_language()

    # Every text above and below is escaped; the rest is our markup.
    return mark_safe(
        "".join(
            ROW.format(
                url=f"{before}{int(article.pk)}{after}",
                title=escape(article.title),
                date=_date_forms(article.published_on, article.date_precision, language),
                status=escape(article.status),
                status_label=statuses.get(article.status) or escape(article.status),
                counts=" ".join(
                    COUNT.format(name, int(getattr(article, field)), short) for field, name, short in counts
                ),
            )
            for article in articles
        )
    )
