"""Annotations into the app from a file: W3C Web Annotation JSON-LD, or the export's JSON Lines.

Each annotation finds its article, by the SHA-256 of the article's text (the same text in any
database) or else by its address under NEWSROOM_URL, then its place in the text: at its offsets when
the text there is its quote; otherwise the quote is searched for and the occurrence whose text
before and after best matches the annotation's prefix and suffix wins (re-anchoring, as Hypothesis
does): both the same first, then the most similar. An annotation that cannot be placed, or is
malformed, is an orphan with the reason; none is dropped silently or placed where its context does
not fit.

Its author is the user of the file's username when there is one here, otherwise the person
importing; who set a claim's verdict, likewise. Its times (created, modified, when the verdict was
set) are kept as the file says. Importing is idempotent: an annotation of that author, kind and
span already stored is left as it is (reported as already present), so a file imported twice adds
nothing. An article's annotations are stored in one transaction (a savepoint for each, so that one
the database refuses becomes an orphan and the others stay), through annotations.services and
entities.services.
"""

import contextlib
import datetime
import difflib
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import groupby

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from annotations import services, webannotation
from annotations.models import DETAILS_BY_KIND, Annotation
from articles.models import Article
from entities import services as entity_services
from entities.models import WIKIDATA_QID, Entity
from history.context import recording
from history.models import Origin

# Below this similarity of the text around an occurrence to the annotation's prefix and suffix
# (0 to 1, difflib's ratio, the two sides averaged), the occurrence is not taken for its place.
MIN_CONTEXT_SIMILARITY = 0.5
# The characters of a prefix and a suffix nearest the quote that are compared (exports write 32): difflib's
# time grows with the product of the lengths, and a file's context may be as long as the file.
CONTEXT_COMPARED = 256


class FileRefused(ValueError):
    """The file as a whole cannot be read: not UTF-8, not JSON, not annotations."""


class Invalid(ValueError):
    """One annotation of the file is malformed; the message says how."""


@dataclass
class Incoming:
    """One annotation as a file tells it, checked to be well-formed."""

    ref: str  # where it is in the file, for the report: its id, or its line
    article_url: str
    content_sha256: str
    kind: str
    start: int | None
    end: int | None
    exact: str
    prefix: str
    suffix: str
    entity: tuple[str, str, str] | None  # name, kind, Wikidata QID or ""
    verdict: str
    verdict_set_by: str
    verdict_set_at: datetime.datetime | None
    quote_type: str
    cue_verb: str
    source_type: str
    note: str
    evidence: list[str]
    author: str
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None


@dataclass
class Orphan:
    ref: str
    reason: str


CREATED, PRESENT, ORPHAN = "created", "present", "orphan"


@dataclass
class Result:
    ref: str
    outcome: str  # CREATED, PRESENT or ORPHAN
    reason: str = ""  # an orphan's
    article_id: int | None = None
    start: int | None = None
    end: int | None = None
    moved_from: tuple[int, int] | None = None  # re-anchored: where the file had it (None: in place)
    annotation_id: int | None = None


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    dry_run: bool = False

    def count(self, outcome: str) -> int:
        return sum(result.outcome == outcome for result in self.results)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def present(self) -> int:
        return self.count(PRESENT)

    @property
    def orphans(self) -> list[Result]:
        return [result for result in self.results if result.outcome == ORPHAN]

    @property
    def moved(self) -> list[Result]:
        return [result for result in self.results if result.moved_from and result.outcome != ORPHAN]

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "read": len(self.results),
            "created": self.created,
            "present": self.present,
            "moved": len(self.moved),
            "orphans": len(self.orphans),
            "results": [asdict(result) for result in self.results],
        }


