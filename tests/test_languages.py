"""Hungarian and English: the catalogues are whole, nothing a person reads is left unmarked, the
language is chosen as README "Languages" says, and dates and names follow the language."""

import contextlib
import datetime
import os
import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Preferences
from annotations.models import Annotation
from articles.models import DatePrecision, format_partial_date
from entities.models import Entity
from imports.models import ImportBatch
from tests.factories import make_annotation, make_article, make_entity, span_of

ROOT = Path(settings.BASE_DIR)
CATALOGUES = [ROOT / "locale/hu/LC_MESSAGES/django.po", ROOT / "locale/hu/LC_MESSAGES/djangojs.po"]
TEMPLATES = sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")])
SCRIPTS = sorted(ROOT.glob("static/js/*.js"))


# ---- The catalogues: every message translated, none fuzzy, placeholders kept.


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list) and flags; the header left out.

    An entry ends at a blank line or where the next one starts after its msgstr, as msgfmt reads
    them (a merge of catalogues can leave two entries without a blank line between them).
    """
    entries = []
    entry, field = _new_entry(), None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        starts_another = line.startswith("#") or line.startswith(("msgctxt ", "msgid "))
        if not line.strip() or (starts_another and entry["msgstr"]):
            if entry["msgid"]:  # the header's msgid is empty
                entries.append(entry)
            entry, field = _new_entry(), None
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) "(.*)"$', line):
            field = match[1] if not match[1].startswith("msgstr") else ("msgstr", int(match[2] or 0))
            _store(entry, field, match[3])
        elif line.startswith('"') and field:
            _store(entry, field, line[1:-1])
    return entries


def _new_entry() -> dict:
    return {"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}}


def _store(entry: dict, field, text: str) -> None:
    text = re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)
    if isinstance(field, tuple):
        entry["msgstr"][field[1]] = entry["msgstr"].get(field[1], "") + text
    else:
        entry[field] = (entry[field] or "") + text


PLACEHOLDER = re.compile(r"%\(\w+\)[sdrX]|%\(\w+\)0\dX|%[sd]")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_every_message_has_a_hungarian_translation_and_none_is_fuzzy(path):
    entries = read_po(path)
    assert entries
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated in {path.name}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path.name}: {fuzzy}"
    assert "plural=(n != 1)" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_translations_keep_the_placeholders(path):
    for entry in read_po(path):
        expected = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for translation_ in entry["msgstr"].values():
            assert sorted(PLACEHOLDER.findall(translation_)) == expected, entry["msgid"]


# What `make translations` reads (Makefile): the project's own code, not its tests, tools or vendored scripts.
EXTRACTED_SUFFIXES = {".py", ".html", ".txt", ".js"}
NOT_EXTRACTED = {".venv", ".git", ".pgdata", "staticfiles", "bench", "tests", "locale", "vendor", "__pycache__"}


def extracted_messages(copy: Path, domain: str) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every message the code marks, as Django's makemessages finds them.

    It runs on a copy of the sources, so that the repository's catalogues (and the files it writes
    beside templates while reading them) are never touched.
    """
    if not copy.exists():
        for folder, folders, files in os.walk(ROOT):
            folders[:] = [name for name in folders if name not in NOT_EXTRACTED]  # never into .venv or .git
            relative = Path(folder).relative_to(ROOT)
            for name in files:
                if Path(name).suffix in EXTRACTED_SUFFIXES:
                    (copy / relative).mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(Path(folder, name), copy / relative / name)
        (copy / "locale").mkdir()
    with override_settings(LOCALE_PATHS=[copy / "locale"]), _working_directory(copy):
        call_command("makemessages", locale=["hu"], domain=domain, verbosity=0)
    return {(e["msgctxt"], e["msgid"]) for e in read_po(copy / f"locale/hu/LC_MESSAGES/{domain}.po")}


