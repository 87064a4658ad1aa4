"""The article list's rows as HTML, built in Python: the template's loop over 50 rows, each with a
link, a date, a status and four counts, was most of the page's time (as the article page found
for its annotations, annotations.rendering)."""

from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext

from articles.models import Article

ROW = (
    '<tr><td><a href="{url}">{title}</a></td>'
    '<td class="date"><time datetime="{iso}">{date}</time></td>'
    '<td><span class="status status-{status}">{status_label}</span></td>'
    '<td class="num counts">{counts}</td></tr>\n'
)
COUNT = '<span title="{}">{} {}</span>'


def article_rows(articles: list[Article]) -> SafeString:
    """Each article's row of the list's table: its title linked to its page, its date as precise
    as the source was, its status, and its count of each kind of annotation (kept on its row)."""
    # What every row repeats, translated once: (the field, its name, its abbreviation).
    counts = [
        ("source_count", gettext("Sources"), pgettext("sources, abbreviated", "src")),
        ("quote_count", gettext("Quotes"), pgettext("quotes, abbreviated", "qt")),
        ("claim_count", gettext("Claims"), pgettext("claims, abbreviated", "cl")),
        ("entity_count", gettext("Entity mentions"), pgettext("entity mentions, abbreviated", "ent")),
    ]
    statuses = dict(Article.Status.choices)
    return format_html_join(
        "",
        ROW,
        (
            {
                "url": reverse("articles:detail", args=[article.pk]),
                "title": article.title,
                "iso": article.publication_date_iso,
                "date": article.publication_date_display,
                "status": article.status,
                "status_label": statuses[article.status],
                "counts": format_html_join(
                    " ", COUNT, ((name, getattr(article, field), short) for field, name, short in counts)
                ),
            }
            for article in articles
        ),
    )
