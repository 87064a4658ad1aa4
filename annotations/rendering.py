"""An article body as HTML paragraphs with its annotations highlighted, overlaps included.

The text is cut at every annotation boundary into segments; each segment is marked with every
annotation that covers it, so nested and overlapping annotations all stay visible. Offsets
are code points into ``Article.body``; each paragraph carries its start offset so the browser
can map a selection back to the body.

HTML is built with format_html() from plain rows rather than in a template loop: the article
page shows hundreds of annotations, and the page and the htmx fragments must render each
piece the same way.
"""

import bisect
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from annotations.models import Annotation, text_order

PARAGRAPH_BREAK = re.compile(r"\n{2,}")
SWAP_OOB = SafeString(' hx-swap-oob="true"')  # a fragment that replaces its namesake in the page
HIGHLIGHT_CLASSES = {kind: f"hl-{kind}" for kind in Annotation.Kind.values}
ITEM_CLASSES = {kind: f"annotation kind-{kind}" for kind in Annotation.Kind.values}
# Markup around the text of a highlight: filled in with numbers and the class names above only.
ANCHOR = '<span class="anchor" id="hl-{pk}"></span>'
MARK = '<mark class="hl {classes}" data-annotations="{ids}" data-annotation="{innermost}" data-depth="{depth}">'
# An entry of the annotation list. Its id, class names, URL and the time (made by code from
# numbers) go in first; then format_html fills in, escaping them, the values in {{named}} places.
ITEM = (
    '<li id="annotation-{pk}" class="{classes}" data-annotation="{pk}"{swap}>'
    '<a class="exact" href="#hl-{pk}" hx-get="{edit_url}{pk}/" hx-target="#annotator-panel">'
    '<span class="kind-label">{{kind_label}}</span> {{exact}}</a>'
    '<p class="details">{{details}}</p>{{extras}}'
    '<p class="byline">{{author}} · <time datetime="{created_iso}">{created}</time></p></li>'
)
TAG = '<span class="{}">{}</span>'
EVIDENCE_LINK = '<li><a href="{}" rel="noopener noreferrer" target="_blank">{}</a></li>'


@dataclass(slots=True)
class ShownAnnotation:
    """What the article page shows of an annotation: a plain row, cheap to fetch by the hundred."""

    pk: int
    kind: str
    start: int
    end: int
    exact: str
    verdict: str
    evidence: list[str]
    quote_type: str
    cue_verb: str
    source_type: str
    note: str
    created_at: datetime
    updated_at: datetime
    entity_name: str | None
    author_name: str

    FIELDS = (
        "pk", "kind", "start", "end", "exact", "verdict", "evidence", "quote_type", "cue_verb",
        "source_type", "note", "created_at", "updated_at", "entity__name", "author__username",
    )  # fmt: skip

    @classmethod
    def of(cls, annotation: Annotation) -> "ShownAnnotation":
        return cls(
            *(getattr(annotation, name) for name in cls.FIELDS[:13]),
            annotation.entity.name if annotation.entity else None,
            annotation.author.get_username(),
        )


def shown_annotations(annotations: QuerySet[Annotation]) -> list[ShownAnnotation]:
    """The annotations in text order, as plain rows: the article page lists hundreds of them."""
    return [ShownAnnotation(*row) for row in annotations.in_text_order().values_list(*ShownAnnotation.FIELDS)]


def revision(rows: Iterable[tuple[int, datetime]]) -> str:
    """A fingerprint of an article's annotations as (id, last change) pairs, in any order.

    The page keeps the revision it shows; a request that brings an older one learns that
    someone else changed the article's annotations meanwhile.
    """
    text = ";".join(f"{pk}@{changed.isoformat()}" for pk, changed in sorted(rows))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    html: SafeString

    def as_html(self, *, oob: bool = False) -> SafeString:
        """The <p>, carrying its offsets so the browser can map a selection to the body."""
        return format_html(
            '<p id="p-{start}" data-start="{start}" data-end="{end}"{swap}>{html}</p>',
            start=self.start,
            end=self.end,
            swap=SWAP_OOB if oob else "",
            html=self.html,
        )


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """[start, end) of each paragraph; paragraphs are separated by blank lines."""
    spans, start = [], 0
    for separator in PARAGRAPH_BREAK.finditer(body):
        if separator.start() > start:
            spans.append((start, separator.start()))
        start = separator.end()
    if start < len(body):
        spans.append((start, len(body)))
    return spans


def render_body(
    body: str, annotations: Iterable[Annotation], *, within: tuple[int, int] | None = None
) -> list[Paragraph]:
    """Every paragraph, or only those overlapping ``within`` (for a fragment that replaces them).

    ``annotations`` must hold every annotation that overlaps the paragraphs rendered.
    """
    spans = paragraph_spans(body)
    starting, ending = defaultdict(list), defaultdict(list)
    anchors = defaultdict(list)  # where each annotation's anchor goes: its first character shown
    for annotation in annotations:
        starting[annotation.start].append(annotation)
        ending[annotation.end].append(annotation)
        anchors[_first_shown(spans, annotation.start)].append(annotation.pk)
    cuts = sorted({*starting, *ending, *anchors})

    paragraphs = []
    active: dict[int, Annotation] = {}
    cut_index = 0
    for paragraph_start, paragraph_end in spans:
        if within and not (paragraph_start < within[1] and within[0] < paragraph_end):
            continue
        # Annotations may cross paragraph breaks: bring the active set up to this paragraph.
        while cut_index < len(cuts) and cuts[cut_index] < paragraph_start:
            _apply(cuts[cut_index], starting, ending, active)
            cut_index += 1
        parts = []
        position = paragraph_start
        while position < paragraph_end:
            if cut_index < len(cuts) and cuts[cut_index] == position:
                _apply(position, starting, ending, active)
                cut_index += 1
            next_cut = cuts[cut_index] if cut_index < len(cuts) else paragraph_end
            segment_end = min(next_cut, paragraph_end)
            parts.append(_segment(body[position:segment_end], active.values(), anchors.get(position, ())))
            position = segment_end
        paragraphs.append(Paragraph(paragraph_start, paragraph_end, join_html(parts)))
    return paragraphs


