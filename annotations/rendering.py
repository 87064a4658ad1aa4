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
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache

from django.core.cache import caches
from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from annotations.models import Annotation, text_order

PARAGRAPH_BREAK = re.compile(r"\n{2,}")
SWAP_OOB = SafeString(' hx-swap-oob="true"')  # a fragment that replaces its namesake in the page
HIGHLIGHT_CLASSES = {kind: f"hl-{kind}" for kind in Annotation.Kind.values}
# A claim's highlight is tinted by its verdict (static/css/newsroom.css); its description says it in words.
VERDICT_ATTRIBUTES = {verdict: f' data-verdict="{verdict}"' for verdict in Annotation.Verdict.values}
ITEM_CLASSES = {kind: f"annotation kind-{kind}" for kind in Annotation.Kind.values}
# An entry of the annotation list (annotation_item), its details and extras between these two.
# Numbers, constants and the time go in here; then format_html escapes the values into the {{}}.
ITEM_HEAD = (
    '<li id="annotation-{pk}" class="{classes}" data-annotation="{pk}"{swap}>'
    '<a class="exact" href="#hl-{pk}" hx-get="{edit_url}{pk}/" hx-target="#annotator-panel">'
    '<span class="kind-label" id="annotation-kind-{pk}">{{}}</span> {{}}</a>'
    '<p class="details" id="annotation-details-{pk}">'
)
ITEM_TAIL = '<p class="byline">{{}} · <time datetime="{created_iso}">{created}</time></p></li>'
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
    # Where it came from: an accepted suggestion shows its rule and confidence.
    provenance: str = Annotation.Provenance.TYPED
    suggestion_rule: str = ""
    suggestion_confidence: float | None = None

    FIELDS = (
        "pk", "kind", "start", "end", "exact", "verdict", "evidence", "quote_type", "cue_verb",
        "source_type", "note", "created_at", "updated_at", "entity__name", "author__username",
        "provenance", "suggestion_rule", "suggestion_confidence",
    )  # fmt: skip

    @classmethod
    def of(cls, annotation: Annotation) -> "ShownAnnotation":
        return cls(
            *(getattr(annotation, name) for name in cls.FIELDS[:13]),  # all but the two names and the provenance
            annotation.entity.name if annotation.entity else None,
            annotation.author.get_username(),
            annotation.provenance,
            annotation.suggestion_rule,
            annotation.suggestion_confidence,
        )


def shown_annotations(annotations: QuerySet[Annotation]) -> list[ShownAnnotation]:
    """The annotations in text order, as plain rows: the article page lists hundreds of them."""
    return [ShownAnnotation(*row) for row in annotations.in_text_order().values_list(*ShownAnnotation.FIELDS)]


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
        markup, texts = [], []
        position = paragraph_start
        while position < paragraph_end:
            if cut_index < len(cuts) and cuts[cut_index] == position:
                _apply(position, starting, ending, active)
                cut_index += 1
            next_cut = cuts[cut_index] if cut_index < len(cuts) else paragraph_end
            segment_end = min(next_cut, paragraph_end)
            markup.append(_segment_markup(active.values(), anchors.get(position)))
            texts.append(body[position:segment_end])
            position = segment_end
        # One format_html per paragraph: its segments' markup, with the texts escaped into it.
        paragraphs.append(Paragraph(paragraph_start, paragraph_end, format_html("".join(markup), *texts)))
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


