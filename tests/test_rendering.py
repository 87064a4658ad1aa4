"""The article body as paragraphs with highlights: offsets, overlaps and escaping."""

import datetime
from types import SimpleNamespace

from annotations.rendering import ShownAnnotation, annotation_item, annotation_items, paragraph_spans, render_body


def ann(pk: int, start: int, end: int, kind: str = "entity", verdict: str = ""):
    return SimpleNamespace(
        pk=pk, start=start, end=end, kind=kind, verdict=verdict or ("unverified" * (kind == "claim"))
    )


def test_paragraphs_are_split_at_blank_lines_and_keep_their_offsets():
    body = "Első.\n\nMásodik\nsor.\n\n\nHarmadik."
    assert [body[s:e] for s, e in paragraph_spans(body)] == ["Első.", "Második\nsor.", "Harmadik."]
    paragraphs = render_body(body, [])
    assert [(p.start, p.end) for p in paragraphs] == [(0, 5), (7, 19), (22, 31)]
    assert paragraphs[1].html == "Második\nsor."  # the page shows it with white-space: pre-line


def test_text_is_escaped():
    (paragraph,) = render_body('<script>alert("x")</script> & „idézet”', [ann(1, 0, 8)])
    assert "<script>" not in paragraph.html
    assert "&lt;script&gt;" in paragraph.html and "&amp;" in paragraph.html


def test_nested_annotations_all_stay_marked():
    body = "Kim Dzsongun azt mondta, hogy hősök."
    claim, quote, entity = ann(1, 0, 36, "claim"), ann(2, 13, 36, "quote"), ann(3, 0, 12, "entity")
    (paragraph,) = render_body(body, [claim, quote, entity])
    html = paragraph.html
    assert html.count("<mark") == 3
    assert 'class="hl hl-claim hl-entity" data-annotations="1 3" data-annotation="3"' in html
    assert (
        'class="hl hl-claim" data-annotations="1" data-annotation="1" data-verdict="unverified" data-depth="1" '
        'aria-describedby="annotation-kind-1 annotation-details-1"> </mark>'
    ) in html
    assert 'class="hl hl-claim hl-quote" data-annotations="1 2" data-annotation="2"' in html
    # A screen reader hears the innermost annotation first, then the ones around it.
    assert 'aria-describedby="annotation-kind-3 annotation-details-3 annotation-kind-1 annotation-details-1"' in html
    # Each annotation has one anchor, where it begins.
    assert [html.count(f'id="hl-{pk}"') for pk in (1, 2, 3)] == [1, 1, 1]


def test_a_claim_is_tinted_by_its_verdict_the_innermost_claim_where_they_nest():
    body = "Több mint 12 ezer katona vett részt."
    outer, inner, entity = ann(1, 0, 36, "claim", "false"), ann(2, 0, 17, "claim", "true"), ann(3, 18, 24)
    (paragraph,) = render_body(body, [outer, inner, entity])
    html = paragraph.html
    assert 'data-annotations="1 2" data-annotation="2" data-verdict="true"' in html
    assert 'class="hl hl-claim hl-entity" data-annotations="1 3" data-annotation="3" data-verdict="false"' in html
    assert '<mark class="hl hl-entity"' not in html  # the entity is inside the claim: tinted too
    (plain,) = render_body("Kim Dzsongun.", [ann(4, 0, 12)])
    assert "data-verdict" not in plain.html


def test_overlapping_annotations_cut_the_text_into_three_segments():
    body = "abcdefghij"
    (paragraph,) = render_body(body, [ann(1, 0, 6), ann(2, 4, 10, "quote")])
    html = paragraph.html
    assert 'data-annotations="1"' in html and 'data-annotations="1 2"' in html and 'data-annotations="2"' in html
    assert ">abcd</mark>" in html and ">ef</mark>" in html and ">ghij</mark>" in html


def test_an_annotation_across_paragraphs_is_marked_in_each():
    body = "Első bekezdés vége.\n\nMásodik eleje."
    first, second = render_body(body, [ann(7, 14, 28)])
    assert first.html.endswith('data-depth="1" aria-describedby="annotation-kind-7 annotation-details-7">vége.</mark>')
    assert second.html.startswith('<mark class="hl hl-entity" data-annotations="7"')
    assert ">Második</mark> eleje." in second.html


def test_offsets_count_code_points_so_emoji_do_not_shift_highlights():
    body = "🚀🚀 Kim Dzsongun"
    (paragraph,) = render_body(body, [ann(1, 3, 6)])
    assert ">Kim</mark> Dzsongun" in paragraph.html


def test_a_paragraph_escapes_nothing_twice_and_carries_its_offsets():
    (paragraph,) = render_body("<b>Kim</b> & Sojgu", [ann(4, 3, 6)])
    html = paragraph.as_html(oob=True)
    assert html.startswith('<p id="p-0" data-start="0" data-end="18" hx-swap-oob="true">&lt;b&gt;')
    assert 'aria-describedby="annotation-kind-4 annotation-details-4">Kim</mark>&lt;/b&gt; &amp; Sojgu</p>' in html


def test_only_the_paragraphs_asked_for_are_rendered_and_anchors_stay_where_annotations_begin():
    body = "Első bekezdés vége.\n\nMásodik eleje."
    (second,) = render_body(body, [ann(7, 14, 28), ann(8, 21, 28)], within=(21, 35))
    assert 'id="hl-7"' not in second.html  # begun in the first paragraph
    assert second.html.count('id="hl-8"') == 1


def test_an_annotation_beginning_in_a_blank_line_is_anchored_where_its_text_shows():
    body = "Első.\n\nMásodik."
    first, second = render_body(body, [ann(5, 6, 10)])
    assert 'id="hl-5"' not in first.html
    assert second.html.startswith('<span class="anchor" id="hl-5"></span><mark')


def test_a_list_entry_escapes_every_value_from_the_database():
    entry = ShownAnnotation(
        pk=3,
        kind="claim",
        start=0,
        end=5,
        exact="<img src=x onerror=alert(1)>",
        verdict="false",
        evidence=['https://example.org/?a="><script>'],
        quote_type="",
        cue_verb="",
        source_type="",
        note="<script>alert(2)</script>",
        created_at=datetime.datetime(2025, 6, 9, 10, 42, tzinfo=datetime.UTC),
        updated_at=datetime.datetime(2025, 6, 9, 10, 42, tzinfo=datetime.UTC),
        entity_name="<b>Kim</b>",
        author_name='"><i>anna',
    )
    html = annotation_item(entry)
    assert "<script" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert 'href="https://example.org/?a=&quot;&gt;&lt;script&gt;"' in html
    assert '<span class="entity">&lt;b&gt;Kim&lt;/b&gt;</span>' in html
    assert '<span class="verdict verdict-false">False</span>' in html
    assert "&quot;&gt;&lt;i&gt;anna · " in html
    assert annotation_items([entry, entry]) == html + html  # the whole list, the same entries
