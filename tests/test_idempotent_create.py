"""Creating an annotation is idempotent: one per author, kind and span (issue: the same span was
stored three times, and a retry after a lost answer stored it again)."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection
from django.urls import reverse

from annotations import services
from annotations.models import Annotation
from articles.models import Article
from tests.factories import make_article, span_of

BODY = "Egy magas rangú orosz tisztviselő Phenjanba utazott. „Hősök” – mondta Kim Dzsongun."
HTMX = {"HX-Request": "true"}


def selection(article, text: str, kind: str = "entity") -> dict:
    start, end = span_of(article, text)
    version = Article.objects.values_list("annotation_version", flat=True).get(pk=article.pk)
    return {"kind": kind, "start": start, "end": end, "exact": text, "revision": str(version)}


@pytest.mark.django_db
class TestOnePerAuthorKindAndSpan:
    def test_the_same_request_twice_finds_the_annotation_stored(self, editor):
        article = make_article(BODY)
        start, end = span_of(article, "Hősök")
        first = services.create_annotation(article=article, kind="quote", start=start, end=end, by=editor)
        again = services.create_annotation(article=article, kind="quote", start=start, end=end, by=editor)

        assert first.created and not again.created
        assert again.annotation.pk == first.annotation.pk and Annotation.objects.count() == 1
        assert again.entity_name == first.entity_name == "Kim Dzsongun"  # the same suggestion

    def test_another_author_or_another_kind_is_another_annotation(self, editor, other_editor):
        article = make_article(BODY)
        start, end = span_of(article, "Kim Dzsongun")
        services.create_annotation(article=article, kind="entity", start=start, end=end, by=editor)
        services.create_annotation(article=article, kind="entity", start=start, end=end, by=other_editor)
        services.create_annotation(article=article, kind="source", start=start, end=end, by=editor)
        assert Annotation.objects.count() == 3

    def test_the_page_sending_it_again_gets_the_stored_one_and_the_page_as_it_is(self, client_for, editor):
        article = make_article(BODY)
        client = client_for(editor)
        url = reverse("annotations:create", args=[article.pk])
        data = selection(article, "Kim Dzsongun")
        assert client.post(url, data, headers=HTMX).status_code == 201

        again = client.post(url, data, headers=HTMX)  # the same request, as a retry sends it

        annotation = Annotation.objects.get()
        assert again.status_code == 200
        html = again.content.decode()
        assert f'data-annotation="{annotation.pk}"' in html  # its editor opens
        assert 'hx-swap-oob="innerHTML:#article-text"' in html  # and the page is brought up to date
        assert f'value="{Article.objects.get().annotation_version}"' in html


@pytest.mark.django_db(transaction=True)
def test_many_at_once_store_one(editor):
    """Concurrent requests for the same span (a double press over a slow line): one row, all
    answered with it, none refused with an error."""
    article = make_article(BODY)
    start, end = span_of(article, "Phenjanba")
    tries = 8
    barrier = Barrier(tries)

    def create(_):
        try:
            barrier.wait()
            result = services.create_annotation(article=article, kind="entity", start=start, end=end, by=editor)
            return result.annotation.pk, result.created
        finally:
            connection.close()  # each thread's own connection

    for _round in range(5):
        Annotation.objects.all().delete()
        with ThreadPoolExecutor(tries) as pool:
            results = list(pool.map(create, range(tries)))
        assert Annotation.objects.count() == 1
        assert {pk for pk, _ in results} == {Annotation.objects.get().pk}
        assert sum(created for _, created in results) == 1
