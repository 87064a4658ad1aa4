"""Reading one seed file (../shared/SEED_FORMAT.md): bytes in, a normalised article or a reason out.

Pure functions, no database: the command line and the import page share them, so a bad file
gets the same message everywhere.
"""

import calendar
import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import DatePrecision, iso_partial_date

# Seed files are plain text; on the command line and in archives only these are read.
SEED_SUFFIX = ".txt"
TITLE_MAX_LENGTH = 120

# Optional whitespace, the word "date", whitespace, a date token; the body follows on the same line.
HEADER = re.compile(r"\A\s*date[ \t]+(?P<token>\S+)", re.IGNORECASE)
DATE_TOKEN = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")

BOMS = [  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
]
# Control characters other than tab, line feed, form feed and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A sentence ends at . ! ? or … followed by a space and something that can start a sentence;
# "2023. május 9-én" (a Hungarian date) therefore does not end one.
SENTENCE_END = re.compile(r"[.!?…][”»\"')]*(?=\s+[„\"'(«»A-ZÁÉÍÓÖŐÚÜŰ0-9]|\s*\Z)")


class SeedFileError(ValueError):
    """A seed file that cannot be imported; the message says why, for a person."""


@dataclass(frozen=True)
class SeedArticle:
    title: str
    body: str
    published_on: datetime.date
    date_precision: DatePrecision
    content_sha256: str

    @property
    def date_iso(self) -> str:
        return iso_partial_date(self.published_on, self.date_precision)


def parse_seed_file(raw: bytes, *, max_bytes: int) -> SeedArticle:
    """Decode, normalise and split one seed file, or raise SeedFileError saying what is wrong."""
    if len(raw) > max_bytes:
        raise SeedFileError(
            _("file too large: %(size)s, the limit is %(limit)s")
            % {"size": size_text(len(raw)), "limit": size_text(max_bytes)}
        )
    if not raw.strip():
        raise SeedFileError(_("empty file") if not raw else _("empty file: only whitespace"))
    text = normalise(decode(raw))
    header = HEADER.match(text)
    if not header:
        raise SeedFileError(_("no date: the file must start with 'date YYYY-MM-DD', 'date YYYY-MM' or 'date YYYY'"))
    published_on, precision = parse_date(header["token"])
    body = text[header.end() :].strip()
    if not body:
        raise SeedFileError(_("no article text after the date"))
    return SeedArticle(
        title=derive_title(body),
        body=body,
        published_on=published_on,
        date_precision=precision,
        content_sha256=hashlib.sha256(body.encode()).hexdigest(),
    )


def decode(raw: bytes) -> str:
    """Bytes to text: a byte-order mark decides; else UTF-8; else the Central European legacy codes."""
    for bom, codec, name in BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as error:
                raise SeedFileError(
                    _("not valid %(encoding)s text (byte %(byte)d)")
                    % {"encoding": name, "byte": error.start + len(bom)}
                ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in raw:
            raise SeedFileError(
                _("not a text file: it contains NUL bytes (binary, or UTF-16 without a byte-order mark)")
            ) from None
        # Hungarian letters sit at the same bytes in both; Windows-1250 adds „”– at 0x80–0x9F,
        # where ISO-8859-2 has only control codes, so try it first.
        try:
            text = raw.decode("cp1250")
        except UnicodeDecodeError:
            text = raw.decode("iso-8859-2")
    # A stray control character is dropped by normalise(); a file full of them is not text.
    if CONTROL.search(text) and len(CONTROL.findall(text)) > max(8, len(text) / 100):
        raise SeedFileError(_("not a text file: it is full of control characters (binary data?)"))
    return text


def normalise(text: str) -> str:
    """One form for every file: \\n line endings, NFC, nothing PostgreSQL cannot store."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return CONTROL.sub("", text) if CONTROL.search(text) else text


def parse_date(token: str) -> tuple[datetime.date, DatePrecision]:
    match = DATE_TOKEN.fullmatch(token)
    if not match:
        raise SeedFileError(_("unreadable date %(date)r: write YYYY-MM-DD, YYYY-MM or YYYY") % {"date": token})
    year, month, day = (int(part) if part else None for part in match.group("year", "month", "day"))
    if year < 1:
        raise SeedFileError(_("impossible date %(date)r: there is no year 0") % {"date": token})
    if month is not None and not 1 <= month <= 12:
        raise SeedFileError(
            _("impossible date %(date)r: there is no month %(month)d") % {"date": token, "month": month}
        )
    if day is not None:
        days_in_month = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days_in_month:
            raise SeedFileError(
                _("impossible date %(date)r: %(month)s has %(days)d days")
                % {
                    "date": token,
                    "month": formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"),
                    "days": days_in_month,
                }
            )
        return datetime.date(year, month, day), DatePrecision.DAY
    if month is not None:
        return datetime.date(year, month, 1), DatePrecision.MONTH
    return datetime.date(year, 1, 1), DatePrecision.YEAR


def derive_title(body: str, max_length: int = TITLE_MAX_LENGTH) -> str:
    """The first sentence, without its full stop, cut at a word boundary if it is long."""
    first_paragraph = body.split("\n", 1)[0].strip()
    end = SENTENCE_END.search(first_paragraph)
    sentence = first_paragraph[: end.start()] if end else first_paragraph
    if len(sentence) <= max_length:
        return sentence or first_paragraph[:max_length]
    cut = sentence[: max_length - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def size_text(n: int) -> str:
    """A size as a person reads it: 812 bytes, 4.5 KB, 1.4 MB."""
    if n >= 1024 * 1024:
        return _("%(size)s MB") % {"size": formats.number_format(round(n / 1024 / 1024, 1), 1)}
    if n >= 1024:
        return _("%(size)s KB") % {"size": formats.number_format(round(n / 1024, 1), 1)}
    return ngettext("%(size)d byte", "%(size)d bytes", n) % {"size": n}
