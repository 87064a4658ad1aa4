"""Stored suggestions: the model's constraints and the services (suggestions.models, suggestions.services)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Annotation
from entities.models import Entity
from history.models import AnnotationEvent, Origin
from imports.seedfile import parse_seed_file
from suggestions import services
from suggestions.models import Suggestion
from tests.conftest import SAMPLE_SEED
from tests.factories import make_annotation, make_article, make_entity, span_of

QUOTE_BODY = "„Ez lesz a jövő” – mondta Kim Dzsongun. Később Sojgunak szólt Phenjanban."


def sample_body() -> str:
    return parse_seed_file(SAMPLE_SEED.read_bytes(), max_bytes=10**7).body


def sample_catalogue() -> dict[str, Entity]:
    """The six entities the issue names, as an editor would have catalogued them."""
    return {
        "Szergej Sojgu": make_entity("Szergej Sojgu", aliases=["Sojgu"]),
        "Kim Dzsongun": make_entity("Kim Dzsongun", aliases=["Kim Jong Un"]),
        "Vlagyimir Putyin": make_entity("Vlagyimir Putyin", aliases=["Putyin"]),
        "Phenjan": make_entity("Phenjan", kind=Entity.Kind.PLACE),
        "TASZSZ": make_entity("TASZSZ", kind=Entity.Kind.ORGANISATION),
        "ABC News": make_entity("ABC News", kind=Entity.Kind.ORGANISATION),
    }


def pending(article, kind=None):
    found = Suggestion.objects.filter(article=article).pending()
    return found.filter(kind=kind) if kind else found


def one(article, kind, text) -> Suggestion:
    return pending(article, kind).get(exact=text)


# The model's constraints


def suggestion_row(article, text="Sojgu", **fields) -> Suggestion:
    start, end = span_of(article, text)
    fields = {"kind": "entity", "rule": "test", "confidence": 0.9, "exact": text, **fields}
    return Suggestion(article=article, start=start, end=end, **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"confidence": 1.5}, "suggestion_confidence_in_range"),
        ({"confidence": -0.1}, "suggestion_confidence_in_range"),
        ({"status": "accepted"}, "suggestion_decision_recorded"),
        ({"status": "maybe"}, "suggestion_status_valid|suggestion_decision_recorded"),
        ({"kind": "claim"}, "suggestion_kind_valid"),
        ({"proposed_name": "Sojgu"}, "suggestion_entity_or_proposal"),
        ({"cue": "mondta"}, "suggestion_quote_fields_only_on_quotes"),
        ({"source_type": "media"}, "suggestion_source_type_only_on_sources"),
        ({"exact": "Sojg"}, "suggestion_exact_fits_span"),
    ],
)
def test_the_database_refuses_an_inconsistent_suggestion(fields, constraint):
    article = make_article(QUOTE_BODY)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        suggestion_row(article, **fields).save()


@pytest.mark.django_db
def test_the_database_refuses_an_empty_span_and_a_decision_without_who(editor):
    article = make_article(QUOTE_BODY)
    with pytest.raises(IntegrityError, match="suggestion_span_valid"), transaction.atomic():
        Suggestion(article=article, kind="entity", start=3, end=3, exact="", rule="r", confidence=0.5).save()
    with pytest.raises(IntegrityError, match="suggestion_decision_recorded"), transaction.atomic():
        suggestion_row(article, status="rejected", decided_by=editor).save()
    suggestion_row(article, status="rejected", decided_by=editor, decided_at=timezone.now()).save()


@pytest.mark.django_db
def test_a_span_is_suggested_once_per_kind():
    article = make_article(QUOTE_BODY)
    suggestion_row(article).save()
    with pytest.raises(IntegrityError, match="suggestion_once_per_kind_span"), transaction.atomic():
        suggestion_row(article, rule="other").save()


@pytest.mark.django_db
def test_the_database_refuses_a_suggestion_origin_without_its_rule(editor):
    article = make_article(QUOTE_BODY)
    start, end = span_of(article, "Sojgu")
    with pytest.raises(IntegrityError, match="annotation_provenance_recorded"), transaction.atomic():
        make_annotation(article, start, end, author=editor, provenance="suggestion")
    with pytest.raises(IntegrityError, match="annotation_provenance_recorded"), transaction.atomic():
        make_annotation(article, start, end, author=editor, suggestion_rule="catalogue-name", suggestion_confidence=0.9)
    typed = make_annotation(article, start, end, author=editor)
    assert (typed.provenance, typed.suggestion_rule, typed.suggestion_confidence) == ("typed", "", None)


# Suggesting


@pytest.mark.django_db
def test_suggesting_stores_the_catalogues_mentions_quotes_and_proposed_speakers(editor):
    kim = make_entity("Kim Dzsongun")
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY + " „Nem” – mondta Kovács Béla.")
    assert services.suggest_for_article(article, by=editor) == len(pending(article))
    quote = one(article, "quote", "Ez lesz a jövő")
    assert (quote.entity, quote.direct, quote.cue, quote.rule) == (kim, True, "mondta", "quote-after")
    proposed = one(article, "quote", "Nem")
    assert (proposed.entity, proposed.proposed_name, proposed.proposed_kind) == (None, "Kovács Béla", "person")
    assert one(article, "entity", "Sojgunak").entity.name == "Szergej Sojgu"


@pytest.mark.django_db
def test_suggesting_is_for_those_who_may_annotate(stranger):
    article = make_article(QUOTE_BODY)
    with pytest.raises(PermissionDenied):
        services.suggest_for_article(article, by=stranger)
    assert not Suggestion.objects.exists()


@pytest.mark.django_db
def test_a_span_annotated_so_already_is_not_suggested(editor):
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY)
    make_annotation(article, *span_of(article, "Sojgunak"), author=editor, kind="entity")
    services.suggest_for_article(article)
    assert not pending(article, "entity").filter(exact="Sojgunak").exists()


@pytest.mark.django_db
def test_a_rejected_suggestion_is_never_proposed_again(editor):
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    services.reject(one(article, "entity", "Sojgunak"), by=editor)
    services.suggest_for_article(article)
    services.suggest_for_articles([article.pk])
    [sojgu] = Suggestion.objects.filter(article=article, exact="Sojgunak")
    assert sojgu.status == "rejected"


@pytest.mark.django_db
def test_an_accepted_suggestion_is_not_proposed_twice_even_when_its_annotation_is_gone(editor):
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    annotation = services.accept(one(article, "entity", "Sojgunak"), by=editor)
    annotation.delete()
    services.suggest_for_articles([article.pk])
    assert not pending(article, "entity").filter(exact="Sojgunak").exists()
    assert Suggestion.objects.get(article=article, exact="Sojgunak").annotation is None


@pytest.mark.django_db
def test_suggesting_again_keeps_pending_ones_and_drops_what_is_not_proposed_any_more():
    sojgu = make_entity("Szergej Sojgu", aliases=["Sojgu"])
    make_entity("Phenjan", kind=Entity.Kind.PLACE)
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    kept = one(article, "entity", "Phenjanban")
    sojgu.delete()
    services.suggest_for_article(article)
    assert one(article, "entity", "Phenjanban").pk == kept.pk
    assert not pending(article, "entity").filter(exact="Sojgunak").exists()


@pytest.mark.django_db
def test_suggesting_for_many_articles_takes_a_fixed_number_of_queries_per_chunk():
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    articles = [make_article(QUOTE_BODY + f" {n}.") for n in range(30)]
    ids = [article.pk for article in articles]
    services.suggest_for_articles(ids[:1])  # the catalogue compiled once, as in a running worker
    with CaptureQueriesContext(connection) as few:
        services.suggest_for_articles(ids[:3])
    with CaptureQueriesContext(connection) as many:
        services.suggest_for_articles(ids[3:])
    assert len(many) == len(few)
    assert Suggestion.objects.filter(article_id__in=ids, exact="Sojgunak").count() == 30


@pytest.mark.django_db
def test_suggesting_passes_over_deleted_articles():
    article = make_article(QUOTE_BODY)
    assert services.suggest_for_articles([article.pk + 1000]) == 0


# Accepting and rejecting


@pytest.mark.django_db
def test_accepting_a_quote_makes_an_annotation_with_its_speaker_and_origin(editor):
    kim = make_entity("Kim Dzsongun")
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    suggestion = one(article, "quote", "Ez lesz a jövő")
    annotation = services.accept(suggestion, by=editor)
    assert (annotation.kind, annotation.exact, annotation.entity, annotation.author) == (
        "quote",
        "Ez lesz a jövő",
        kim,
        editor,
    )
    assert (annotation.quote_type, annotation.cue_verb) == ("direct", "mondta")
    assert (annotation.provenance, annotation.suggestion_rule, annotation.suggestion_confidence) == (
        "suggestion",
        "quote-after",
        suggestion.confidence,
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by, suggestion.annotation) == ("accepted", editor, annotation)
    [event] = AnnotationEvent.objects.filter(pgh_obj_id=annotation.pk)
    assert (event.origin, event.pgh_user) == (Origin.SUGGESTION, editor.pk)


@pytest.mark.django_db
def test_accepting_creates_the_proposed_entity_or_links_one_of_that_name(editor):
    article = make_article("„Nem” – mondta Kovács Béla. „Igen” – mondta Nagy Éva.")
    services.suggest_for_article(article)
    eva = make_entity("Nagy Éva")  # catalogued after the suggestion was made
    kovacs = services.accept(one(article, "quote", "Nem"), by=editor)
    assert (kovacs.entity.name, kovacs.entity.kind) == ("Kovács Béla", "person")
    assert services.accept(one(article, "quote", "Igen"), by=editor).entity == eva
    assert Entity.objects.count() == 2


@pytest.mark.django_db
def test_accepting_with_changes_takes_the_editors(editor):
    make_entity("Kim Dzsongun")
    other = make_entity("Szergej Sojgu")
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    start, end = span_of(article, "Ez lesz")
    changes = {"start": start, "end": end, "entity": other, "quote_type": "indirect", "note": "checked"}
    annotation = services.accept(one(article, "quote", "Ez lesz a jövő"), by=editor, changes=changes)
    assert (annotation.exact, annotation.entity, annotation.quote_type, annotation.cue_verb, annotation.note) == (
        "Ez lesz",
        other,
        "indirect",
        "mondta",
        "checked",
    )


@pytest.mark.django_db
def test_a_decided_suggestion_is_not_decided_again(editor, other_editor):
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    suggestion = one(article, "entity", "Sojgunak")
    services.reject(suggestion, by=editor)
    with pytest.raises(services.AlreadyDecided):
        services.accept(suggestion, by=other_editor)
    with pytest.raises(services.AlreadyDecided):
        services.reject(suggestion, by=other_editor)
    assert not Annotation.objects.exists()


@pytest.mark.django_db
def test_accepting_and_rejecting_are_for_those_who_may_annotate(stranger):
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    suggestion = one(article, "entity", "Sojgunak")
    for decide in (services.accept, services.reject):
        with pytest.raises(PermissionDenied):
            decide(suggestion, by=stranger)
    with pytest.raises(PermissionDenied):
        services.accept_all(article, "entity", by=stranger)
    assert pending(article).count() == Suggestion.objects.count()


@pytest.mark.django_db
def test_accept_all_accepts_every_pending_one_of_the_kind(editor):
    sample_catalogue()
    article = make_article(sample_body())
    services.suggest_for_article(article)
    services.reject(pending(article, "entity").first(), by=editor)
    before = pending(article, "entity").count()
    annotations = services.accept_all(article, "entity", by=editor)
    assert len(annotations) == before > 3
    assert not pending(article, "entity").exists()
    assert pending(article, "quote").exists()
    assert Annotation.objects.filter(kind="entity", provenance="suggestion").count() == before


@pytest.mark.django_db
def test_the_sample_articles_suggestions_are_the_ones_the_issue_names():
    catalogue = sample_catalogue()
    article = make_article(sample_body())
    services.suggest_for_article(article)
    quote = pending(article, "quote").get(exact__startswith="akik az igazságért harcoltak")
    assert quote.entity == catalogue["Kim Dzsongun"]
    sources = {s.exact: s for s in pending(article, "source")}
    assert sources["TASZSZ"].entity == catalogue["TASZSZ"]
    assert sources["ABC News"].entity == catalogue["ABC News"]
    assert {"orosz állami média", "észak-koreai állami média"} <= set(sources)
    # Catalogued mentions; the new names beside them (entity None, a proposed name) are not the issue's list.
    mentions = {(s.exact, s.entity.name) for s in pending(article, "entity").filter(entity__isnull=False)}
    assert {
        ("Sojgunak", "Szergej Sojgu"),
        ("Vlagyimir Putyin", "Vlagyimir Putyin"),
        ("Kim Dzsongun", "Kim Dzsongun"),
        ("Kim Dzsong Un", "Kim Dzsongun"),
        ("Phenjanba", "Phenjan"),
    } <= mentions


@pytest.mark.django_db
def test_accepting_what_the_editor_annotated_so_meanwhile_takes_their_annotation(editor):
    make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    typed = make_annotation(article, *span_of(article, "Sojgunak"), author=editor, kind="entity")
    suggestion = one(article, "entity", "Sojgunak")
    assert services.accept(suggestion, by=editor) == typed
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.annotation) == ("accepted", typed)
    assert Annotation.objects.get().provenance == "typed"


@pytest.mark.django_db
def test_suggesting_again_keeps_a_suggestion_decided_while_it_ran(editor, monkeypatch):
    # Suggesting reads the pending suggestions, then (the recognisers' time later) deletes those
    # not proposed any more: one decided meanwhile is a decision, and stays.
    sojgu = make_entity("Szergej Sojgu", aliases=["Sojgu"])
    article = make_article(QUOTE_BODY)
    services.suggest_for_article(article)
    decided = one(article, "entity", "Sojgunak")
    Entity.objects.filter(pk=sojgu.pk).update(name="Valaki Más", aliases=[])  # Sojgunak not proposed now
    recognisers = services.suggesting.recognisers

    def deciding_meanwhile():
        services.reject(decided, by=editor)
        return recognisers()

    monkeypatch.setattr(services.suggesting, "recognisers", deciding_meanwhile)
    services.suggest_for_article(article)
    assert Suggestion.objects.get(pk=decided.pk).status == "rejected"
