"""The article list and the article page, for each kind of visitor."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from annotations.models import Annotation
from articles.models import Article
from tests.factories import make_annotation, make_article, span_of

pytestmark = pytest.mark.django_db

LIST = reverse("articles:list")


def detail(article: Article) -> str:
    return reverse("articles:detail", args=[article.pk])


class TestLoginRequired:
    @pytest.mark.parametrize("url", ["/", LIST, "/articles/1/", "/articles/1/edit/"])
    def test_it_sends_anonymous_visitors_to_log_in(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_the_login_page_is_open(self, client):
        assert client.get("/accounts/login/").status_code == 200

    def test_a_person_logs_in_with_username_and_password(self, client, editor):
        response = client.post("/accounts/login/", {"username": "erika", "password": "erika-password"})
        assert response.status_code == 302 and response["Location"] == LIST


class TestArticleList:
    def test_it_shows_title_date_with_precision_status_and_counts(self, client_for, editor):
        article = make_article("Egy cikk címe. Szöveg Kim Dzsongunról.", title="Egy cikk címe")
        make_annotation(article, *span_of(article, "Kim"), author=editor)
        make_annotation(article, *span_of(article, "Szöveg"), kind=Annotation.Kind.CLAIM, author=editor)

        response = client_for(editor).get(LIST)

        assert response.status_code == 200
        html = response.content.decode()
        assert "Egy cikk címe" in html
        assert '<time datetime="2025-06">June 2025</time>' in html
        assert ">New<" in html
        assert "1 cl" in html and "1 ent" in html and "0 qt" in html

    def test_it_paginates(self, client_for, editor):
        for i in range(55):
            make_article(f"Cikk {i}. Szöveg.")
        response = client_for(editor).get(LIST, {"page": 2})
        assert response.context["page"].number == 2
        assert len(response.context["page"].object_list) == 5
        assert "Page 2 of 2 · 55 articles" in response.content.decode()

    def test_it_searches_hungarian_text_and_names(self, client_for, editor):
        make_article("A hírügynökségek jelentették. Szöveg.", title="Hírek")
        make_article("Kim Dzsongun Phenjanban. Szöveg.", title="Kim")
        client = client_for(editor)
        assert [a.title for a in client.get(LIST, {"q": "hírügynökség"}).context["page"]] == ["Hírek"]
        assert [a.title for a in client.get(LIST, {"q": "Kim"}).context["page"]] == ["Kim"]

    def test_an_htmx_request_gets_only_the_table(self, client_for, editor):
        make_article("Kim Dzsongun Phenjanban. Szöveg.", title="Kim")
        response = client_for(editor).get(LIST, {"q": "Kim"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert html.strip().startswith('<div id="article-table">')
        assert "<html" not in html and "Kim" in html

    def test_it_fetches_a_page_in_a_fixed_number_of_queries(self, client_for, editor, django_assert_num_queries):
        client = client_for(editor)
        article = make_article("Első. Kim Dzsongun.")
        # session, user, the user's permissions (accounts.backends), the counts per status, kind and
        # verdict (one aggregate), the page (its counts on its rows)
        with django_assert_num_queries(5):
            client.get(LIST)
        for i in range(30):
            other = make_article(f"Cikk {i}. Kim Dzsongun.")
            make_annotation(other, *span_of(other, "Kim"), author=editor)
        make_annotation(article, *span_of(article, "Kim"), author=editor)
        with django_assert_num_queries(5):
            client.get(LIST)


class TestArticlePage:
    BODY = "Kim 🚀 Dzsongun Phenjanba ment.\n\n„<b>Hősök</b>” – mondta Kim Dzsongun.\n\nHarmadik bekezdés."

    def test_it_shows_the_text_one_paragraph_each_in_an_article(self, client_for, editor):
        article = make_article(self.BODY)
        html = client_for(editor).get(detail(article)).content.decode()
        assert '<article class="article-body" id="article-text" lang="hu"' in html
        assert html.count('<p id="p-') == 3
        assert '<p id="p-0" data-start="0" data-end="30">Kim 🚀 Dzsongun Phenjanba ment.</p>' in html

    def test_article_text_is_escaped(self, client_for, editor):
        article = make_article(self.BODY)
        html = client_for(editor).get(detail(article)).content.decode()
        assert "&lt;b&gt;Hősök&lt;/b&gt;" in html and "<b>Hősök" not in html

    def test_it_highlights_annotations_overlapping_ones_too_and_lists_them(self, client_for, editor):
        article = make_article(self.BODY)
        quote_start, _ = span_of(article, "„")
        _, quote_end = span_of(article, "Dzsongun.", 0)
        quote = make_annotation(article, quote_start, quote_end - 1, kind=Annotation.Kind.QUOTE, author=editor)
        speaker = make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor)
        first_kim = make_annotation(article, *span_of(article, "Kim 🚀 Dzsongun"), author=editor)

        response = client_for(editor).get(detail(article))

        html = response.content.decode()
        assert f'data-annotations="{quote.pk} {speaker.pk}"' in html
        assert f'data-annotations="{first_kim.pk}"' in html
        listed = [html.index(f'id="annotation-{a.pk}"') for a in (first_kim, quote, speaker)]
        assert listed == sorted(listed)  # in text order
        assert "erika" in html  # each annotation shows its author

    def test_it_renders_in_a_fixed_number_of_queries(self, client_for, editor, other_editor, django_assert_num_queries):
        client = client_for(editor)
        article = make_article("Szó " * 400)
        # session, user, the user's permissions, the article, who else has it open, the editor's last
        # change to undo (from the history), the annotations with their authors and entities, the
        # pending suggestions
        with django_assert_num_queries(8):
            client.get(detail(article))
        for i in range(0, 300, 2):
            make_annotation(article, i * 4, i * 4 + 3, author=editor if i % 4 else other_editor)
            make_annotation(article, i * 4, i * 4 + 7, kind=Annotation.Kind.QUOTE, author=editor)
        with django_assert_num_queries(8):
            response = client.get(detail(article))
        assert response.context["total"] == 300
        # Rendered once for this version: the next reader's page does not fetch the annotations.
        other = client_for(other_editor)
        with django_assert_num_queries(7):
            again = other.get(detail(article))
        assert again.context["annotation_items"] == response.context["annotation_items"]
        assert again.content.count(b'<li id="annotation-') == 300

    def test_an_unknown_article_is_404(self, client_for, editor):
        assert client_for(editor).get("/articles/999999/").status_code == 404


class TestEditArticle:
    def test_an_editor_renames_an_article_and_sets_its_status(self, client_for, editor):
        article = make_article("Régi cím. Szöveg.")
        response = client_for(editor).post(
            reverse("articles:edit", args=[article.pk]), {"title": "Új cím", "status": "in_progress"}
        )
        assert response.status_code == 302
        article.refresh_from_db()
        assert (article.title, article.status) == ("Új cím", Article.Status.IN_PROGRESS)

    def test_with_htmx_it_answers_with_the_header_fragment(self, client_for, editor):
        article = make_article("Régi cím. Szöveg.")
        response = client_for(editor).post(
            reverse("articles:edit", args=[article.pk]),
            {"title": "Új cím", "status": "done"},
            headers={"HX-Request": "true"},
        )
        html = response.content.decode()
        assert html.strip().startswith('<header class="article-header" id="article-header">')
        assert "<h1>Új cím</h1>" in html

    def test_a_blank_title_is_refused_and_nothing_changes(self, client_for, editor):
        article = make_article("Régi cím. Szöveg.", title="Régi cím")
        response = client_for(editor).post(
            reverse("articles:edit", args=[article.pk]),
            {"title": " ", "status": "done"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        assert "This field is required." in response.content.decode()
        assert "<h1>Régi cím</h1>" in response.content.decode()
        article.refresh_from_db()
        assert (article.title, article.status) == ("Régi cím", Article.Status.NEW)

    def test_someone_outside_the_groups_may_not_edit(self, client_for, stranger):
        article = make_article("Régi cím. Szöveg.", title="Régi cím")
        response = client_for(stranger).post(
            reverse("articles:edit", args=[article.pk]), {"title": "X", "status": "done"}
        )
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.title == "Régi cím"

    def test_it_only_accepts_post(self, client_for, editor):
        article = make_article()
        assert client_for(editor).get(reverse("articles:edit", args=[article.pk])).status_code == 405

    def test_csrf_is_enforced(self, editor):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        article = make_article()
        response = client.post(reverse("articles:edit", args=[article.pk]), {"title": "X", "status": "done"})
        assert response.status_code == 403


class TestPaging:
    def test_the_next_page_link_keeps_the_search_and_reaches_page_two(self, client_for, editor):
        for i in range(55):
            make_article(f"Cikk {i}. Kim Dzsongun Phenjanban.")
        make_article("Más cikk. Szöveg.")
        client = client_for(editor)
        html = client.get(LIST, {"q": "Kim"}).content.decode()
        link = re.search(r'<a href="([^"]*)" rel="next">', html)[1]
        # One "?", the search kept, the page starting after the last row's key (its date and id).
        assert re.fullmatch(r"\?q=Kim&amp;after=2025-06-01_[0-9]+&amp;page=2", link)
        second = client.get(LIST + unescape(link))
        assert second.context["page"].number == 2
        assert "Page 2 of 2 · 55 articles" in second.content.decode()

    @pytest.mark.parametrize(
        ("parameters", "message"),
        [
            ({"q": "Kim\x00"}, "q: Null characters are not allowed."),
            ({"q": "x" * 201}, "q: Ensure this value has at most 200 characters (it has 201)."),
            ({"status": "archived"}, "status: Select a valid choice. archived is not one of the available choices."),
            ({"page": "two"}, "page: Enter a whole number."),
            ({"page": "0"}, "page: Ensure this value is greater than or equal to 1."),
        ],
    )
    def test_bad_parameters_get_a_400_that_says_why(self, client_for, editor, parameters, message):
        response = client_for(editor).get(LIST, parameters)
        assert response.status_code == 400
        assert response.content.decode() == message


class TestHtmxHistory:
    def test_a_history_restore_gets_the_whole_page_and_caches_know_the_difference(self, client_for, editor):
        make_article("Kim Dzsongun Phenjanban. Szöveg.", title="Kim")
        client = client_for(editor)
        fragment = client.get(LIST, {"q": "Kim"}, headers={"HX-Request": "true"})
        restored = client.get(LIST, {"q": "Kim"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
        assert "<html" not in fragment.content.decode()
        assert "<html" in restored.content.decode() and "Kim" in restored.content.decode()
        for response in (fragment, restored):
            assert {"HX-Request", "HX-History-Restore-Request"} <= {h.strip() for h in response["Vary"].split(",")}


def test_the_article_page_names_the_file_not_the_server_path(client_for, editor):
    article = make_article("Kim Dzsongun Phenjanban. Szöveg.", source_filename="/srv/newsroom/incoming/2025/cikk.txt")
    html = client_for(editor).get(detail(article)).content.decode()
    assert ">cikk.txt</span>" in html
    assert "/srv/newsroom" not in html and "incoming" not in html


class TestReadingNeedsARole:
    def test_someone_in_no_group_reads_nothing(self, client_for, stranger, editor):
        article = make_article("Kim Dzsongun Phenjanban. Titkos jegyzet.")
        make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, note="belső megjegyzés")
        client = client_for(stranger)
        for url in [LIST, detail(article)]:
            response = client.get(url)
            assert response.status_code == 403
            assert "Kim Dzsongun" not in response.content.decode() and "belső" not in response.content.decode()

    def test_someone_removed_from_editors_loses_access_at_once(self, client_for, editor):
        article = make_article("Kim Dzsongun Phenjanban. Szöveg.")
        client = client_for(editor)
        assert client.get(detail(article)).status_code == 200
        editor.groups.clear()
        assert client.get(detail(article)).status_code == 403
        assert client.get(LIST).status_code == 403

    def test_reading_articles_without_the_right_to_read_annotations_shows_none(self, client_for, editor, stranger):
        article = make_article("Kim Dzsongun Phenjanban. Szöveg.")
        make_annotation(article, *span_of(article, "Kim Dzsongun"), author=editor, note="belső megjegyzés")
        stranger.user_permissions.add(Permission.objects.get(codename="view_article"))
        html = client_for(stranger).get(detail(article)).content.decode()
        assert "Phenjanban" in html and "belső" not in html and "<mark" not in html


@pytest.mark.parametrize(
    "url", ["/accounts/password_reset/", "/accounts/reset/done/", "/accounts/password_reset/done/"]
)
def test_password_reset_pages_are_off_while_no_mail_is_configured(client, url):
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "anna@example.org"}).status_code == 404