def import_annotations(data: bytes, *, by, dry_run: bool = False) -> Report:
    """Import the annotations of a file's contents, as ``by``; with ``dry_run``, store nothing but
    report what would be. Raises FileRefused when the file cannot be read at all, PermissionDenied
    when ``by`` may not import."""
    services.require_importer(by)
    report = Report(dry_run=dry_run)
    # History records these changes as an import's, from the command or the page alike.
    with recording(by=by, origin=Origin.IMPORT.value), transaction.atomic() if dry_run else contextlib.nullcontext():
        importer = _Importer(by)
        # Files come article by article: each article's annotations are stored whole, in one
        # transaction (one commit for them all, rather than one each).
        for article, items in groupby(read(data), key=importer.article):
            with transaction.atomic():
                importer.stored = importer.annotations_of(article)
                report.results.extend(importer.store(item, article) for item in items)
        if dry_run:
            transaction.set_rollback(True)
    return report


# Reading


def read(data: bytes) -> Iterator[Incoming | Orphan]:
    """The annotations of a file: W3C JSON-LD (a collection, a page, an annotation or a list of them)
    or the export's JSON Lines (one article per line), told apart by their content."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("The file is not UTF-8 text.")) from None
    if not text.strip():
        raise FileRefused(_("The file is empty."))
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        lines = list(_json_lines(text))
        return _from_json_lines(lines)
    except (RecursionError, ValueError):
        raise _unreadable() from None
    if isinstance(document, dict) and "annotations" in document:
        return _from_json_lines([(1, document)])
    try:
        annotations = list(webannotation.annotations_in(document))
    except RecursionError:  # lists in lists: walked as deep as they go
        raise _unreadable() from None
    except ValueError as error:
        raise FileRefused(str(error)) from None
    return _from_web_annotations(annotations)


def _unreadable() -> FileRefused:
    # JSON that Python will not read: arrays in arrays beyond its recursion limit, or an integer of more
    # digits than it converts (sys.get_int_max_str_digits()).
    return FileRefused(_("The file is nested too deeply, or holds a number too long, to be read."))


def _json_lines(text: str) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise FileRefused(
                _("This is neither JSON nor %(json_lines)s: line %(line)s is not JSON (%(error)s).")
                % {"json_lines": "JSON Lines", "line": number, "error": error.msg}
            ) from None
        except (RecursionError, ValueError):
            raise _unreadable() from None


def _from_web_annotations(annotations: list) -> Iterator[Incoming | Orphan]:
    for number, annotation in enumerate(annotations, 1):
        ref = _("annotation %(number)s") % {"number": number}
        try:
            fields = webannotation.fields(annotation)
            ref = fields.pop("ref") or ref
            yield _checked(ref, fields)
        except Invalid as error:
            yield Orphan(ref, str(error))
        except (ValueError, TypeError, AttributeError) as error:
            yield Orphan(ref, str(error) if isinstance(error, ValueError) else _("Malformed annotation."))


def _from_json_lines(lines: Iterable[tuple[int, object]]) -> Iterator[Incoming | Orphan]:
    for number, article in lines:
        if not isinstance(article, dict) or not isinstance(article.get("annotations"), list):
            raise FileRefused(
                _("Line %(line)s is not an article of the %(json_lines)s export (an object with its annotations).")
                % {"line": number, "json_lines": "JSON Lines"}
            )
        body = article.get("text")
        sha = article.get("content_sha256") or (
            hashlib.sha256(body.encode()).hexdigest() if isinstance(body, str) else ""
        )
        for index, annotation in enumerate(article["annotations"], 1):
            ref = _("line %(line)s, annotation %(number)s") % {"line": number, "number": index}
            try:
                if not isinstance(annotation, dict):
                    raise Invalid(_("Malformed annotation."))
                entity = annotation.get("entity")
                if entity is not None and not isinstance(entity, dict):
                    raise Invalid(_("Malformed entity."))
                fields = {
                    "article_url": article.get("url") or "",
                    "content_sha256": sha,
                    **{name: annotation.get(name) for name in _JSON_LINES_FIELDS},
                    "exact": annotation.get("text"),
                    "entity": (entity.get("name"), entity.get("kind"), entity.get("wikidata")) if entity else None,
                }
                yield _checked(ref, fields)
            except Invalid as error:
                yield Orphan(ref, str(error))


_JSON_LINES_FIELDS = [
    "kind", "start", "end", "prefix", "suffix", "verdict", "verdict_set_by", "verdict_set_at", "quote_type",
    "cue_verb", "source_type", "note", "evidence", "author", "created_at", "updated_at",
]  # fmt: skip


def _checked(ref: str, fields: dict) -> Incoming:
    """The fields as an Incoming, or Invalid saying what is wrong with them."""
    kind = fields.get("kind")
    if kind not in Annotation.Kind.values:
        raise Invalid(_("Unknown kind %(kind)s: not source, quote, claim or entity.") % {"kind": repr(kind)})
    text = {name: _text(fields.get(name), name) for name in ("prefix", "suffix", "note", "author", "cue_verb")}
    exact = fields.get("exact")
    if not isinstance(exact, str) or not exact:
        raise Invalid(_("The annotated text is missing."))
    start, end = fields.get("start"), fields.get("end")
    if (start is not None or end is not None) and not (_is_count(start) and _is_count(end) and start < end):
        raise Invalid(_("The position is not two offsets, the first before the second."))
    choices = {
        "verdict": (Annotation.Kind.CLAIM, Annotation.Verdict.values),
        "quote_type": (Annotation.Kind.QUOTE, Annotation.QuoteType.values),
        "source_type": (Annotation.Kind.SOURCE, Annotation.SourceType.values),
    }
    chosen = {}
    for name, (owner, values) in choices.items():
        value = fields.get(name) or ""
        if value and (kind != owner or value not in values):
            raise Invalid(
                _("%(field)s %(value)s does not fit a %(kind)s.") % {"field": name, "value": repr(value), "kind": kind}
            )
        chosen[name] = value
    if text["cue_verb"] and kind != Annotation.Kind.QUOTE:
        raise Invalid(_("Only quotes have a cue verb."))
    if len(text["cue_verb"]) > Annotation._meta.get_field("cue_verb").max_length:
        raise Invalid(_("The cue verb is too long."))
    evidence = _evidence(fields.get("evidence"), kind)
    return Incoming(
        ref=ref,
        article_url=_text(fields.get("article_url"), "source"),
        content_sha256=_text(fields.get("content_sha256"), "contentSha256"),
        kind=kind,
        start=start,
        end=end,
        exact=exact,
        entity=_entity(fields.get("entity")),
        verdict_set_by=_text(fields.get("verdict_set_by"), "verdict_set_by"),
        verdict_set_at=_moment(fields.get("verdict_set_at")),
        evidence=evidence,
        created_at=_moment(fields.get("created_at")),
        updated_at=_moment(fields.get("updated_at")),
        **text,
        **chosen,
    )


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(_("%(field)s is not text.") % {"field": name})
    if "\x00" in value:  # PostgreSQL's text cannot hold it: neither stored nor looked up by it
        raise Invalid(_("%(field)s holds a null character.") % {"field": name})
    return value


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _evidence(value, kind: str) -> list[str]:
    if value in (None, []):
        return []
    if kind != Annotation.Kind.CLAIM:
        raise Invalid(_("Only claims have evidence."))
    if not isinstance(value, list) or not all(isinstance(link, str) for link in value):
        raise Invalid(_("The evidence is not a list of links."))
    validate = URLValidator(schemes=["http", "https"])
    for link in value:
        try:
            validate(link)
        except ValidationError:
            raise Invalid(_("%(link)s is not a link.") % {"link": repr(link[:100])}) from None
        if len(link) > Annotation._meta.get_field("evidence").base_field.max_length:
            raise Invalid(_("An evidence link is too long."))
    return value


def _entity(value) -> tuple[str, str, str] | None:
    if value is None:
        return None
    name, kind, qid = (item or "" for item in value)
    if not isinstance(name, str) or not name.strip():
        raise Invalid(_("The entity has no name."))
    if len(name) > Entity._meta.get_field("name").max_length:
        raise Invalid(_("The entity's name is too long."))
    kind = kind or Entity.Kind.OTHER
    if kind not in Entity.Kind.values:
        raise Invalid(_("Unknown entity kind %(kind)s.") % {"kind": repr(kind)})
    if qid and not (isinstance(qid, str) and WIKIDATA_QID.fullmatch(qid)):
        raise Invalid(_("%(qid)s is not a Wikidata ID.") % {"qid": repr(qid)})
    return name, kind, qid


def _moment(value) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(_("%(value)s is not a date and time.") % {"value": repr(value)}) from None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


# Placing


class Unplaced(ValueError):
    """The annotation has no place in the article's text; the message says why."""