def _first_shown(spans: list[tuple[int, int]], offset: int) -> int:
    """The first offset at or after ``offset`` that lies in a paragraph (not in a blank line between)."""
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    if index >= 0 and spans[index][0] <= offset < spans[index][1]:
        return offset
    return spans[index + 1][0] if index + 1 < len(spans) else offset


def _apply(position: int, starting, ending, active: dict[int, Annotation]) -> None:
    for annotation in ending.get(position, ()):
        active.pop(annotation.pk, None)
    for annotation in starting.get(position, ()):
        active[annotation.pk] = annotation


def _segment(text: str, covering: Iterable[Annotation], anchored: Iterable[int]) -> SafeString:
    """One run of text and the annotations over it; a line break stays a "\\n" (white-space: pre-line).

    The page has hundreds of these: the markup around the text is made of ids (numbers) and the
    kinds' class names (constants here), so only the text itself needs escaping.
    """
    anchors = "".join(ANCHOR.format(pk=int(pk)) for pk in anchored)
    if not covering:
        return format_html(anchors + "{}", text)
    covering = sorted(covering, key=text_order)
    # The innermost annotation is the one a click on this text means.
    innermost = min(covering, key=lambda a: (a.end - a.start, -a.start))
    mark = MARK.format(
        classes=" ".join(HIGHLIGHT_CLASSES[kind] for kind in sorted({a.kind for a in covering})),
        ids=" ".join(str(int(a.pk)) for a in covering),
        innermost=int(innermost.pk),
        depth=min(len(covering), 4),
    )
    return format_html(anchors + mark + "{}</mark>", text)


def join_html(parts: Iterable[str]) -> SafeString:
    """Pieces of HTML as one, each escaped unless it is safe already (as Django's join filter does)."""
    return mark_safe("".join(map(conditional_escape, parts)))


def kinds_in(annotations: Iterable[Annotation | ShownAnnotation]) -> dict[str, int]:
    """How many annotations of each kind, every kind listed."""
    counts = dict.fromkeys(Annotation.Kind.values, 0)
    for annotation in annotations:
        counts[annotation.kind] += 1
    return counts


def paragraphs_around(body: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whole paragraphs that [start, end) touches."""
    touched = [(s, e) for s, e in paragraph_spans(body) if s < end and start < e]
    return (touched[0][0], touched[-1][1]) if touched else (start, end)


def annotation_item(annotation: ShownAnnotation | Annotation, *, oob: bool = False) -> SafeString:
    """One entry of the annotation list beside the text.

    As for highlights, the markup is filled in with numbers and constants; every value from the
    database (the text, names, the note, links) goes through format_html's escaping.
    """
    shown = annotation if isinstance(annotation, ShownAnnotation) else ShownAnnotation.of(annotation)
    details = [
        format_html(TAG, "entity", shown.entity_name) if shown.entity_name else "",
        _choice_tag("verdict", shown.verdict),
        _choice_tag("quote_type", shown.quote_type),
        format_html(TAG, "tag", shown.cue_verb) if shown.cue_verb else "",
        _choice_tag("source_type", shown.source_type),
    ]
    details = [tag for tag in details if tag]
    extras = []
    if shown.note:
        extras.append(format_html('<p class="note">{}</p>', shown.note))
    if shown.evidence:
        links = format_html_join("", EVIDENCE_LINK, ((link, _truncate(link, 60)) for link in shown.evidence))
        extras.append(format_html('<ul class="evidence">{}</ul>', links))
    created = timezone.localtime(shown.created_at)
    markup = ITEM.format(
        pk=int(shown.pk),
        classes=ITEM_CLASSES[shown.kind],
        swap=SWAP_OOB if oob else "",
        edit_url=edit_url_prefix(),
        created_iso=created.isoformat(),
        created=f"{created.day} {created:%b %Y %H:%M}",
    )
    return format_html(
        markup,
        kind_label=_escaped_label("kind", shown.kind, get_language()),
        exact=_truncate(shown.exact, 120),
        details=join_html(details) if details else "",
        extras=join_html(extras) if extras else "",
        author=shown.author_name,
    )


def _choice_tag(field: str, value: str) -> SafeString | str:
    """The tag for a choice (a verdict, a quote type…), or nothing when it is blank."""
    return _tag(field, value, get_language()) if value else ""


@cache
def _tag(field: str, value: str, language: str | None) -> SafeString:
    """Made once per choice and language: the list has hundreds of entries and few distinct tags."""
    css = f"verdict verdict-{value}" if field == "verdict" else "tag"
    return format_html(TAG, css, _escaped_label(field, value, language))


@cache
def _escaped_label(field: str, value: str, language: str | None) -> SafeString:
    """A choice's label in ``language`` (the current one: part of the key), escaped once."""
    return conditional_escape(dict(Annotation._meta.get_field(field).flatchoices)[value])


def annotation_items(annotations: Iterable[ShownAnnotation]) -> SafeString:
    return join_html(annotation_item(annotation) for annotation in annotations)


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@cache
def edit_url_prefix() -> str:
    """'/annotations/': the edit URL of annotation N is this plus 'N/'."""
    return reverse("annotations:edit", args=[0]).removesuffix("0/")
