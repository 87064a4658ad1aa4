"""The entity catalogue as files: JSON Lines or CSV read and merged into the catalogue, and written
out (README.md, "The entity catalogue on the command line").

Reading is pure: bytes in, an entry or a reason per line out. Merging plans all of a file's
entries against the catalogue, then stores them through ``entities.services`` in one
transaction, or none of them when any line is bad. Writing lists the catalogue in a stable
order, so that export, import, export gives the same bytes.
"""

import csv
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from entities import services
from entities.models import Entity, EntityKind

COLUMNS = ("name", "kind", "aliases", "description", "wikidata")
ALIAS_SEPARATOR = "|"  # between the aliases in a CSV cell
QID = re.compile(r"Q[1-9][0-9]*")
NAME_MAX_LENGTH = Entity._meta.get_field("name").max_length
ALIAS_MAX_LENGTH = Entity._meta.get_field("aliases").base_field.max_length
QID_MAX_LENGTH = Entity._meta.get_field("external_id").max_length
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Characters PostgreSQL cannot store (NUL) or a person cannot see; tab and line breaks are whitespace.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
SURROGATE = re.compile(r"[\ud800-\udfff]")  # JSON can spell half a character ("\ud83d"); UTF-8 cannot store it


class Format(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"

    @classmethod
    def of(cls, path: Path) -> "Format | None":
        """The format a file's name says, if it says one."""
        return {".jsonl": cls.JSONL, ".ndjson": cls.JSONL, ".csv": cls.CSV}.get(path.suffix.lower())


class BadRow(ValueError):
    """A line that cannot be imported; the message says why, for a person."""


@dataclass(frozen=True)
class Entry:
    """One line of a catalogue file, checked and normalised; an empty description or QID is not given."""

    line: int
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    wikidata: str = ""


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: the file as a whole
    error: str


@dataclass
class Reading:
    entries: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Outcome:
    """What importing one file did: counts of stored entries, or only errors when it was refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


# Reading


def read_path(path: Path, format: Format | None = None) -> Reading:
    """Read one file; a file that cannot be read or whose format is unknown is one error."""
    format = format or Format.of(path)
    if format is None:
        return Reading(errors=[RowError(None, _("unknown format: name the file .jsonl or .csv, or give --format"))])
    try:
        raw = path.read_bytes()
    except OSError as error:
        return Reading(
            errors=[RowError(None, _("cannot read the file: %(reason)s") % {"reason": error.strerror or error})]
        )
    return read(raw, format)


def read(raw: bytes, format: Format) -> Reading:
    """Every line of a catalogue file as an entry or as a reason it is bad."""
    if raw.startswith(UTF16_BOMS):
        return Reading(errors=[RowError(None, _("UTF-16 text: save the file as UTF-8"))])
    raw = raw.removeprefix(UTF8_BOM)
    reading = Reading()
    rows = _jsonl_rows(raw) if format == Format.JSONL else _csv_rows(raw)
    for line, fields in rows:
        if isinstance(fields, BadRow):
            reading.errors.append(RowError(line, str(fields)))
            continue
        try:
            reading.entries.append(clean(line, fields))
        except BadRow as error:
            reading.errors.append(RowError(line, str(error)))
    return reading


def _jsonl_rows(raw: bytes) -> Iterator[tuple[int, dict | BadRow]]:
    # Split on line feeds only: str.splitlines() would also split inside a name at U+2028 or U+0085.
    for line, data in enumerate(raw.split(b"\n"), start=1):
        if not data.strip():
            continue
        try:
            value = json.loads(data.decode("utf-8"), object_pairs_hook=_object_without_repeated_keys)
        except UnicodeDecodeError as error:
            value = BadRow(_("not valid UTF-8 at byte %(byte)d: save the file as UTF-8") % {"byte": error.start + 1})
        except BadRow as error:
            value = error
        except json.JSONDecodeError as error:
            value = BadRow(
                _("not valid JSON at column %(column)d: %(reason)s") % {"column": error.colno, "reason": error.msg}
            )
        except (ValueError, RecursionError):  # a number too long to read, arrays nested thousands deep
            value = BadRow(_("not valid JSON"))
        if not isinstance(value, dict | BadRow):
            value = BadRow(_("not a JSON object: write each entry as {…}"))
        yield line, value


def _object_without_repeated_keys(pairs: list[tuple[str, object]]) -> dict:
    # json.loads keeps the last of repeated keys; a name given twice is a mistake to show, not to guess.
    keys = [key for key, _value in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise BadRow(_("the key %(key)s is given twice") % {"key": json.dumps(key, ensure_ascii=False)})
    return dict(pairs)


def _csv_rows(raw: bytes) -> Iterator[tuple[int, dict | BadRow]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        yield line, BadRow(_("not valid UTF-8: save the file as UTF-8 (CSV UTF-8 in a spreadsheet)"))
        return
    # Spreadsheets set to Hungarian write semicolons between cells; the header says which it is.
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            yield (
                1,
                BadRow(
                    _("empty file: the first line names the columns, e.g. %(columns)s") % {"columns": ",".join(COLUMNS)}
                ),
            )
            return
        columns = [column.strip().lower() for column in header]
        if problem := _header_problem(columns):
            yield reader.line_num, BadRow(problem)
            return
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):  # a blank line is no entry
                if len(cells) != len(columns):
                    yield (
                        line,
                        BadRow(
                            _("%(cells)d cells, but the header names %(columns)d columns")
                            % {"cells": len(cells), "columns": len(columns)}
                        ),
                    )
                else:
                    fields = dict(zip(columns, cells, strict=True))
                    if "aliases" in fields:
                        fields["aliases"] = fields["aliases"].split(ALIAS_SEPARATOR)
                    yield line, fields
            line = reader.line_num + 1
    except csv.Error as error:
        # The reader cannot go on past a broken quote; the file is refused at this line.
        yield reader.line_num, BadRow(_("not valid CSV: %(reason)s") % {"reason": error})


def _header_problem(columns: list[str]) -> str | None:
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown:
        return _("unknown column %(columns)s: the columns are %(known)s") % {
            "columns": ", ".join(json.dumps(column, ensure_ascii=False) for column in unknown),
            "known": ", ".join(COLUMNS),
        }
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        return _("the column %(columns)s is named twice") % {"columns": ", ".join(repeated)}
    missing = [column for column in ("name", "kind") if column not in columns]
    if missing:
        return _("no %(columns)s column: the first line names the columns, e.g. %(example)s") % {
            "columns": " or ".join(missing),
            "example": ",".join(COLUMNS),
        }
    return None


def clean(line: int, fields: dict) -> Entry:
    """An entry from one line's fields (strings, and a list of aliases), or BadRow saying what is wrong.

    Text is normalised as the app stores it: NFC (a name typed with combining accents is the
    same name), and whitespace inside names collapsed. Nothing too long is cut: it is refused.
    """
    unknown = [key for key in fields if key not in COLUMNS]
    if unknown:
        raise BadRow(
            _("unknown key %(keys)s: the keys are %(known)s")
            % {"keys": ", ".join(json.dumps(key, ensure_ascii=False) for key in unknown), "known": ", ".join(COLUMNS)}
        )
    name = _spelling(fields.get("name"), "name", NAME_MAX_LENGTH)
    if not name:
        raise BadRow(_("no name"))
    kind = _text(fields.get("kind"), "kind").strip().lower()
    if kind not in EntityKind.values:
        kinds = ", ".join(EntityKind.values)
        raise BadRow(
            _("unknown kind %(kind)s: one of %(kinds)s")
            % {"kind": json.dumps(kind, ensure_ascii=False), "kinds": kinds}
            if kind
            else _("no kind: one of %(kinds)s") % {"kinds": kinds}
        )
    aliases = fields.get("aliases")
    if aliases is None:
        aliases = []
    if not isinstance(aliases, list):
        raise BadRow(_("aliases must be a list of names"))
    if not all(isinstance(alias, str) for alias in aliases):
        raise BadRow(_("%(field)s must be text") % {"field": FIELD_NAMES["alias"]()})
    aliases = [_spelling(alias, "alias", ALIAS_MAX_LENGTH) for alias in aliases]
    description = _text(fields.get("description"), "description").strip()
    wikidata = _text(fields.get("wikidata"), "wikidata").strip()
    if wikidata and not (QID.fullmatch(wikidata) and len(wikidata) <= QID_MAX_LENGTH):
        raise BadRow(
            _("%(value)s is not a Wikidata QID (Q and a number, such as Q56226)")
            % {"value": json.dumps(wikidata, ensure_ascii=False)}
        )
    return Entry(line, name, kind, tuple(alias for alias in aliases if alias), description, wikidata)


# A field as messages name it, translated only when a message needs it, not 50,000 times a file.
FIELD_NAMES = {
    "name": lambda: _("name"),
    "kind": lambda: _("kind"),
    "alias": lambda: _("alias"),
    "description": lambda: _("description"),
    "wikidata": lambda: _("wikidata"),
}


def _text(value: object, key: str) -> str:
    """A field's text in NFC ('' when not given), or BadRow when it is not text a database can store."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRow(_("%(field)s must be text") % {"field": FIELD_NAMES[key]()})
    if SURROGATE.search(value):
        raise BadRow(_("%(field)s is not valid Unicode (half of a surrogate pair)") % {"field": FIELD_NAMES[key]()})
    if match := CONTROL.search(value):
        raise BadRow(
            _("%(field)s contains the control character U+%(code)04X")
            % {"field": FIELD_NAMES[key](), "code": ord(match[0])}
        )
    return unicodedata.normalize("NFC", value)


def _spelling(value: object, key: str, max_length: int) -> str:
    spelling = " ".join(_text(value, key).split())
    if len(spelling) > max_length:
        raise BadRow(
            _("%(field)s “%(start)s…” is %(length)d characters long, at most %(max)d are allowed")
            % {"field": FIELD_NAMES[key](), "start": spelling[:30], "length": len(spelling), "max": max_length}
        )
    return spelling


# Merging


@dataclass
class Plan:
    created: list[Entity] = field(default_factory=list)
    updated: list[Entity] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def merge(reading: Reading, *, by, on_entry: Callable[[], None] | None = None) -> Outcome:
    """Import one file's entries in one transaction: all of them, or none when any line is bad.

    Its bad lines and every conflict with the catalogue are found in one pass, so that one
    correction of the file is enough.
    """
    with transaction.atomic():
        if not reading.errors:
            lock_catalogue()
        plan = plan_merge(reading.entries, on_entry=on_entry)
        errors = sorted([*reading.errors, *plan.errors], key=lambda error: error.line or 0)
        if errors:
            return Outcome(errors=errors)
        services.save_entities_in_bulk(created=plan.created, changed=plan.updated, by=by)
    return Outcome(created=len(plan.created), updated=len(plan.updated), unchanged=plan.unchanged)


def lock_catalogue() -> None:
    """Hold back other writes to the catalogue until this transaction ends: what a file was matched
    against cannot change before it is stored. Reading goes on. EXCLUSIVE rather than a weaker
    mode: one that let an editor's SELECT … FOR UPDATE in (services.add_alias, add_spelling) through could deadlock."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Entity._meta.db_table)} IN EXCLUSIVE MODE")


# The entities a file's names or QIDs could match, with their spellings in lower case as PostgreSQL
# folds them (Entity.objects.named() and the unique constraint use lower()).
CANDIDATES = """
SELECT *, lower(name) AS name_lower, ARRAY(SELECT lower(alias) FROM unnest(aliases) AS alias) AS alias_lowers
  FROM {table}
 WHERE lower(name) = ANY(%s::text[]) OR (external_id <> '' AND external_id = ANY(%s::text[]))
    OR EXISTS (SELECT 1 FROM unnest(aliases) AS alias WHERE lower(alias) = ANY(%s::text[]))
"""


class _Index:
    """The entities a file may touch, found by QID, by (kind, lower(name)) and by (kind, lower(alias))."""

    def __init__(self, lowered: dict[str, str]):
        self.lowered = lowered
        self.by_qid: dict[str, Entity] = {}
        self.by_name: dict[tuple[str, str], Entity] = {}
        self.by_alias: dict[tuple[str, str], list[Entity]] = defaultdict(list)
        self.lines: dict[int, int] = {}  # id() of an entity: the line of the file that matched or made it

    def add(self, entity: Entity, name_lower: str, alias_lowers: list[str]) -> None:
        if entity.external_id:
            self.by_qid[entity.external_id] = entity
        self.by_name[entity.kind, name_lower] = entity
        for alias_lower in alias_lowers:
            self.add_alias(entity, alias_lower)

    def add_alias(self, entity: Entity, alias_lower: str) -> None:
        spelled = self.by_alias[entity.kind, alias_lower]
        if not any(other is entity for other in spelled):
            spelled.append(entity)


def plan_merge(entries: list[Entry], *, on_entry: Callable[[], None] | None = None) -> Plan:
    """What importing the entries would change, entry by entry in file order; nothing is written.

    An entry is the entity with its QID; else the one of its kind with its name (in any case);
    else the one of its kind with its name among the aliases; else a new one. A match unites
    the aliases (the entry's name becomes one when it differs), and sets the description and a
    missing QID when the entry gives them. Two entries of one file for one entity are an error,
    as are a QID on an entity of another kind, and a QID that disagrees with the named one.
    """
    lowered = _lowered({spelling for entry in entries for spelling in (entry.name, *entry.aliases)})
    index = _Index(lowered)
    table = connection.ops.quote_name(Entity._meta.db_table)
    names = sorted({lowered[entry.name] for entry in entries})
    qids = sorted({entry.wikidata for entry in entries if entry.wikidata})
    for entity in Entity.objects.raw(CANDIDATES.format(table=table), [names, qids, names]):
        index.add(entity, entity.name_lower, entity.alias_lowers)

    plan = Plan()
    for entry in entries:
        try:
            entity = _match(entry, index)
        except BadRow as error:
            plan.errors.append(RowError(entry.line, str(error)))
        else:
            if entity is None:
                entity = Entity(name=entry.name, kind=entry.kind)
                index.add(entity, lowered[entry.name], [])
                _apply(entry, entity, index)
                plan.created.append(entity)
            elif _apply(entry, entity, index):
                plan.updated.append(entity)
            else:
                plan.unchanged += 1
            index.lines[id(entity)] = entry.line
        if on_entry:
            on_entry()
    return plan


def _lowered(spellings: set[str]) -> dict[str, str]:
    """Each spelling in lower case, as PostgreSQL's lower() makes it, in one query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT spelling, lower(spelling) FROM unnest(%s::text[]) AS spelling", [sorted(spellings)])
        return dict(cursor.fetchall())


def _match(entry: Entry, index: _Index) -> Entity | None:
    by_qid = index.by_qid.get(entry.wikidata) if entry.wikidata else None
    named = index.by_name.get((entry.kind, index.lowered[entry.name]))
    if by_qid is None and named is None:
        spelled = sorted(index.by_alias.get((entry.kind, index.lowered[entry.name]), []), key=lambda e: e.name)
        if len(spelled) > 1:
            raise BadRow(
                _("“%(name)s” is another spelling of %(entities)s: give the name or the QID of one")
                % {"name": entry.name, "entities": ", ".join(_named(entity) for entity in spelled)}
            )
        named = spelled[0] if spelled else None
    for entity in (by_qid, named):
        if entity is not None and id(entity) in index.lines:
            raise BadRow(
                _("%(entity)s is already on line %(line)d; give each entity one line")
                % {"entity": _named(entity), "line": index.lines[id(entity)]}
            )
    if by_qid is not None:
        if by_qid.kind != entry.kind:
            raise BadRow(
                _("%(qid)s belongs to %(entity)s, but this line's kind is %(kind)s")
                % {"qid": entry.wikidata, "entity": _named(by_qid), "kind": entry.kind}
            )
        if named is not None and named is not by_qid:
            raise BadRow(
                _("%(qid)s belongs to %(entity)s, but %(other)s is another entity: merge them in the admin first")
                % {"qid": entry.wikidata, "entity": _named(by_qid), "other": _named(named)}
            )
        return by_qid
    if named is not None and entry.wikidata and named.external_id:
        raise BadRow(
            _("%(entity)s has the QID %(qid)s, not %(given)s")
            % {"entity": _named(named), "qid": named.external_id, "given": entry.wikidata}
        )
    return named


def _apply(entry: Entry, entity: Entity, index: _Index) -> bool:
    """Merge the entry into the entity (not saved); whether anything changed."""
    before = (list(entity.aliases), entity.description, entity.external_id)
    # Entity.add_alias() is how every other spelling joins an entity: the same rule here.
    for spelling in (entry.name, *entry.aliases):
        known = len(entity.aliases)
        entity.add_alias(spelling)
        if len(entity.aliases) > known:
            index.add_alias(entity, index.lowered[spelling])
    if entry.description:
        entity.description = entry.description
    if entry.wikidata and not entity.external_id:
        entity.external_id = entry.wikidata
        index.by_qid[entry.wikidata] = entity
    return (entity.aliases, entity.description, entity.external_id) != before


def _named(entity: Entity) -> str:
    return f"“{entity.name}” ({entity.get_kind_display().lower()})"


# Writing


def write(out: TextIO, format: Format) -> int:
    """The whole catalogue in ``format``, by kind then name (Hungarian order); how many entities were written.

    Every column is written for every entity (empty when unknown), so lines line up and an
    import of the file changes nothing.
    """
    entities = (
        Entity.objects.order_by("kind", "name_sort_key")
        .values_list("name", "kind", "aliases", "description", "external_id")
        .iterator(chunk_size=2000)
    )
    count = 0
    if format == Format.JSONL:
        for name, kind, aliases, description, external_id in entities:
            entry = {
                "name": name,
                "kind": kind,
                "aliases": aliases,
                "description": description,
                "wikidata": external_id,
            }
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            count += 1
    else:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for name, kind, aliases, description, external_id in entities:
            writer.writerow([name, kind, ALIAS_SEPARATOR.join(aliases), description, external_id])
            count += 1
    return count


def aliases_with_separator() -> list[Entity]:
    """Entities with an alias that holds the CSV alias separator, which CSV cannot write back."""
    holds_separator = RawSQL(
        "EXISTS (SELECT 1 FROM unnest(aliases) AS alias WHERE strpos(alias, %s) > 0)",
        [ALIAS_SEPARATOR],
        output_field=BooleanField(),
    )
    return list(Entity.objects.alias(holds_separator=holds_separator).filter(holds_separator=True).order_by("pk"))


def external_ids_not_qids() -> list[Entity]:
    """Entities whose identifier is not a Wikidata QID: written as they are, refused when imported."""
    return list(
        Entity.objects.exclude(external_id="")
        .exclude(external_id__regex=rf"^{QID.pattern}$")
        .order_by("kind", "name_sort_key")
    )
