"""Reading in a real browser: logging in, finding an article with the htmx search, reading it."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from annotations.models import Annotation
from articles.models import Article, format_partial_date
from imports.importing import SeedSource, import_seed_files
from tests.factories import make_annotation, make_article, span_of

pytestmark = pytest.mark.django_db(transaction=True)


# Logging in and annotating in Hungarian: tests/browser/test_languages.py.
def test_an_editor_logs_in_finds_the_sample_and_reads_it(editor, page, sample_bytes, words):
    import_seed_files([SeedSource("000_a45e6700e34eec7b.txt", lambda: sample_bytes)])
    make_article("Egy másik cikk a kurszki régióról. Szöveg.", title="Egy másik cikk")
    article = Article.objects.get(source_filename="000_a45e6700e34eec7b.txt")
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)

    page.goto("/articles/")
    expect(page).to_have_url("/accounts/login/?next=/articles/")
    page.get_by_label(words("Username")).fill("erika")
    page.get_by_label(words("Password")).fill("erika-password")
    page.get_by_role("button", name=words("Log in")).click()

    rows = page.locator("table.articles tbody tr")
    expect(rows).to_have_count(2)
    page.locator("#id_q").fill("hírügynökségek")  # htmx swaps the table in place
    expect(rows).to_have_count(1)
    expect(page).to_have_url(
        "/articles/?q=h%C3%ADr%C3%BCgyn%C3%B6ks%C3%A9gek&status=&published_from=&published_to=&has=&verdict=&sort=date"
    )
    with translation.override(words.language):
        expect(rows.first).to_contain_text(format_partial_date(article.published_on, article.date_precision))

    rows.first.get_by_role("link").click()
    body = page.locator("article.article-body")
    expect(body.locator("p")).to_have_count(6)
    expect(body.locator("p").first).to_contain_text("Egy magas rangú orosz biztonsági tisztviselő")
    highlight = body.locator("mark.hl-entity")
    expect(highlight).to_have_text("Kim Dzsongun")
    expect(page.locator(".annotation-list li")).to_have_count(1)


def test_nested_highlights_are_all_visible(editor, page, log_in):
    article = make_article("Kim Dzsongun azt mondta, hogy hősök voltak.")
    make_annotation(article, 0, len(article.body), kind=Annotation.Kind.CLAIM, author=editor)
    make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)
    log_in(editor).goto(f"/articles/{article.pk}/")

    entity = page.locator("mark.hl-entity")
    expect(entity).to_have_text("Kim Dzsongun")
    assert "wavy" in entity.evaluate("e => getComputedStyle(e).textDecorationStyle")  # the claim's cue
    assert entity.evaluate("e => getComputedStyle(e).boxShadow") != "none"  # the entity's cue
