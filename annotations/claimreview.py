"""Claims with a verdict as schema.org ClaimReview (JSON-LD), the form fact-check aggregators and
search engines read.

Every claim whose verdict is other than unverified is one ClaimReview; other annotations, and
claims nobody has reviewed yet, are left out. The file is one JSON array, written a review at a
time from plain rows (annotations.exporting.rows), so memory does not grow with the count.

Choices the schema leaves to the publisher (README, "Exporting annotations"):

- ``reviewRating.ratingValue`` on a 1–5 scale, from false (1) to true (5); "misleading" is 2, a
  statement that leaves a false impression, however accurate its words. "Cannot be verified" has
  no place on a scale from false to true, so its rating has no number, only its name: a number
  would be averaged with the others as if it were one.
- ``alternateName`` (the words a search result shows) in the newsroom's language,
  ``LANGUAGE_CODE``, whoever exports: a download and the command write the same file.
- ``url`` is the claim's place in its article, ``/articles/N/#a-ID`` (the page highlights it);
  every address is under ``NEWSROOM_URL`` (newsroom.site).
- ``datePublished`` is the day the verdict was set (in ``TIME_ZONE``), or of the claim's last
  change when no one recorded setting it.
"""

import json
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation

from annotations.exporting import Row, rows
from annotations.models import Annotation, Verdict
from annotations.webannotation import annotation_address, article_address
from articles.models import iso_partial_date
from entities.models import EntityKind, wikidata_url
from newsroom import site

BEST, WORST = 5, 1
# The verdicts on the scale from false to true; UNVERIFIABLE is reviewed but not on it.
RATINGS: dict[str, int] = {
    Verdict.FALSE: 1,
    Verdict.MISLEADING: 2,
    Verdict.HALF_TRUE: 3,
    Verdict.MOSTLY_TRUE: 4,
    Verdict.TRUE: 5,
}
REVIEWED = [*RATINGS, Verdict.UNVERIFIABLE]


def reviewed(annotations: QuerySet[Annotation]) -> QuerySet[Annotation]:
    """The claims among ``annotations`` that have a verdict other than unverified."""
    return annotations.filter(kind=Annotation.Kind.CLAIM, verdict__in=REVIEWED)


def verdict_names() -> dict[str, str]:
    """Each verdict's name in the newsroom's language (LANGUAGE_CODE), whatever the request speaks."""
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in Verdict.choices}


def claim_review(row: Row, *, article_url: str, names: dict[str, str], newsroom: dict) -> dict:
    """One claim's ClaimReview. ``article_url`` is its article's absolute URL, ``names`` as
    verdict_names() gives them, ``newsroom`` as publisher() gives it."""
    rating = {"@type": "Rating", "alternateName": names[row.verdict]}
    if row.verdict in RATINGS:
        rating |= {"ratingValue": RATINGS[row.verdict], "bestRating": BEST, "worstRating": WORST}
    claim = {"@type": "Claim"}
    if row.entity_id:
        claim["author"] = claimant(row)
    claim["appearance"] = {
        "@type": "NewsArticle",
        "url": article_url,
        "headline": row.article_title,
        "datePublished": iso_partial_date(row.published_on, row.date_precision),
    }
    reviewed_at = row.verdict_set_at or row.updated_at
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": annotation_address(article_url, row.id),
        "claimReviewed": row.exact,
        "itemReviewed": claim,
        "reviewRating": rating,
        "author": newsroom,
        "datePublished": timezone.localtime(reviewed_at).date().isoformat(),
    }


def claimant(row: Row) -> dict:
    """Who made the claim: a Person, or an Organization for any other kind of entity (a body, a
    place or anything else that claims speaks as a body: schema.org's Claim knows only these two)."""
    author = {"@type": "Person" if row.entity_kind == EntityKind.PERSON else "Organization", "name": row.entity_name}
    if same_as := wikidata_url(row.entity_wikidata or ""):
        author["sameAs"] = same_as
    return author


def publisher() -> dict:
    """The newsroom, as settings name it (NEWSROOM_NAME, NEWSROOM_URL)."""
    return {"@type": "Organization", "name": site.name(), "url": site.absolute("/")}


def claimreview_lines(annotations: QuerySet[Annotation]) -> Iterator[str]:
    """A JSON array of the ClaimReviews of ``annotations``, one review per piece."""
    names, newsroom = verdict_names(), publisher()
    article_id, article_url = None, ""
    separator = "[\n"
    for row in rows(reviewed(annotations)):
        if row.article_id != article_id:  # rows come by article: one URL built per article
            article_id, article_url = row.article_id, article_address(row.article_id)
        review = claim_review(row, article_url=article_url, names=names, newsroom=newsroom)
        yield separator + json.dumps(review, ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"
