"""An article body as HTML paragraphs with its annotations highlighted, overlaps included.

The text is cut at every annotation boundary into segments; each segment is marked with every
annotation that covers it, so nested and overlapping annotations all stay visible. Offsets
are code points into ``Article.body``; each paragraph carries its start offset so the browser
can map a selection back to the body.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Annotation

PARAGRAPH_BREAK = re.compile(r"\n{2,}")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    html: SafeString


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


def kinds_in(annotations: Sequence[Annotation]) -> dict[str, int]:
    """How many annotations of each kind, every kind listed."""
    counts = dict.fromkeys(Annotation.Kind.values, 0)
    for annotation in annotations:
        counts[annotation.kind] += 1
    return counts


def paragraphs_around(body: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whole paragraphs that [start, end) touches."""
    touched = [(s, e) for s, e in paragraph_spans(body) if s < end and start < e]
    return (touched[0][0], touched[-1][1]) if touched else (start, end)
