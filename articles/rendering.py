"""An article body as HTML paragraphs with its annotations highlighted, overlaps included.

The text is cut at every annotation boundary into segments; each segment is marked with every
annotation that covers it, so nested and overlapping annotations all stay visible. Offsets
are code points into ``Article.body``; each paragraph carries its start offset so the browser
can map a selection back to the body.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.models import Annotation

PARAGRAPH_BREAK = re.compile(r"\n{2,}")
KIND_LABELS = dict(Annotation.Kind.choices)
VERDICT_LABELS = dict(Annotation.Verdict.choices)
QUOTE_TYPE_LABELS = dict(Annotation.QuoteType.choices)
SOURCE_TYPE_LABELS = dict(Annotation.SourceType.choices)


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
    entity_name: str | None
    author_name: str

    FIELDS = (
        "pk", "kind", "start", "end", "exact", "verdict", "evidence", "quote_type", "cue_verb",
        "source_type", "note", "created_at", "entity__name", "author__username",
    )  # fmt: skip

    @classmethod
    def of(cls, annotation: Annotation) -> "ShownAnnotation":
        return cls(
            *(getattr(annotation, name) for name in cls.FIELDS[:12]),
            annotation.entity.name if annotation.entity else None,
            annotation.author.get_username(),
        )


def shown_annotations(annotations: QuerySet[Annotation]) -> list[ShownAnnotation]:
    """The annotations in text order, as plain rows: the article page lists hundreds of them."""
    rows = annotations.order_by("start", "-end", "pk").values_list(*ShownAnnotation.FIELDS)
    return [ShownAnnotation(*row) for row in rows]


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    html: SafeString

    def as_html(self, *, oob: bool = False) -> SafeString:
        """The <p>, carrying its start offset so the browser can map a selection to the body."""
        swap = ' hx-swap-oob="true"' if oob else ""
        return mark_safe(
            f'<p id="p-{self.start}" data-start="{self.start}" data-end="{self.end}"{swap}>{self.html}</p>'
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
    starting, ending = defaultdict(list), defaultdict(list)
    for annotation in annotations:
        starting[annotation.start].append(annotation)
        ending[annotation.end].append(annotation)
    cuts = sorted({*starting, *ending})

    paragraphs = []
    active: dict[int, Annotation] = {}
    first_segment_seen: set[int] = set()
    cut_index = 0
    for paragraph_start, paragraph_end in paragraph_spans(body):
        if within and not (paragraph_start < within[1] and within[0] < paragraph_end):
            continue
        # Annotations may cross paragraph breaks: bring the active set up to this paragraph.
        while cut_index < len(cuts) and cuts[cut_index] <= paragraph_start:
            _apply(cuts[cut_index], starting, ending, active)
            cut_index += 1
        parts = []
        position = paragraph_start
        while position < paragraph_end:
            next_cut = cuts[cut_index] if cut_index < len(cuts) else paragraph_end
            segment_end = min(next_cut, paragraph_end)
            parts.append(_segment(body[position:segment_end], active.values(), first_segment_seen))
            position = segment_end
            if position == next_cut:
                _apply(next_cut, starting, ending, active)
                cut_index += 1
        paragraphs.append(Paragraph(paragraph_start, paragraph_end, mark_safe("".join(parts))))
    return paragraphs


def _apply(position: int, starting, ending, active: dict[int, Annotation]) -> None:
    for annotation in ending.get(position, ()):
        active.pop(annotation.pk, None)
    for annotation in starting.get(position, ()):
        active[annotation.pk] = annotation


def _segment(text: str, covering: Iterable[Annotation], first_segment_seen: set[int]) -> str:
    html = escape(text)  # a line break stays a "\n" (shown by white-space: pre-line): DOM text = body text
    covering = sorted(covering, key=lambda a: (a.start, -a.end, a.pk))
    if not covering:
        return html
    # The innermost annotation is the one a click on this text means.
    innermost = min(covering, key=lambda a: (a.end - a.start, -a.start))
    kinds = sorted({a.kind for a in covering})
    ids = " ".join(str(a.pk) for a in covering)
    anchors = "".join(
        f'<span class="anchor" id="hl-{a.pk}"></span>' for a in covering if a.pk not in first_segment_seen
    )
    first_segment_seen.update(a.pk for a in covering)
    classes = " ".join(f"hl-{kind}" for kind in kinds)
    return (
        f'{anchors}<mark class="hl {classes}" data-annotations="{ids}" data-annotation="{innermost.pk}" '
        f'data-depth="{min(len(covering), 4)}">{html}</mark>'
    )


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

    Rendered here rather than in a template loop, and with the standard library's escape():
    the article page lists hundreds of these, and the page and the htmx fragments must
    render an entry the same way. Every value from the database goes through escape().
    """
    shown = annotation if isinstance(annotation, ShownAnnotation) else ShownAnnotation.of(annotation)
    pk = shown.pk
    tags = [
        ("entity", shown.entity_name),
        (f"verdict verdict-{shown.verdict}", VERDICT_LABELS.get(shown.verdict)),
        ("tag", QUOTE_TYPE_LABELS.get(shown.quote_type)),
        ("tag", shown.cue_verb),
        ("tag", SOURCE_TYPE_LABELS.get(shown.source_type)),
    ]
    details = "".join(f'<span class="{css}">{escape(text)}</span>' for css, text in tags if text)
    note = f'<p class="note">{escape(shown.note)}</p>' if shown.note else ""
    links = "".join(
        f'<li><a href="{escape(link)}" rel="noopener noreferrer" target="_blank">{escape(_truncate(link, 60))}</a></li>'
        for link in shown.evidence
    )
    evidence = f'<ul class="evidence">{links}</ul>' if links else ""
    created = timezone.localtime(shown.created_at)
    return mark_safe(
        f'<li id="annotation-{pk}" class="annotation kind-{shown.kind}" data-annotation="{pk}"'
        f"{' hx-swap-oob="true"' if oob else ''}>"
        f'<a class="exact" href="#hl-{pk}" hx-get="{edit_url_prefix()}{pk}/" hx-target="#annotator-panel">'
        f'<span class="kind-label">{KIND_LABELS[shown.kind]}</span> {escape(_truncate(shown.exact, 120))}</a>'
        f'<p class="details">{details}</p>{note}{evidence}'
        f'<p class="byline">{escape(shown.author_name)} · '
        f'<time datetime="{created.isoformat()}">{created.day} {created:%b %Y %H:%M}</time></p></li>'
    )


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@cache
def edit_url_prefix() -> str:
    """'/articles/annotations/': the edit URL of annotation N is this plus 'N/'."""
    return reverse("articles:annotation-edit", args=[0]).removesuffix("0/")
