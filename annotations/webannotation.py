"""Annotations as W3C Web Annotations (JSON-LD), both ways: out of export rows, and back into fields.

One annotation (web_annotation(), also what the API answers with):

- ``id``: its anchor on the article page, ``NEWSROOM_URL/articles/ID/#a-ID`` (the desks and entity
  pages link there already); ``target.source`` is the article's address, ``NEWSROOM_URL/articles/ID/``,
  with a ``TextQuoteSelector`` (exact, prefix, suffix) and a ``TextPositionSelector`` (code points,
  end exclusive), and the SHA-256 of the article's text (``contentSha256``), which names the same text
  in any database;
- bodies with purposes: ``tagging`` (the kind: source, quote, claim or entity), ``identifying`` (the
  entity: a SpecificResource on ``http://www.wikidata.org/entity/Q…`` when its QID is known, else a
  TextualBody with its name), ``assessing`` (a claim's verdict), ``commenting`` (the note);
- ``creator`` (a Person with the author's username as ``nickname``), ``created``, ``modified``.

What the W3C vocabulary has no word for is said in terms of our own, defined in a second
``@context`` after the W3C one, under ``NEWSROOM_URL/ns#`` (NEWSROOM_TERMS): on the annotation
quoteType, cueVerb, sourceType and evidence; on the identifying body entityName and entityKind; on
the assessing body verdictSetBy and verdictSetAt; on the target contentSha256. Terms rather than
more bodies, so that a W3C client sees exactly the bodies it knows and nothing is lost on the way
back (annotations.importing).

An export (collection_lines()) is one JSON document written in pieces: an ``AnnotationCollection``
whose ``first`` page is embedded and whose following ``AnnotationPage``s (``items``, ``partOf``,
``startIndex``, ``prev``, ``next``) are in its ``@included``, ``total`` and ``last`` written at its
end, once known. A file has no addresses to page through, so the collection is named by a fresh
``urn:uuid:`` and each page by a UUID derived from it.
"""

import json
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from annotations.exporting import Row, iso, rows
from annotations.models import Annotation
from entities.models import WIKIDATA_QID
from newsroom.site import absolute_url, name

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
FORMAT_NAME = "W3C Web Annotation"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
PAGE_SIZE = 1000

# The motivation of each kind's annotation, beside the bodies that say the rest.
MOTIVATIONS = {
    Annotation.Kind.SOURCE: "tagging",
    Annotation.Kind.QUOTE: "tagging",
    Annotation.Kind.CLAIM: "assessing",
    Annotation.Kind.ENTITY: "identifying",
}


def namespace() -> str:
    return settings.NEWSROOM_URL + "/ns#"


def newsroom_terms() -> dict:
    """Our own JSON-LD terms, for what the W3C vocabulary has no word for."""
    return {
        "newsroom": namespace(),
        "quoteType": "newsroom:quoteType",
        "cueVerb": "newsroom:cueVerb",
        "sourceType": "newsroom:sourceType",
        "evidence": {"@id": "newsroom:evidence", "@type": "@id", "@container": "@list"},
        "entityName": "newsroom:entityName",
        "entityKind": "newsroom:entityKind",
        "verdictSetBy": "newsroom:verdictSetBy",
        "verdictSetAt": {"@id": "newsroom:verdictSetAt", "@type": "xsd:dateTime"},
        "contentSha256": "newsroom:contentSha256",
    }


def context() -> list:
    """The W3C context first, then ours."""
    return [W3C_CONTEXT, newsroom_terms()]


def article_address(article_id: int) -> str:
    return absolute_url("articles:detail", article_id)


def annotation_address(article_url: str, annotation_id: int) -> str:
    return f"{article_url}#a-{annotation_id}"


