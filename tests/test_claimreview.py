"""Claims with a verdict as schema.org ClaimReview JSON-LD (annotations.claimreview), by the command too."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import set_script_prefix
from django.utils import timezone

from annotations.claimreview import RATINGS, claimreview_lines
from annotations.exporting import FORMATS
from annotations.models import Annotation
from articles.models import DatePrecision
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = (
    "Kim Dzsongun szerint a rakéta 🚀 háromezer kilométert repült.\n\n"
    "A minisztérium közölte, hogy az árak nem emelkedtek.\n\n"
    "„Hősök” – mondta Kim Dzsongun akkor. Az eső esett."
)
SET_AT = datetime.datetime(2025, 7, 1, 22, 30, tzinfo=datetime.UTC)  # 2 July in Budapest


@pytest.fixture(autouse=True)
def _newsroom(settings):
    settings.NEWSROOM_NAME = "Hírek Szerkesztősége"
    settings.NEWSROOM_URL = "https://hirek.example.org/szerk"


@pytest.fixture
def article():
    return make_article(
        BODY, title="Rakéta és árak", published_on=datetime.date(2025, 6, 1), date_precision=DatePrecision.MONTH
    )


def claim(article, words: str, verdict: str, *, author, entity=None, set_at=SET_AT) -> Annotation:
    made = make_annotation(article, *span_of(article, words), kind="claim", author=author, entity=entity)
    if verdict != Annotation.Verdict.UNVERIFIED:
        Annotation.objects.filter(pk=made.pk).update(verdict=verdict, verdict_set_by=author, verdict_set_at=set_at)
    return made


def reviews(annotations=None) -> list[dict]:
    text = "".join(claimreview_lines(annotations if annotations is not None else Annotation.objects.all()))
    return json.loads(text)


def test_a_claim_is_reviewed_with_every_field(article, editor):
    kim = make_entity("Kim Dzsongun", external_id="Q56226")
    made = claim(article, "a rakéta 🚀 háromezer kilométert repült", "false", author=editor, entity=kim)
    (review,) = reviews()
    article_url = f"https://hirek.example.org/szerk/articles/{article.pk}/"
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{article_url}#a-{made.pk}",
        "claimReviewed": "a rakéta 🚀 háromezer kilométert repült",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Kim Dzsongun", "sameAs": "https://www.wikidata.org/wiki/Q56226"},
            "appearance": {
                "@type": "NewsArticle",
                "url": article_url,
                "headline": "Rakéta és árak",
                "datePublished": "2025-06",
            },
        },
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "False",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
        "author": {"@type": "Organization", "name": "Hírek Szerkesztősége", "url": "https://hirek.example.org/szerk/"},
        "datePublished": "2025-07-02",  # the day the verdict was set, in the newsroom's time zone
    }


@pytest.mark.parametrize(
    ("verdict", "value", "name"),
    [
        ("false", 1, "False"),
        ("misleading", 2, "Misleading"),
        ("half_true", 3, "Half true"),
        ("mostly_true", 4, "Mostly true"),
        ("true", 5, "True"),
    ],
)
def test_each_verdict_has_its_place_on_the_scale(article, editor, verdict, value, name):
    claim(article, "az árak nem emelkedtek", verdict, author=editor)
    (review,) = reviews()
    assert review["reviewRating"] == {
        "@type": "Rating", "alternateName": name, "ratingValue": value, "bestRating": 5, "worstRating": 1,
    }  # fmt: skip


def test_the_scale_covers_every_verdict_but_unverified_and_unverifiable():
    assert set(RATINGS) == set(Annotation.Verdict.values) - {"unverified", "unverifiable"}
    assert sorted(RATINGS.values()) == [1, 2, 3, 4, 5]


def test_a_claim_that_cannot_be_verified_is_named_without_a_number(article, editor):
    claim(article, "az árak nem emelkedtek", "unverifiable", author=editor)
    (review,) = reviews()
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Cannot be verified"}


def test_unverified_claims_and_other_annotations_are_left_out(article, editor):
    claim(article, "az árak nem emelkedtek", "unverified", author=editor)
    make_annotation(article, *span_of(article, "Hősök"), kind="quote", author=editor)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), kind="entity", author=editor)
    assert reviews() == []
    kept = claim(article, "Az eső esett", "true", author=editor)
    assert [review["url"].rsplit("#", 1)[1] for review in reviews()] == [f"a-{kept.pk}"]


def test_an_organisation_claims_as_an_organization_and_no_claimant_is_no_author(article, editor):
    ministry = make_entity("Belügyminisztérium", kind="organisation", external_id="not-a-qid")
    claim(article, "az árak nem emelkedtek", "mostly_true", author=editor, entity=ministry)
    claim(article, "Az eső esett", "true", author=editor)
    by_ministry, anonymous = reviews()
    assert by_ministry["itemReviewed"]["author"] == {"@type": "Organization", "name": "Belügyminisztérium"}
    assert "author" not in anonymous["itemReviewed"]


def test_verdicts_are_named_in_the_newsrooms_language_with_hungarian_text_kept(article, editor, settings):
    settings.LANGUAGE_CODE = "hu"
    claim(article, "a rakéta 🚀 háromezer kilométert repült", "half_true", author=editor)
    text = "".join(claimreview_lines(Annotation.objects.all()))
    assert "háromezer kilométert" in text  # as written, not escaped
    (review,) = json.loads(text)
    assert review["reviewRating"]["alternateName"] == "Félig igaz"


def test_a_verdict_nobody_recorded_setting_dates_from_the_claims_last_change(article, editor):
    made = make_annotation(article, *span_of(article, "Az eső esett"), kind="claim", author=editor, verdict="true")
    (review,) = reviews()
    assert review["datePublished"] == timezone.localtime(made.updated_at).date().isoformat()


def test_many_claims_make_one_json_array(article, editor):
    claims = ["a rakéta 🚀 háromezer kilométert repült", "az árak nem emelkedtek", "Az eső esett"]
    for words, verdict in zip(claims, ["true", "false", "misleading"], strict=True):
        claim(article, words, verdict, author=editor)
    assert [review["claimReviewed"] for review in reviews()] == claims  # in text order


def test_addresses_are_the_same_from_a_request_under_a_mount_point(article, editor):
    made = claim(article, "Az eső esett", "true", author=editor)
    set_script_prefix("/szerk/")  # as a request to the app mounted at /szerk sets it
    try:
        (review,) = reviews()
    finally:
        set_script_prefix("/")
    assert review["url"] == f"https://hirek.example.org/szerk/articles/{article.pk}/#a-{made.pk}"
    assert review["author"]["url"] == "https://hirek.example.org/szerk/"


def test_it_is_a_format_of_the_registry():
    claimreview = FORMATS["claimreview"]
    assert (claimreview.extension, claimreview.content_type) == ("jsonld", "application/ld+json; charset=utf-8")


def test_the_command_writes_claimreview_for_an_article(article, editor, tmp_path):
    claim(article, "az árak nem emelkedtek", "false", author=editor)
    other = make_article("Egy másik cikk állítással.")
    claim(other, "állítással", "true", author=editor)
    target = tmp_path / "reviews.jsonld"
    call_command("export_annotations", "--format", "claimreview", "--article", str(article.pk), "--output", str(target))
    (review,) = json.loads(target.read_text(encoding="utf-8"))
    assert review["claimReviewed"] == "az árak nem emelkedtek"
    assert review["itemReviewed"]["appearance"]["url"] == f"https://hirek.example.org/szerk/articles/{article.pk}/"