def place(body: str, incoming: Incoming) -> tuple[int, int]:
    """Where the annotation goes in ``body``: at its offsets when the text there is its quote, otherwise
    at the occurrence of its quote whose surroundings best match its prefix and suffix.

    Raises Unplaced when the quote is not in the text, when no occurrence is in a context like its
    own, or when several are equally good.
    """
    exact, start, end = incoming.exact, incoming.start, incoming.end
    if start is not None and body[start:end] == exact:
        return start, end
    occurrences = list(_occurrences(body, exact))
    if not occurrences:
        raise Unplaced(_("The quoted text is not in the article."))
    if not incoming.prefix and not incoming.suffix:
        # Nothing to tell the occurrences apart by (a file without context).
        if len(occurrences) > 1:
            raise Unplaced(_("The quoted text is in the article %(count)s times.") % {"count": len(occurrences)})
        return occurrences[0], occurrences[0] + len(exact)
    scored = sorted(((_context_score(body, at, incoming), at) for at in occurrences), reverse=True)
    (best, at), runner_up = scored[0], (scored[1][0] if len(scored) > 1 else None)
    if best == runner_up:
        raise Unplaced(
            _("The quoted text is in the article %(count)s times, and more than one fits its context equally.")
            % {"count": len(occurrences)}
        )
    if best[1] < MIN_CONTEXT_SIMILARITY:
        raise Unplaced(_("The quoted text is in the article, but not with the text around it."))
    return at, at + len(exact)


