"""The entity pages in a real browser: spellings edited in place, a merge, a link to one annotation."""

import pytest
from playwright.sync_api import expect

from entities.models import Entity, EntityMerge
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Első bekezdés.\n\n" + "Szöveg. " * 150 + "\n\n„Hősök” – mondta Kim Dzsong Un akkor."


def test_spellings_are_added_and_removed_in_place(editor, log_in):
    kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
    page = log_in(editor)
    page.goto(f"/entities/{kim.pk}/")
    url = page.url

    page.get_by_label("Another spelling").fill("Kim Dzsong Un")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#aliases li")).to_have_count(2)
    page.get_by_role("button", name="Remove Kim Jong Un").click()
    expect(page.locator("#aliases li")).to_have_text(["Kim Dzsong Un remove"], use_inner_text=True)

    assert page.url == url  # in place, no reload
    kim.refresh_from_db()
    assert kim.aliases == ["Kim Dzsong Un"]


def test_a_duplicate_is_found_previewed_and_merged(editor, log_in):
    kim = make_entity("Kim Dzsongun")
    duplicate = make_entity("Kim Dzsong Un")
    article = make_article(BODY)
    make_annotation(article, *span_of(article, "Kim Dzsong Un"), author=editor, entity=duplicate)
    page = log_in(editor)
    page.goto(f"/entities/{kim.pk}/")

    page.get_by_label("Merge a duplicate into this entity").fill("dzsong un")
    page.get_by_role("link", name="Kim Dzsong Un").click()
    expect(page.locator("#merge-panel")).to_contain_text("moves its 1 annotation here")
    page.get_by_role("button", name="Merge Kim Dzsong Un into this entity").click()

    expect(page.locator("#merges li")).to_contain_text("Kim Dzsong Un (person), by erika")
    expect(page.locator("#section-mentions li")).to_have_count(1)
    assert not Entity.objects.filter(pk=duplicate.pk).exists()
    assert EntityMerge.objects.get().survivor == kim


def test_a_link_to_one_annotation_brings_it_into_view_and_marks_it(editor, log_in):
    kim = make_entity("Kim Dzsongun")
    article = make_article(BODY)
    quote = make_annotation(article, *span_of(article, "Hősök"), kind="quote", author=editor, entity=kim)
    page = log_in(editor)
    page.goto(f"/entities/{kim.pk}/")

    page.locator("#section-quotes a", has_text=article.title).click()

    mark = page.locator(f'mark[data-annotations~="{quote.pk}"]')
    expect(mark).to_have_class("hl hl-quote is-selected")
    expect(mark).to_be_in_viewport()
    expect(page.locator(f"#annotation-{quote.pk}")).to_have_class("annotation kind-quote is-selected")
