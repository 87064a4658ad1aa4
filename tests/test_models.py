"""Invariants the database itself enforces, whatever code writes the rows."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from annotations.models import Annotation
from articles.models import Article, DatePrecision, format_partial_date
from entities.models import Entity
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db

BODY = "Kim 🚀 Dzsongun fogadta Sojgut. „Hősök” – mondta.\n\nMásodik bekezdés Phenjanban."


def refused(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(**fields)


class TestAnnotationConstraints:
    def test_a_valid_annotation_is_stored_with_its_context(self, editor):
        article = make_article(BODY)
        start, end = span_of(article, "Dzsongun")
        annotation = make_annotation(article, start, end, author=editor)
        assert (annotation.start, annotation.end) == (6, 14)  # the emoji counts as one code point
        assert annotation.exact == "Dzsongun"
        assert annotation.prefix == "Kim 🚀 "
        assert annotation.suffix.startswith(" fogadta Sojgut.")

    @pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 2)])
    def test_the_span_must_not_be_empty_or_reversed(self, editor, start, end):
        article = make_article(BODY)
        refused(article=article, kind="entity", start=start, end=end, exact="", author=editor)

    def test_the_exact_text_must_be_as_long_as_the_span(self, editor):
        article = make_article(BODY)
        refused(article=article, kind="entity", start=6, end=14, exact="Dzsong", author=editor)

    def test_the_exact_text_must_be_the_article_text_at_the_offsets(self, editor):
        article = make_article(BODY)
        # Right length, wrong place: what a UTF-16 offset (the emoji counted twice) would give.
        refused(article=article, kind="entity", start=7, end=15, exact="Dzsongun", author=editor)

    def test_the_span_must_lie_inside_the_article(self, editor):
        article = make_article(BODY)
        refused(article=article, kind="entity", start=len(BODY) - 2, end=len(BODY) + 3, exact="n.xyz", author=editor)

    def test_only_claims_have_a_verdict(self, editor):
        article = make_article(BODY)
        refused(article=article, kind="quote", start=0, end=3, exact="Kim", verdict="false", author=editor)

    def test_a_claim_has_a_known_verdict_unverified_by_default(self, editor):
        article = make_article(BODY)
        claim = make_annotation(article, 0, 3, kind=Annotation.Kind.CLAIM, author=editor)
        assert claim.verdict == Annotation.Verdict.UNVERIFIED
        refused(article=article, kind="claim", start=0, end=3, exact="Kim", verdict="probably", author=editor)

    def test_the_kind_must_be_known(self, editor):
        refused(article=make_article(BODY), kind="gossip", start=0, end=3, exact="Kim", author=editor)


class TestArticleConstraints:
    def test_the_content_hash_is_unique(self):
        make_article(BODY)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_article(BODY)

    @pytest.mark.parametrize(
        ("date", "precision"),
        [(datetime.date(2025, 6, 9), DatePrecision.MONTH), (datetime.date(2025, 6, 1), DatePrecision.YEAR)],
    )
    def test_a_partial_date_never_invents_a_day(self, date, precision):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_article(published_on=date, date_precision=precision)

    def test_the_status_must_be_known(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_article(status="archived")


@pytest.mark.parametrize(
    ("precision", "shown"),
    [(DatePrecision.YEAR, "2025"), (DatePrecision.MONTH, "June 2025"), (DatePrecision.DAY, "9 June 2025")],
)
def test_a_date_is_shown_as_precisely_as_it_is_known(precision, shown):
    assert format_partial_date(datetime.date(2025, 6, 9), precision) == shown


class TestEntity:
    def test_names_are_unique_per_kind_whatever_the_case(self):
        make_entity("Kim Dzsongun")
        make_entity("Kim Dzsongun", kind=Entity.Kind.OTHER)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_entity("kim dzsongun")

    def test_an_external_identifier_belongs_to_one_entity(self):
        make_entity("Kim Dzsongun", external_id="Q56226")
        make_entity("Szergej Sojgu")  # blank identifiers never collide
        make_entity("Vlagyimir Putyin")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_entity("Kim Jong Un", external_id="Q56226")


def test_the_search_vector_follows_an_edited_title():
    article = make_article(BODY)
    assert not Article.objects.search("Tengeralattjáró").exists()
    article.title = "Tengeralattjáró"
    article.save()
    assert Article.objects.search("tengeralattjáró").get() == article


class TestGroups:
    def test_editors_annotate_but_do_not_import_or_manage_people(self):
        editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
        assert {"add_annotation", "change_annotation", "delete_annotation", "change_article"} <= editors
        assert not {"import_articles", "add_user", "delete_article"} & editors

    def test_admins_also_import_and_manage_people(self):
        admins = set(Group.objects.get(name="Admins").permissions.values_list("codename", flat=True))
        assert {"import_articles", "add_user", "change_user", "add_annotation"} <= admins


class TestAnnotationOrder:
    def test_a_plain_query_neither_joins_nor_sorts_by_the_article(self):
        sql = str(Annotation.objects.filter(article_id=1).query)
        assert "JOIN" not in sql and "ORDER BY" not in sql

    def test_text_order_is_by_start_the_outer_one_first_then_the_older(self, editor):
        article = make_article(BODY)
        inner = make_annotation(article, 0, 3, author=editor)
        later = make_annotation(article, 4, 5, author=editor)
        outer = make_annotation(article, 0, 14, author=editor)
        twin = make_annotation(article, 0, 3, author=editor, kind=Annotation.Kind.QUOTE)  # same span, another kind
        assert list(Annotation.objects.in_text_order()) == [outer, inner, twin, later]