def _segment_markup(covering: Iterable[Annotation], anchored: list[int] | None) -> str:
    """The markup of one run of text with the annotations over it, "{}" where the text goes.

    It is made of ids (integers from the database) and the kinds' class names (constants here)
    only; the caller hands the text to format_html, which escapes it. A line break in the text
    stays a "\\n" (shown by white-space: pre-line), so the DOM text equals the body.
    """
    anchors = "".join(f'<span class="anchor" id="hl-{pk:d}"></span>' for pk in anchored) if anchored else ""
    if not covering:
        return anchors + "{}"
    covering = sorted(covering, key=text_order)
    # The innermost annotation is the one a click on this text means.
    innermost = min(covering, key=_inner_first)
    classes = " ".join(HIGHLIGHT_CLASSES[kind] for kind in sorted({a.kind for a in covering}))
    ids = " ".join(f"{a.pk:d}" for a in covering)
    # The innermost claim's verdict tints the text (a constant of the choices, never text from the database).
    claims = [a for a in covering if a.kind == Annotation.Kind.CLAIM]
    verdict = VERDICT_ATTRIBUTES[min(claims, key=_inner_first).verdict] if claims else ""
    # Screen readers read each annotation's kind and details (verdict, speaker…) from its entry in
    # the list beside the text, innermost first, in the page's language: no text is added to the body.
    described = " ".join(
        f"annotation-kind-{a.pk:d} annotation-details-{a.pk:d}" for a in sorted(covering, key=_inner_first)
    )
    return (
        f'{anchors}<mark class="hl {classes}" data-annotations="{ids}" data-annotation="{innermost.pk:d}"{verdict} '
        f'data-depth="{min(len(covering), 4)}" aria-describedby="{described}">{{}}</mark>'
    )


def _inner_first(annotation) -> tuple[int, int]:
    """Sorts annotations over the same text from the innermost (the shortest, the later) out."""
    return annotation.end - annotation.start, -annotation.start


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
    """One entry of the annotation list beside the text."""
    shown = annotation if isinstance(annotation, ShownAnnotation) else ShownAnnotation.of(annotation)
    markup, values = _item(shown, _ListContext.current(), oob=oob)
    return format_html(markup, *values)


def annotation_items(annotations: Iterable[ShownAnnotation]) -> SafeString:
    """The whole list, in one format_html call: the article page lists hundreds of entries."""
    context = _ListContext.current()
    markup, values = [], []
    for annotation in annotations:
        item_markup, item_values = _item(annotation, context, oob=False)
        markup.append(item_markup)
        values += item_values
    return format_html("".join(markup), *values) if markup else SafeString("")


@dataclass(frozen=True, slots=True)
class _ListContext:
    """What every entry of one list shares, looked up once: language, time zone and URL prefix are
    per request (each lookup goes through a context-local), and names recur."""

    language: str | None
    zone: tzinfo
    edit_url: str
    names: dict[str, SafeString]

    @classmethod
    def current(cls) -> "_ListContext":
        return cls(get_language(), timezone.get_current_timezone(), edit_url_prefix(), {})

    def escaped(self, name: str) -> SafeString:
        """A name (an author's, an entity's), escaped once per list."""
        if (escaped := self.names.get(name)) is None:
            escaped = self.names[name] = conditional_escape(name)
        return escaped


def _item(shown: ShownAnnotation, context: _ListContext, *, oob: bool) -> tuple[str, list]:
    """The markup of a list entry with "{}" where values from the database go, and those values.

    The markup holds only numbers, constants and the time (made by code from numbers); every
    value from the database (the text, names, the note, links) is left to format_html to escape.
    """
    created = shown.created_at.astimezone(context.zone)
    markup = ITEM_HEAD.format(
        pk=int(shown.pk), classes=ITEM_CLASSES[shown.kind], swap=SWAP_OOB if oob else "", edit_url=context.edit_url
    )
    values = [_escaped_label("kind", shown.kind, context.language), _truncate(shown.exact, 120)]
    if shown.entity_name:
        markup += '<span class="entity">{}</span>'
        values.append(context.escaped(shown.entity_name))
    for field, value in [("verdict", shown.verdict), ("quote_type", shown.quote_type)]:
        if value:
            markup += "{}"
            values.append(_tag(field, value, context.language))
    if shown.cue_verb:
        markup += '<span class="tag">{}</span>'
        values.append(shown.cue_verb)
    if shown.source_type:
        markup += "{}"
        values.append(_tag("source_type", shown.source_type, context.language))
    markup += "</p>"
    if shown.note:
        markup += '<p class="note">{}</p>'
        values.append(shown.note)
    if shown.evidence:
        markup += '<ul class="evidence">' + EVIDENCE_LINK * len(shown.evidence) + "</ul>"
        for link in shown.evidence:
            values += [link, _truncate(link, 60)]
    if shown.provenance == Annotation.Provenance.SUGGESTION:
        markup += '<p class="origin">{}</p>'
        values.append(
            format_html(
                gettext("Suggested by {rule} ({confidence}), accepted by {author}"),
                rule=shown.suggestion_rule,
                confidence=formats.number_format(shown.suggestion_confidence or 0, 2),
                author=context.escaped(shown.author_name),
            )
        )
    markup += ITEM_TAIL.format(
        created_iso=created.isoformat(), created=formats.date_format(created, "SHORT_DATETIME_FORMAT")
    )
    values.append(context.escaped(shown.author_name))
    return markup, values