def web_annotation(row: Row, *, standalone: bool = True, article_url: str | None = None) -> dict:
    """One annotation as a W3C Web Annotation: with its own ``@context`` when ``standalone``,
    without inside a page or collection that has it. ``article_url`` saves working out the
    article's address again for each of its annotations."""
    article_url = article_url or article_address(row.article_id)
    annotation = {"@context": context()} if standalone else {}
    annotation |= {
        "id": annotation_address(article_url, row.id),
        "type": "Annotation",
        "motivation": MOTIVATIONS[row.kind],
        "creator": {"type": "Person", "nickname": row.author},
        "created": iso(row.created_at),
        "modified": iso(row.updated_at),
        "body": _bodies(row),
        "target": {
            "type": "SpecificResource",
            "source": article_url,
            "contentSha256": row.article_sha256,
            "selector": [
                {"type": "TextQuoteSelector", "exact": row.exact, "prefix": row.prefix, "suffix": row.suffix},
                {"type": "TextPositionSelector", "start": row.start, "end": row.end},
            ],
        },
    }
    details = {"quoteType": row.quote_type, "cueVerb": row.cue_verb, "sourceType": row.source_type}
    annotation |= {term: value for term, value in details.items() if value}
    if row.evidence:
        annotation["evidence"] = list(row.evidence)
    return annotation


def _bodies(row: Row) -> list[dict]:
    bodies = [{"type": "TextualBody", "purpose": "tagging", "value": row.kind}]
    if row.entity_id:
        qid = row.entity_wikidata or ""
        if WIKIDATA_QID.fullmatch(qid):
            entity = {"type": "SpecificResource", "source": WIKIDATA_ENTITY + qid, "entityName": row.entity_name}
        else:
            entity = {"type": "TextualBody", "value": row.entity_name}
        bodies.append({**entity, "purpose": "identifying", "entityKind": row.entity_kind})
    if row.verdict:
        verdict = {"type": "TextualBody", "purpose": "assessing", "value": row.verdict}
        if row.verdict_set_at:
            verdict |= {"verdictSetBy": row.verdict_set_by, "verdictSetAt": iso(row.verdict_set_at)}
        bodies.append(verdict)
    if row.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": row.note, "format": "text/plain"})
    return bodies


def collection_lines(annotations: QuerySet[Annotation]) -> Iterator[str]:
    """The annotations as one AnnotationCollection, in pieces: a page at a time in memory at most."""
    collection = uuid.uuid4()
    collection_id = f"urn:uuid:{collection}"

    def page_id(number: int) -> str:
        return f"urn:uuid:{uuid.uuid5(collection, f'page {number}')}"

    head = {
        "@context": context(),
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": name(),
        "generator": {"id": settings.NEWSROOM_URL + "/", "type": "Software", "name": name()},
        "generated": iso(timezone.now()),
    }
    yield _open(head)
    count = page = 0
    article_id, article_url = None, ""
    for row in rows(annotations):
        if count % PAGE_SIZE == 0:
            if page:  # another page follows the one written, which can now say so
                yield "\n], " + json.dumps({"next": page_id(page + 1)})[1:]
            page += 1
            start = {"id": page_id(page), "type": "AnnotationPage", "partOf": collection_id, "startIndex": count}
            if page > 1:
                start["prev"] = page_id(page - 1)
            yield {1: ', "first": ', 2: ', "@included": [\n'}.get(page, ",\n") + _open(start) + ', "items": [\n'
        else:
            yield ",\n"
        if row.article_id != article_id:
            article_id, article_url = row.article_id, article_address(row.article_id)
        yield json.dumps(web_annotation(row, standalone=False, article_url=article_url), ensure_ascii=False)
        count += 1
    if page:
        yield "\n]}"
    if page > 1:
        yield "\n]"
    tail = {"total": count} | ({"last": page_id(page)} if page else {})
    yield ", " + json.dumps(tail)[1:] + "\n"


def _open(node: dict) -> str:
    """The node's JSON without its closing brace, for more members to follow."""
    return json.dumps(node, ensure_ascii=False)[:-1]


# Reading them back (annotations.importing): the shapes written above, and what other W3C tools
# write within them (a single target or selector for a list, a source as an object).


