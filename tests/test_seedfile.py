"""Reading one seed file: every kind of input SEED_FORMAT.md lists."""

import datetime
import unicodedata

import pytest

from articles.models import DatePrecision
from imports.seedfile import SeedFileError, derive_title, parse_seed_file

LIMIT = 1024 * 1024
BODY = "Kim Dzsongun Phenjanban fogadta Szergej Sojgut.\n\nA TASZSZ hírügynökség szerint a találkozó rövid volt."


def parse(raw: bytes):
    return parse_seed_file(raw, max_bytes=LIMIT)


def error_of(raw: bytes, max_bytes: int = LIMIT) -> str:
    with pytest.raises(SeedFileError) as caught:
        parse_seed_file(raw, max_bytes=max_bytes)
    return str(caught.value)


def test_it_reads_the_sample_byte_for_byte(sample_bytes):
    article = parse(sample_bytes)
    assert article.published_on == datetime.date(2025, 6, 1)
    assert article.date_precision == DatePrecision.MONTH
    assert article.date_iso == "2025-06"
    assert article.body.startswith("Egy magas rangú")
    assert article.body == sample_bytes.decode("utf-8").removeprefix(" date 2025-06 ")
    assert article.body.count("\n\n") == 5


@pytest.mark.parametrize(
    ("header", "date", "precision"),
    [
        ("date 2025-06-09", datetime.date(2025, 6, 9), DatePrecision.DAY),
        ("date 2025-06", datetime.date(2025, 6, 1), DatePrecision.MONTH),
        ("date 2025", datetime.date(2025, 1, 1), DatePrecision.YEAR),
        ("  \n date 2024-02-29", datetime.date(2024, 2, 29), DatePrecision.DAY),
        ("Date 2025-6", datetime.date(2025, 6, 1), DatePrecision.MONTH),
    ],
)
def test_it_keeps_the_date_with_its_precision(header, date, precision):
    article = parse(f"{header} {BODY}".encode())
    assert (article.published_on, article.date_precision) == (date, precision)
    assert article.body == BODY


def test_the_body_may_start_on_the_next_line():
    assert parse(f"date 2025-06\n{BODY}\n".encode()).body == BODY


def test_it_strips_a_utf8_byte_order_mark():
    article = parse(b"\xef\xbb\xbf date 2025-06 " + BODY.encode())
    assert article.body == BODY


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_it_reads_utf16_with_a_byte_order_mark(codec):
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    assert parse(bom + f" date 2025-06 {BODY}".encode(codec)).body == BODY


@pytest.mark.parametrize("codec", ["cp1250", "iso-8859-2"])
def test_it_reads_central_european_legacy_encodings(codec):
    text = "date 2025-06 Árvíztűrő tükörfúrógép: Sojgunak mondta, hogy ő és ű betű."
    assert parse(text.encode(codec)).body == "Árvíztűrő tükörfúrógép: Sojgunak mondta, hogy ő és ű betű."


def test_it_keeps_windows_1250_typographic_quotes():
    text = "date 2025-06 „akik az igazságért harcoltak” – mondta Kim Dzsongun."
    assert parse(text.encode("cp1250")).body == "„akik az igazságért harcoltak” – mondta Kim Dzsongun."


def test_it_converts_windows_and_old_mac_line_endings():
    article = parse(b"date 2025-06 First paragraph.\r\n\r\nSecond.\rThird line.")
    assert article.body == "First paragraph.\n\nSecond.\nThird line."


def test_it_composes_decomposed_accents():
    decomposed = unicodedata.normalize("NFD", "Sojgu érkezett Phenjanba, ahol ősszel járt.")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    article = parse(f"date 2025-06 {decomposed}".encode())
    assert article.body == "Sojgu érkezett Phenjanba, ahol ősszel járt."


def test_it_keeps_emoji_and_other_astral_characters():
    article = parse("date 2025-06 Kim 🚀 fellövés 𝔘 után.".encode())
    assert article.body == "Kim 🚀 fellövés 𝔘 után."
    assert article.body.index("fellövés") == 6  # code points: the emoji counts once


def test_it_keeps_markup_looking_text_as_text():
    assert parse(b"date 2025-06 <script>alert(1)</script> text").body == "<script>alert(1)</script> text"


def test_it_drops_characters_postgresql_cannot_store():
    assert parse(b"date 2025-06 Kim\x00 Dzsongun\x07 szerint").body == "Kim Dzsongun szerint"


def test_the_same_text_gets_the_same_hash_whatever_the_encoding():
    text = f"date 2025-06 {BODY}"
    hashes = {
        parse(text.encode("utf-8")).content_sha256,
        parse(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")).content_sha256,
        parse(text.encode("cp1250")).content_sha256,
        parse(unicodedata.normalize("NFD", text).encode("utf-8")).content_sha256,
    }
    assert len(hashes) == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty file"),
        (b"  \n\t ", "empty file: only whitespace"),
        (BODY.encode(), "no date"),
        (b"published 2025-06 text", "no date"),
        (b"date yesterday text", "unreadable date 'yesterday'"),
        (b"date 2025-13 text", "impossible date '2025-13': there is no month 13"),
        (b"date 2025-02-30 text", "impossible date '2025-02-30': February 2025 has 28 days"),
        (b"date 2023-02-29 text", "impossible date '2023-02-29': February 2023 has 28 days"),
        (b"date 0000 text", "impossible date '0000': there is no year 0"),
        (b"date 2025-06", "no article text after the date"),
        (b"date 2025-06   \n\n ", "no article text after the date"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a text file: it contains NUL bytes"),
        (bytes(range(256)) * 4, "not a text file"),
        (b"\xff\xfe" + b"\x00\xd8" + b"a\x00", "not valid UTF-16 text"),
    ],
)
def test_it_says_what_is_wrong_with_a_bad_file(raw, message):
    assert message in error_of(raw)


def test_it_refuses_a_file_over_the_size_limit():
    raw = b"date 2025-06 " + b"word " * 300_000
    assert error_of(raw, max_bytes=1024 * 1024) == "file too large: 1.4 MB, the limit is 1.0 MB"


def test_a_large_file_under_the_limit_imports():
    raw = b"date 2025-06 " + "Hosszú cikk szöveg. ".encode() * 200_000
    assert len(parse_seed_file(raw, max_bytes=10 * 1024 * 1024).body) == 20 * 200_000 - 1


class TestTitle:
    def test_it_is_the_first_sentence_without_its_full_stop(self):
        assert derive_title("Rövid mondat. Második mondat.") == "Rövid mondat"

    def test_a_hungarian_date_does_not_end_the_sentence(self):
        assert derive_title("Ez 2023. május 9-én történt. Más.") == "Ez 2023. május 9-én történt"

    def test_a_long_sentence_is_cut_at_a_word_boundary(self, sample_bytes):
        title = parse(sample_bytes).title
        assert title.endswith("…") and len(title) <= 120
        assert title == (
            "Egy magas rangú orosz biztonsági tisztviselő idén júniusban már másodszor utazott "
            "Phenjanba, hogy találkozzon Kim…"
        )

    def test_it_comes_from_the_first_paragraph_only(self):
        assert derive_title("Cím nélküli bekezdés\n\nMásodik. Harmadik.") == "Cím nélküli bekezdés"