def _occurrences(body: str, exact: str) -> Iterator[int]:
    at = body.find(exact)
    while at != -1:
        yield at
        at = body.find(exact, at + 1)


def _context_score(body: str, at: int, incoming: Incoming) -> tuple[int, float]:
    """How well the text around ``body[at:]`` matches the annotation's prefix and suffix: how many of
    the two are the same, then their similarity (0 to 1, the two averaged)."""
    prefix, suffix = incoming.prefix[-CONTEXT_COMPARED:], incoming.suffix[:CONTEXT_COMPARED]
    before = body[max(0, at - len(prefix)) : at] if prefix else body[max(0, at - 1) : at]
    after_start = at + len(incoming.exact)
    after = body[after_start : after_start + len(suffix)] if suffix else body[after_start : after_start + 1]
    same = (before == prefix) + (after == suffix)
    similarity = (_ratio(prefix, before) + _ratio(suffix, after)) / 2
    return same, round(similarity, 6)


def _ratio(one: str, other: str) -> float:
    if one == other:
        return 1.0
    return difflib.SequenceMatcher(None, one, other, autojunk=False).ratio()


# Storing


class _Importer:
    """Stores one annotation after another, remembering the articles, users and entities it met."""

    def __init__(self, by):
        self.by = by
        self.articles: dict[tuple[str, str], Article | None] = {}
        self.users: dict[str, object] = {}
        self.entities: dict[tuple[str, str, str], Entity] = {}
        self.stored: dict[tuple[int, int, str, int], int] = {}  # the current article's annotations

    def store(self, item: Incoming | Orphan, article: Article | None) -> Result:
        if isinstance(item, Orphan):
            return Result(item.ref, ORPHAN, item.reason)
        if article is None:
            return Result(item.ref, ORPHAN, _("No article here has this address or this text."))
        try:
            start, end = place(article.body, item)
        except Unplaced as reason:
            return Result(item.ref, ORPHAN, str(reason), article_id=article.pk)
        moved = (item.start, item.end) if (item.start, item.end) != (start, end) else None
        result = Result(item.ref, PRESENT, article_id=article.pk, start=start, end=end, moved_from=moved)
        author = self.user(item.author)
        key = (start, end, item.kind, author.pk)
        result.annotation_id = self.stored.get(key)
        if result.annotation_id is not None:
            return result
        try:
            with transaction.atomic():
                annotation, created = services.import_annotation(
                    article=article,
                    kind=item.kind,
                    start=start,
                    end=end,
                    author=author,
                    by=self.by,
                    entity=self.entity(item.entity),
                    verdict=item.verdict,
                    verdict_set_by=self.user(item.verdict_set_by) if item.verdict_set_at else None,
                    verdict_set_at=item.verdict_set_at,
                    created_at=item.created_at,
                    updated_at=item.updated_at,
                    **{name: getattr(item, name) for name in DETAILS_BY_KIND[item.kind] if name != "verdict"},
                )
        except (DatabaseError, entity_services.EntityConflict) as error:
            self.entities.clear()  # one made in the savepoint is gone with it
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            return Result(item.ref, ORPHAN, _("It could not be stored: %(reason)s") % {"reason": reason}, article.pk)
        if annotation.entity_id and item.entity:
            self.entities[item.entity] = annotation.entity  # with the spelling it may have learnt
        result.outcome, result.annotation_id = (CREATED if created else PRESENT), annotation.pk
        self.stored[key] = annotation.pk
        return result

    def annotations_of(self, article: Article | None) -> dict[tuple[int, int, str, int], int]:
        """The article's annotations stored already, by span, kind and author (what makes one unique)."""
        if article is None:
            return {}
        spans = Annotation.objects.filter(article=article).values_list("start", "end", "kind", "author_id", "pk")
        return {tuple(span): pk for *span, pk in spans}

    def article(self, item: Incoming | Orphan) -> Article | None:
        """The article the annotation belongs to (None for an orphan already)."""
        if isinstance(item, Orphan):
            return None
        key = (item.content_sha256, item.article_url)
        if key not in self.articles:
            if len(self.articles) > 100:  # files come article by article: the last few are enough
                self.articles.clear()
            articles = Article.objects.only("pk", "body")
            found = articles.filter(content_sha256=item.content_sha256).first() if item.content_sha256 else None
            pk = article_pk(item.article_url)
            if found is None and pk is not None:
                found = articles.filter(pk=pk).first()
            self.articles[key] = found
        return self.articles[key]

    def user(self, username: str):
        """The user of this username here, or the person importing."""
        if username not in self.users:
            found = get_user_model().objects.filter(username=username).first() if username else None
            self.users[username] = found or self.by
        return self.users[username]

    def entity(self, spec: tuple[str, str, str] | None) -> Entity | None:
        """The entity of this Wikidata QID, else of this name and kind, made now if there is none."""
        if spec is None:
            return None
        if spec not in self.entities:
            name, kind, qid = spec
            entity = Entity.objects.filter(external_id=qid).first() if qid else None
            if entity is None:
                entity = entity_services.find_or_create_entity(name=name, kind=kind, by=self.by)
                if qid and not entity.external_id:
                    entity = entity_services.update_entity(entity, by=self.by, external_id=qid)
            self.entities[spec] = entity
        return self.entities[spec]


def article_pk(url: str) -> int | None:
    """The id of the article at this address of ours (under NEWSROOM_URL), if it is one."""
    base = settings.NEWSROOM_URL + "/"
    if not url.startswith(base):
        return None
    path = "/" + url.removeprefix(base).split("#")[0].split("?")[0]
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.kwargs.get("pk") if match.view_name == "articles:detail" else None