def annotations_in(document) -> Iterator:
    """Each annotation of a W3C document: a collection (its embedded first page and the pages in its
    ``@included``), a page, an annotation, a ``@graph`` of these, or a list of any of them.

    Raises ValueError when the document is none of these. An item of a page is handed on whatever
    it is: fields() says what is wrong with it.
    """
    if isinstance(document, list):
        for item in document:
            yield from annotations_in(item)
        return
    if not isinstance(document, dict):
        raise ValueError(
            _("This is not a %(format)s document: expected an object or a list of them.") % {"format": FORMAT_NAME}
        )
    types = _types(document)
    if "@graph" in document:
        yield from annotations_in(document["@graph"])
    elif "Annotation" in types:
        yield document
    elif "AnnotationPage" in types:
        items = document.get("items", [])
        yield from items if isinstance(items, list) else [items]
    elif "AnnotationCollection" in types:
        if isinstance(document.get("first"), dict):
            yield from annotations_in(document["first"])
        yield from annotations_in(document.get("@included", []))
    else:
        raise ValueError(
            _("This is not a %(format)s document: an object of type %(type)s.")
            % {"format": FORMAT_NAME, "type": ", ".join(types) or _("none")}
        )


def _types(node: dict) -> list[str]:
    kind = node.get("type", node.get("@type", []))
    if isinstance(kind, str):
        return [kind]
    # A type is a string or a list of them; anything else in a file names no type.
    return [item for item in kind if isinstance(item, str)] if isinstance(kind, list) else []


def fields(annotation) -> dict:
    """What a W3C annotation says, by the names of annotations.importing.Incoming.

    Raises ValueError saying what is missing or malformed; whether the values make sense is
    checked there, for every format alike.
    """
    if not isinstance(annotation, dict) or "Annotation" not in _types(annotation):
        raise ValueError(_("Not an annotation (an object of type %(type)s).") % {"type": "Annotation"})
    target = _target(annotation.get("target"))
    selectors = _as_list(target.get("selector"))
    quote = _selector(selectors, "TextQuoteSelector")
    position = _selector(selectors, "TextPositionSelector")
    if quote is None:
        raise ValueError(
            _("The target has no %(selector)s: the annotated text is unknown.") % {"selector": "TextQuoteSelector"}
        )
    bodies = {}
    for body in _as_list(annotation.get("body")):
        if isinstance(body, dict):
            for purpose in _as_list(body.get("purpose")):
                bodies.setdefault(purpose, body)
    tag, verdict, note = bodies.get("tagging", {}), bodies.get("assessing", {}), bodies.get("commenting", {})
    creator = annotation.get("creator")
    if isinstance(creator, list):
        creator = creator[0] if creator else None
    return {
        "ref": str(annotation.get("id", "")),
        "article_url": _iri(target.get("source")),
        "content_sha256": str(target.get("contentSha256", "")),
        "kind": tag.get("value", ""),
        "start": position.get("start") if position else None,
        "end": position.get("end") if position else None,
        "exact": quote.get("exact"),
        "prefix": quote.get("prefix", ""),
        "suffix": quote.get("suffix", ""),
        "entity": _entity(bodies.get("identifying")),
        "verdict": verdict.get("value", ""),
        "verdict_set_by": verdict.get("verdictSetBy") or "",
        "verdict_set_at": verdict.get("verdictSetAt") or "",
        "quote_type": annotation.get("quoteType", ""),
        "cue_verb": annotation.get("cueVerb", ""),
        "source_type": annotation.get("sourceType", ""),
        "note": note.get("value", ""),
        "evidence": annotation.get("evidence", []),
        "author": (creator.get("nickname") or creator.get("name") or "") if isinstance(creator, dict) else "",
        "created_at": annotation.get("created", ""),
        "updated_at": annotation.get("modified", ""),
    }


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _iri(value) -> str:
    if isinstance(value, dict):
        value = value.get("id", value.get("@id", ""))
    return value if isinstance(value, str) else ""


def _target(value) -> dict:
    for target in _as_list(value):
        if isinstance(target, dict) and target.get("selector"):
            return target
    raise ValueError(_("The annotation has no target with a selector."))


def _selector(selectors: list, kind: str) -> dict | None:
    return next((item for item in selectors if isinstance(item, dict) and kind in _types(item)), None)


def _entity(body: dict | None) -> tuple[str, str, str] | None:
    """The identifying body as (name, kind, Wikidata QID or "")."""
    if body is None:
        return None
    source = _iri(body.get("source")) or _iri(body.get("id"))
    qid = source.removeprefix(WIKIDATA_ENTITY) if source.startswith(WIKIDATA_ENTITY) else ""
    entity_name = body.get("entityName") or body.get("value") or ""
    return entity_name, body.get("entityKind") or "", qid
