"""The entity pages in a real browser: spellings edited in place and a merge (in Hungarian and in English), a
link to one annotation."""

import pytest
from playwright.sync_api import expect

from entities.models import Entity, EntityMerge
from tests.browser.helpers import in_both_languages
from tests.factories import make_annotation, make_article, make_entity, span_of

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Első bekezdés.\n\n" + "Szöveg. " * 150 + "\n\n„Hősök” – mondta Kim Dzsong Un akkor."


@in_both_languages
def test_spellings_are_added_and_removed_in_place(editor, log_in, words):
    kim = make_entity("Kim Dzsongun", aliases=["Kim Jong Un"])
    page = log_in(editor)
    page.goto(f"/entities/{kim.pk}/")
    url = page.url

    page.get_by_label(words("Another spelling")).fill("Kim Dzsong Un")
    page.get_by_role("button", name=words("Add"), exact=True).click()
    expect(page.locator("#aliases li")).to_have_count(2)
    page.get_by_role("button", name=words("Remove %(alias)s", alias="Kim Jong Un")).click()
    expect(page.locator("#aliases li")).to_have_text([f"Kim Dzsong Un {words('remove')}"], use_inner_text=True)

    assert page.url == url  # in place, no reload
    kim.refresh_from_db()
    assert kim.aliases == ["Kim Dzsong Un"]


@in_both_languages
def test_a_duplicate_is_found_previewed_and_merged(editor, log_in, words):
    kim = make_entity("Kim Dzsongun")
    duplicate = make_entity("Kim Dzsong Un")
    article = make_article(BODY)
    make_annotation(article, *span_of(article, "Kim Dzsong Un"), author=editor, entity=duplicate)
    page = log_in(editor)
    page.goto(f"/entities/{kim.pk}/")

    page.get_by_label(words("Merge a duplicate into this entity")).fill("dzsong un")
    page.get_by_role("link", name="Kim Dzsong Un").click()
    person = words("Person").lower()
    moves = words.pattern(
        "Merging %(name)s (%(kind)s) into %(survivor)s moves its %(moved)s annotation here",
        "Merging %(name)s (%(kind)s) into %(survivor)s moves its %(moved)s annotations here",
        1,
        name="Kim Dzsong Un",
        kind=person,
        survivor="Kim Dzsongun",
        moved=1,
    )
    expect(page.locator("#merge-panel")).to_contain_text(moves)
    page.get_by_role("button", name=words("Merge %(name)s into this entity", name="Kim Dzsong Un")).click()

    merged = words.pattern(
        "%(name)s (%(kind)s), by %(who)s on %(when)s: %(moved)s annotations moved.",
        name="Kim Dzsong Un",
        kind=person,
        who="erika",
        moved=1,
    )
    expect(page.locator("#merges li")).to_contain_text(merged)
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
