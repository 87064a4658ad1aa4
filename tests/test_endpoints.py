"""Every endpoint, for every kind of visitor, with and without htmx: who gets what.

The tests of each page check what it shows; this one checks that no endpoint forgets a
permission, a login or its answer to htmx. Someone in no group (the outsider) may read nothing.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from annotations.models import Annotation
from imports.running import create_batch
from imports.uploads import Entry
from tests.factories import make_annotation, make_article, span_of

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
BODY = "Kim Dzsongun Phenjanba ment.\n\nMásodik bekezdés."


@dataclass(frozen=True)
class World:
    article: object
    annotation: object  # the editor's own
    batch: object


@pytest.fixture
def world(editor, admin) -> World:
    article = make_article(BODY)
    annotation = make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)
    batch = create_batch(
        [Entry("a.jpg", error="not a .txt seed file: skipped")], user=admin, uploads="a.jpg", in_background=False
    )
    return World(article, annotation, batch)


def requests(world: World):
    """Each endpoint as (name, method, url, data): data a valid request from the page itself."""
    a, n, b = world.article, world.annotation, world.batch
    start, end = span_of(a, "Phenjanba")
    return {
        "article list": ("get", "/articles/", {}),
        "search": ("get", "/search/", {"q": "Kim"}),
        "article page": ("get", f"/articles/{a.pk}/", {}),
        "article edit": ("post", f"/articles/{a.pk}/edit/", {"title": "Új cím", "status": "done"}),
        "annotation create": (
            "post",
            f"/articles/{a.pk}/annotations/",
            {"kind": "entity", "start": start, "end": end, "exact": "Phenjanba"},
        ),
        "annotation open": ("get", f"/annotations/{n.pk}/", {}),
        "annotation save": ("post", f"/annotations/{n.pk}/", {"note": "megjegyzés"}),
        "annotation delete": ("post", f"/annotations/{n.pk}/delete/", {}),
        "entity lookup": ("get", "/entities/lookup/", {"entity_query": "Kim", "create": "person"}),
        "quotes desk": ("get", "/quotes/", {"type": "direct"}),
        "claims desk": ("get", "/claims/", {"verdict": "unverified"}),
        "article download": ("get", f"/articles/{a.pk}/download/", {"format": "csv"}),
        "article list download": ("get", "/articles/download/", {"format": "jsonl", "q": "Kim"}),
        "quotes download": ("get", "/quotes/download/", {"format": "csv", "type": "direct"}),
        "claims download": ("get", "/claims/download/", {"format": "claimreview", "verdict": "false"}),
        "import page": ("get", "/import/", {}),
        "import upload": ("post", "/import/", {}),
        "import batch": ("get", f"/import/{b.pk}/", {}),
        "import progress": ("get", f"/import/{b.pk}/progress/", {}),
        "import resume": ("post", f"/import/{b.pk}/resume/", {}),
        "import report": ("get", f"/import/{b.pk}/report.csv", {}),
    }


# What each visitor gets from a valid request, without and with htmx.
EXPECTED = {
    #                     editor (author)  other editor   admin         outsider
    "article list": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "search": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "article page": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "article edit": ((302, 200), (302, 200), (302, 200), (403, 403)),
    "annotation create": ((302, 201), (302, 201), (302, 201), (403, 403)),
    "annotation open": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "annotation save": ((302, 200), (403, 403), (302, 200), (403, 403)),
    "annotation delete": ((302, 200), (403, 403), (302, 200), (403, 403)),
    "entity lookup": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "quotes desk": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "claims desk": ((200, 200), (200, 200), (200, 200), (403, 403)),  # setting a verdict: tests/test_desks.py
    "article download": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "article list download": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "quotes download": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "claims download": ((200, 200), (200, 200), (200, 200), (403, 403)),
    "import page": ((403, 403), (403, 403), (200, 200), (403, 403)),
    "import upload": ((403, 403), (403, 403), (400, 400), (403, 403)),  # the admin chose no file
    "import batch": ((403, 403), (403, 403), (200, 200), (403, 403)),
    "import progress": ((403, 403), (403, 403), (200, 200), (403, 403)),
    "import resume": ((403, 403), (403, 403), (302, 200), (403, 403)),  # htmx: the progress panel
    "import report": ((403, 403), (403, 403), (200, 200), (403, 403)),
}
VISITORS = ["editor", "other_editor", "admin", "stranger"]
ENDPOINTS = list(EXPECTED)
WRITES = ["article edit", "annotation create", "annotation save", "annotation delete", "import upload", "import resume"]


def call(client, world, endpoint, *, htmx: bool):
    method, url, data = requests(world)[endpoint]
    return getattr(client, method)(url, data, headers=HTMX if htmx else {})


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("endpoint", "visitor"),
    [
        (endpoint, visitor)
        for endpoint, outcomes in EXPECTED.items()
        for visitor, expected in zip(VISITORS, outcomes, strict=True)
    ],
)
def test_each_visitor_gets_what_their_role_allows(request, client_for, world, endpoint, visitor, htmx):
    expected = EXPECTED[endpoint][VISITORS.index(visitor)]
    response = call(client_for(request.getfixturevalue(visitor)), world, endpoint, htmx=htmx)
    assert response.status_code == expected[htmx]
    if response.status_code == 403 and htmx:
        assert response["Content-Type"] == "text/plain; charset=utf-8" and response.content  # says why


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_visitors_are_sent_to_log_in_and_htmx_takes_the_whole_page_there(client, world, endpoint):
    plain = call(client, world, endpoint, htmx=False)
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login/?next=")
    fragment = call(client, world, endpoint, htmx=True)
    assert fragment.status_code == 200 and fragment["HX-Redirect"].startswith("/accounts/login/?next=")
    assert Annotation.objects.get().note == ""


@pytest.mark.parametrize("endpoint", WRITES)
def test_a_write_without_its_csrf_token_is_refused(admin, world, endpoint):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = call(client, world, endpoint, htmx=True)
    assert response.status_code == 403
    world.article.refresh_from_db()
    assert world.article.title != "Új cím"
    assert list(Annotation.objects.values_list("pk", "note")) == [(world.annotation.pk, "")]
    assert world.batch.files.get().status == "error"