@contextlib.contextmanager
def _working_directory(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_every_message_the_code_marks_is_in_the_catalogue_and_translated(path, tmp_path_factory):
    """A string marked for translation but never added to the catalogue (or added untranslated) fails here."""
    copy = tmp_path_factory.getbasetemp() / "extracted-sources"
    extracted = extracted_messages(copy, path.stem)
    # Read from templates, Python and scripts alike (the extraction itself works).
    samples = {
        "django": ["Skip to content", "Entity mention"],
        "djangojs": ["The server cannot be reached. Nothing was saved."],
    }
    assert {(None, sample) for sample in samples[path.stem]} <= extracted
    translated = {
        (e["msgctxt"], e["msgid"])
        for e in read_po(path)
        if e["msgstr"] and all(e["msgstr"].values()) and "fuzzy" not in e["flags"]
    }
    missing = sorted(extracted - translated, key=lambda message: message[1])
    assert not missing, f"marked in the code but not translated in {path.name}: " + "\n".join(
        f"{context or ''}|{message}" for context, message in missing
    )


def test_the_catalogues_are_compiled_and_speak_hungarian():
    with translation.override("hu"):
        assert translation.gettext("Log out") == "Kijelentkezés"
        assert translation.ngettext("%(n)s annotation", "%(n)s annotations", 3) == "%(n)s jelölés"


# ---- Nothing a person reads is left unmarked: templates and scripts, checked as written.


class _TemplateText(HTMLParser):
    """The literal text of a template once Django's tags are gone: text nodes and the attributes people read."""

    READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description", "aria-roledescription"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_key = 0  # <kbd>Enter</kbd>, <kbd>Esc</kbd>: the names on the keys, the same in both languages

    def handle_starttag(self, tag, attrs):
        self._in_key += tag == "kbd"
        self.found += [value for name, value in attrs if name in self.READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        self._in_key -= tag == "kbd"

    def handle_data(self, data):
        if not self._in_key:
            self.found.append(data)


DJANGO_MARKUP = [
    re.compile(r"\{% comment %\}.*?\{% endcomment %\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{% blocktranslate.*?\{% endblocktranslate %\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
]


def unmarked_text(template_source: str) -> list[str]:
    for pattern in DJANGO_MARKUP:
        template_source = pattern.sub(" ", template_source)
    parser = _TemplateText()
    parser.feed(template_source)
    return [text.strip() for text in parser.found if re.search(r"[^\W\d_]", text)]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_text_is_left_unmarked(template):
    assert unmarked_text(template.read_text(encoding="utf-8")) == []


def test_the_template_check_finds_unmarked_text_and_attributes():
    source = '{% load i18n %}<h1>{% translate "Fine" %}</h1><p title="Oops">{{ x }} Left out</p>{# ok #}'
    assert unmarked_text(source) == ["Oops", "Left out"]


SENTENCE_LITERAL = re.compile(r"""(?<!gettext\()(["'`])[A-Z][a-z]+ [^"'`]*\1""")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_script_sentence_is_left_unmarked(script):
    code = "\n".join(
        line for line in script.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("//")
    )
    assert SENTENCE_LITERAL.findall(code) == []


# ---- Nothing on the pages is English when they speak Hungarian (messages made in Python included).


class _VisibleText(HTMLParser):
    # <code> holds identifiers (a token's random prefix, a file name), which are in no language:
    # a random "nr_TOq" would otherwise read as the English word "TO" now and then.
    SKIPPED = {"script", "style", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._skipping = 0
        # Elements with a lang attribute, open now: text marked as in another language (a standard's
        # name, <span lang="en">W3C Web Annotation</span>) is no untranslated text.
        self._languages: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        self._skipping += tag in self.SKIPPED
        lang = dict(attrs).get("lang")
        if lang is not None:
            self._languages.append((tag, not lang.startswith("hu")))
        if any(foreign for _, foreign in self._languages):
            return
        for name, value in attrs:
            if name in _TemplateText.READ_ATTRIBUTES and value:
                self.words += re.findall(r"[^\W\d_]+", value)

    def handle_endtag(self, tag):
        self._skipping -= tag in self.SKIPPED
        if self._languages and self._languages[-1][0] == tag:
            self._languages.pop()

    def handle_data(self, data):
        if not self._skipping and not any(foreign for _, foreign in self._languages):
            self.words += re.findall(r"[^\W\d_]+", data)


def english_words() -> set[str]:
    """Words of the English messages that are no Hungarian word of the translations: on a Hungarian
    page each one is text that was not translated (marked or not, since unmarked English shares them)."""
    entries = read_po(CATALOGUES[0])

    def words(text: str, pattern: str) -> set[str]:
        return {word.lower() for word in re.findall(pattern, PLACEHOLDER.sub(" ", text))}

    english = set().union(*(words(e["msgid"] + " " + (e["msgid_plural"] or ""), r"[A-Za-z]+") for e in entries))
    hungarian = set().union(*(words(text, r"[^\W\d_]+") for e in entries for text in e["msgstr"].values()))
    # Names and codes that are the same in both, and HTML in the messages.
    same = {
        "wikidata",
        "csv",
        "json",
        "jsonl",
        "utf",
        "kbd",
        "strong",
        "time",
        "datetime",
        "iso",
        "href",
        "url",
        "q",
        "s",
        "c",
        "e",
    }
    return english - hungarian - same


@pytest.fixture
def hungarian_newsroom(editor, admin):
    """Articles, entities, annotations of every kind and an import, all in Hungarian words."""
    speaker = make_entity("Kovács Ágnes")
    outlet = make_entity("Magyar Távirati Iroda", kind=Entity.Kind.ORGANISATION)
    article = make_article(
        "Kovács Ágnes szerint a híd jövőre elkészül. „Minden rendben lesz” – mondta Kovács Ágnes.\n\n"
        "Az MTI hírügynökség közölte a hírt."
    )
    make_annotation(
        article,
        *span_of(article, "Minden rendben lesz"),
        author=editor,
        kind=Annotation.Kind.QUOTE,
        entity=speaker,
        quote_type="direct",
        cue_verb="mondta",
    )
    make_annotation(
        article, *span_of(article, "a híd jövőre elkészül"), author=editor, kind=Annotation.Kind.CLAIM, entity=speaker
    )
    make_annotation(
        article,
        *span_of(article, "MTI"),
        author=admin,
        kind=Annotation.Kind.SOURCE,
        entity=outlet,
        source_type="news_agency",
    )
    make_annotation(article, *span_of(article, "Kovács Ágnes"), author=editor, entity=speaker)
    batch = ImportBatch.objects.create(created_by=admin, uploads="hirek.zip")
    return {"article": article, "speaker": speaker, "batch": batch}


def hungarian_pages(data) -> list[str]:
    article, speaker, batch = data["article"], data["speaker"], data["batch"]
    return [
        reverse("articles:list"),
        reverse("articles:list") + "?q=nincsilyenszo",
        article.get_absolute_url(),
        reverse("entities:list"),
        reverse("entities:list") + "?q=nincsilyenszo",
        reverse("search:search"),
        reverse("search:search") + "?q=Kov%C3%A1cs",
        speaker.get_absolute_url(),
        reverse("desks:quotes"),
        reverse("desks:claims"),
        reverse("imports:import"),
        batch.get_absolute_url(),
        reverse("annotations:import"),
        reverse("account"),
        reverse("history:activity"),
        reverse("history:article", args=[article.pk]),
    ]


def english_on(page: str, english: set[str]) -> set[str]:
    parser = _VisibleText()
    parser.feed(page)
    # The language switcher names each language in its own words.
    return {w for w in parser.words if w.lower() in english and w != "English"}


def test_identifiers_in_code_are_not_taken_for_english_words():
    english = {"to", "the"}
    assert english_on("<p>Kulcs: <code>nr_TOq the</code></p>", english) == set()
    assert english_on("<p>the <code>x</code></p>", english) == {"the"}


def test_pages_in_hungarian_have_no_english_words(hungarian_newsroom, editor, admin):
    english = english_words()
    assert {"the", "of", "files", "import", "save"} <= english
    for user in (editor, admin):
        client = Client(headers={"accept-language": "hu"})
        client.force_login(user)
        for url in hungarian_pages(hungarian_newsroom):
            response = client.get(url)
            if response.status_code == 403:
                continue  # an editor may not import
            assert response.status_code == 200, url
            left = english_on(response.content.decode(), english)
            assert not left, f"English on {url} as {user}: {sorted(left)}"
    anonymous = Client(headers={"accept-language": "hu"})
    assert not english_on(anonymous.get(reverse("login")).content.decode(), english)


def test_the_admin_in_hungarian_labels_fields_choices_and_help_in_hungarian(hungarian_newsroom, admin):
    """Field names, choices and help texts in the admin (Django's own words are in its own catalogue)."""
    admin.is_staff = True  # as the admin makes someone in Admins (accounts.admin)
    admin.save()
    article, speaker = hungarian_newsroom["article"], hungarian_newsroom["speaker"]
    claim = article.annotations.get(kind=Annotation.Kind.CLAIM)
    english = english_words()
    assert {"verdict", "claims", "only", "spellings", "precision"} <= english
    client = Client(headers={"accept-language": "hu"})
    client.force_login(admin)
    urls = [
        reverse("admin:annotations_annotation_change", args=[claim.pk]),
        reverse("admin:annotations_annotation_changelist"),
        reverse("admin:entities_entity_change", args=[speaker.pk]),
        reverse("admin:entities_entity_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_changelist"),
        reverse("admin:index"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        # Django's admin writes the search icon's alt="Search" unmarked (admin/search_form.html).
        left = english_on(response.content.decode(), english) - {"Search"}
        assert not left, f"English in the admin at {url}: {sorted(left)}"
    page = client.get(reverse("admin:annotations_annotation_change", args=[claim.pk])).content.decode()
    assert "Minősítés:" in page and "Csak állításnál." in page and "Ellenőrizetlen" in page


def test_messages_made_in_python_speak_hungarian(client_for, admin):
    client = client_for(admin)
    response = client.post(reverse("imports:import"), {"files": []}, headers={"accept-language": "hu"})
    assert "Válasszon ki egy vagy több .txt importfájlt" in response.content.decode()


# ---- Which language a page speaks.


def test_a_new_install_speaks_hungarian(monkeypatch):
    from newsroom import env

    monkeypatch.delenv("LANGUAGE_CODE", raising=False)
    assert env.env_choice("LANGUAGE_CODE", "hu", ["hu", "en"]) == "hu"
    monkeypatch.setenv("LANGUAGE_CODE", "de")
    with pytest.raises(Exception, match="LANGUAGE_CODE='de' is not one of hu, en"):
        env.env_choice("LANGUAGE_CODE", "hu", ["hu", "en"])


@pytest.mark.parametrize(
    ("accept", "language", "expected"),
    [("hu-HU,hu;q=0.9,en;q=0.5", "hu", "Kijelentkezés"), ("en-GB,en;q=0.8", "en", "Log out")],
)
def test_accept_language_decides_for_someone_who_never_chose(client_for, editor, accept, language, expected):
    response = client_for(editor).get(reverse("articles:list"), headers={"accept-language": accept})
    assert expected in response.content.decode()
    assert response["Content-Language"] == language


def test_the_login_page_follows_accept_language_and_the_switcher(client):
    assert "Bejelentkezés" in client.get(reverse("login"), headers={"accept-language": "hu"}).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert ">Log in<" in client.get(reverse("login"), headers={"accept-language": "hu"}).content.decode()


def test_a_choice_is_kept_on_the_account_and_follows_to_another_browser(editor):
    first = Client(headers={"accept-language": "en"})
    first.force_login(editor)
    response = first.post(reverse("set_language"), {"language": "hu", "next": reverse("articles:list")})
    assert response.status_code == 302 and response["Location"] == reverse("articles:list")
    assert Preferences.objects.get(user=editor).language == "hu"
    assert "Kijelentkezés" in first.get(reverse("articles:list")).content.decode()

    # Another browser, which asks for English: the account's choice wins once logged in.
    second = Client(headers={"accept-language": "en"})
    second.force_login(editor)
    page = second.get(reverse("articles:list"))
    assert "Kijelentkezés" in page.content.decode()
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hu"  # the login page after logging out too


def test_a_language_the_site_does_not_speak_is_not_kept(client_for, editor):
    client = client_for(editor)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert not Preferences.objects.filter(user=editor).exists()


def test_choosing_a_language_needs_a_post_with_csrf(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get(reverse("set_language")).status_code == 405
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 403


def test_the_header_has_a_switcher_that_works_without_script(client_for, editor):
    page = client_for(editor).get(reverse("articles:list"), headers={"accept-language": "hu"}).content.decode()
    assert f'action="{reverse("set_language")}"' in page
    assert '<option value="hu" lang="hu" selected>Magyar</option>' in page


def test_the_article_page_loads_the_javascript_catalogue_before_the_annotator(client_for, editor):
    page = client_for(editor).get(make_article("Egy mondat.").get_absolute_url()).content.decode()
    catalogue = page.index(f'<script src="{reverse("javascript-catalog")}" defer></script>')
    assert catalogue < page.index("js/annotator.js")


def test_the_javascript_catalogue_speaks_the_page_language(client):
    script = client.get(reverse("javascript-catalog"), headers={"accept-language": "hu"}).content.decode()
    assert "A szerver nem \\u00e9rhet\\u0151 el" in script or "A szerver nem érhető el" in script


# ---- Dates and names in each language's form.


@pytest.mark.parametrize(
    ("language", "precision", "shown"),
    [
        ("hu", DatePrecision.YEAR, "2025"),
        ("hu", DatePrecision.MONTH, "2025. június"),
        ("hu", DatePrecision.DAY, "2025. június 9."),
        ("en", DatePrecision.YEAR, "2025"),
        ("en", DatePrecision.MONTH, "June 2025"),
        ("en", DatePrecision.DAY, "9 June 2025"),
    ],
)
def test_partial_dates_in_each_language(language, precision, shown):
    with translation.override(language):
        assert format_partial_date(datetime.date(2025, 6, 9), precision) == shown


def test_times_on_pages_follow_the_language(client_for, admin):
    batch = ImportBatch.objects.create(created_by=admin, uploads="hirek.zip")
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime.datetime(2025, 6, 9, 12, 30, tzinfo=datetime.UTC)
    )
    client = client_for(admin)
    assert (
        "2025. június 9. 14:30"
        in client.get(batch.get_absolute_url(), headers={"accept-language": "hu"}).content.decode()
    )
    assert (
        "9 Jun 2025 14:30" in client.get(batch.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    )


def test_the_annotation_list_dates_follow_the_language(client_for, editor):
    article = make_article("Kovács Ágnes szerint a híd elkészül.")
    annotation = make_annotation(article, *span_of(article, "Kovács Ágnes"), author=editor)
    when = datetime.datetime(2025, 6, 9, 12, 30, tzinfo=datetime.UTC)
    Annotation.objects.filter(pk=annotation.pk).update(created_at=when)
    client = client_for(editor)
    url = article.get_absolute_url()
    assert "2025. június 9. 14:30" in client.get(url, headers={"accept-language": "hu"}).content.decode()
    assert "9 Jun 2025 14:30" in client.get(url, headers={"accept-language": "en"}).content.decode()


HUNGARIAN_ORDER = [
    "10 Downing",
    "Adél",
    "Agnes",
    "Ágnes",
    "Béla",
    "Cecília",
    "Cukor",
    "Csaba",
    "Csiga",
    "de Gaulle",
    "Dél",
    "Dzsenifer",
    "kasza",
    "kassza",
    "Kim Jong",
    "Kimber",
    "Lukas",
    "Łukasz",
    "Ozora",
    "Öböl",
    "Ödön",
    "Őr",
    "Ördög",
    "Pécs",
    "Szabó",
    "Tusk",
    "Tyukod",
    "Ugor",
    "Ügy",
    "Űr",
    "Zoltán",
    "Zsolt",
    "Жуков",
]


@pytest.mark.django_db
def test_the_catalogue_sorts_names_the_hungarian_way(client_for, editor):
    for name in reversed(HUNGARIAN_ORDER):
        make_entity(name)
    expected = sorted(HUNGARIAN_ORDER, key=HUNGARIAN_ORDER.index)  # as listed: Cukor < Csiga < Dél, Ozora < Öböl
    assert list(Entity.objects.values_list("name", flat=True)) == expected
    page = client_for(editor).get(reverse("entities:list") + "?order=name").content.decode()
    assert [page.index(f">{name}<") for name in expected] == sorted(page.index(f">{name}<") for name in expected)


def hungarian_sort_key(names: list[str]) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT name FROM unnest(%s::text[]) AS name ORDER BY newsroom_hungarian_sort_key(name) COLLATE "C"',
            [names],
        )
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db
def test_the_sort_key_orders_digraphs_doubled_digraphs_accents_and_case_as_icu_does():
    # ssz is sz sz (asszony before aszú), as ICU reads it, even where it is s + sz (kis+szék, which a
    # dictionary would put before kiszáll): only a dictionary of compounds could tell.
    assert hungarian_sort_key(["aszz", "kisszék", "aszú", "kiszáll", "asszony"]) == [
        "asszony",
        "aszú",
        "aszz",
        "kiszáll",
        "kisszék",
    ]
    assert hungarian_sort_key(["Dzsida", "Dzurilla", "Dunai", "Ddzs", "dzs"]) == [
        "Dunai",
        "Dzurilla",
        "dzs",
        "Ddzs",
        "Dzsida",
    ]
    assert hungarian_sort_key(["NAGY", "Nagy", "nagy", "Nagyné", "Nagy-Bán", "Nagy Ádám", "Nagy 2"]) == [
        "nagy",
        "Nagy",
        "NAGY",
        "Nagy 2",
        "Nagy Ádám",
        "Nagy-Bán",
        "Nagyné",
    ]


@pytest.mark.django_db
def test_the_sort_key_agrees_with_icu_where_postgresql_has_it():
    """Where the server has ICU (PostgreSQL 15 of the distributions), the key's order is ICU's Hungarian."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'hu-x-icu'")
        if not cursor.fetchone():
            pytest.skip("this PostgreSQL has no ICU to compare with (the test above checks the order itself)")
        letters = [*"aábcdeéfghiíjklmnoóöőpqrstuúüűvwxyz", "cs", "dz", "dzs", "gy", "ly", "ny", "sz", "ty", "zs"]
        letters += ["ccs", "ddz", "ggy", "lly", "nny", "ssz", "tty", "zzs", " ", "-", ".", "’", "1", "ä", "ł", "ß"]
        generator = random.Random(13)
        names = set()
        while len(names) < 3000:
            name = "".join(generator.choice(letters) for _ in range(generator.randint(1, 6))).strip()
            names.add(
                name.capitalize() if generator.random() < 0.5 else name.upper() if generator.random() < 0.1 else name
            )
        names = sorted(names)
        cursor.execute(
            'SELECT name FROM unnest(%s::text[]) AS name ORDER BY name COLLATE "hu-x-icu", name COLLATE "C"', [names]
        )
        icu = [name for (name,) in cursor.fetchall()]
    assert hungarian_sort_key(names) == icu