@cache
def _tag(field: str, value: str, language: str | None) -> SafeString:
    """Made once per choice and language: the list has hundreds of entries and few distinct tags."""
    css = f"verdict verdict-{value}" if field == "verdict" else "tag"
    return format_html(TAG, css, _escaped_label(field, value, language))


@cache
def _escaped_label(field: str, value: str, language: str | None) -> SafeString:
    """A choice's label in ``language`` (the current one: part of the key), escaped once."""
    return conditional_escape(dict(Annotation._meta.get_field(field).flatchoices)[value])


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def edit_url_prefix() -> str:
    return _edit_url_prefix(get_script_prefix())


@cache
def _edit_url_prefix(script_prefix: str) -> str:
    """'/annotations/': the edit URL of annotation N is this plus 'N/'."""
    return reverse("annotations:edit", args=[0]).removesuffix("0/")


def annotation_regions(article, *, visible: bool = True) -> dict:
    """What the article page shows of its annotations, for its template (articles/article_detail.html):
    the page itself, and the answer that replaces these regions whole. None unless ``visible``.

    The page shows, and sends back with every change, the article's annotation_version: the
    database raises it with every change to what these regions show (annotations migration
    0002). Rendering hundreds of highlights and list entries is most of the page's work, and
    pages are read far more often than annotated, so what was rendered is kept in the
    "rendering" cache under that version: a change makes a new key, never a stale page.
    """
    revision = str(article.annotation_version)
    if not visible:
        return _regions(article.body, [], revision)
    cache = caches["rendering"]
    key = _regions_key(article, revision)
    if (regions := cache.get(key)) is None:
        # Fetched after the version: should a change land in between, these regions are newer
        # than their key says, never older, and the page's next change brings it up to date.
        regions = _regions(article.body, shown_annotations(article.annotations.all()), revision)
        cache.set(key, regions)
    return regions


def _regions(body: str, annotations: list[ShownAnnotation], revision: str) -> dict:
    return {
        "paragraphs": render_body(body, annotations),
        "annotation_items": annotation_items(annotations),
        "counts": kinds_in(annotations),
        "total": len(annotations),
        "revision": revision,
    }


def _regions_key(article, revision: str) -> str:
    """Everything the rendered regions depend on: the article (its text never changes), the
    version of its annotations, and the request's language, time zone and URL prefix."""
    zone = timezone.get_current_timezone_name()
    return f"annotation-regions:{article.pk}:{revision}:{get_language()}:{zone}:{get_script_prefix()}"


SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")
SURROUNDING = 200  # characters fetched on either side: longer than most sentences


@dataclass(frozen=True, slots=True)
class InSentence:
    """An annotation with the rest of its sentence on either side, for lists beyond the article."""

    annotation: Annotation
    lead: str
    tail: str


def in_sentences(annotations: Iterable[Annotation]) -> list[InSentence]:
    """Annotations fetched with_surrounding_text(SURROUNDING), each with the rest of its sentence; "…"
    marks a sentence longer than the text fetched."""
    shown = []
    for annotation in annotations:
        before, after = annotation.text_before, annotation.text_after
        ends = [match.end() for match in SENTENCE_END.finditer(before)]
        lead = before[ends[-1] :].lstrip() if ends else before.lstrip()
        if not ends and annotation.start > len(before):
            lead = "…" + lead
        end = SENTENCE_END.search(after)
        tail = after[: end.end()].rstrip("\n") if end else after
        if end is None and len(after) == SURROUNDING:
            tail += "…"
        shown.append(InSentence(annotation, lead, tail))
    return shown
