"""Quotes and sources: who said what, and where the information comes from (README.md, "Suggestions").

Rules over Hungarian news text (DOMAIN.md, "Hungarian conventions"), no model and no database:
the catalogue's mentions, handed in, link a speaker or a source to its entity. What an editor gets
highlighted:

- a direct quote: the words inside the marks, never the marks; suggested only with an attribution
  (``„…” – mondta X``, ``X így fogalmazott: „…”``, ``X: „…”``, ``„… – írja X – …”``), so a scare
  quote or a title in quotes is not one. An interrupted quote is two quotes of one speaker: the
  attribution in the middle is not the speaker's words, and a span has no holes;
- an indirect quote: the clause after ``hogy`` to the sentence's end (``X azt mondta, hogy …``);
- a source: the name of who is behind it (``MTI`` of ``az MTI szerint``, ``ORFK-ra`` of
  ``az ORFK-ra hivatkozva``), or, with no name, the noun phrase without its article
  (``orosz állami média``); a report's own word (``értesülése``, ``közleménye``) is left out.
"""

import itertools
import re
from collections.abc import Callable

from suggestions.recognisers import Suggestion, unaccented

# Attribution verbs: DOMAIN.md's and other common speech verbs of news copy, third person (past,
# present, plural). A particle verb is matched joined (hozzátette) and split (tette hozzá).
SIMPLE_CUES = (
    "mondta", "mondja", "mondták", "közölte", "közli", "közölték", "hangsúlyozta", "hangsúlyozza", "ismertette",
    "idézte", "írta", "írja", "írták", "állította", "állítja", "kérdezte", "kérdezi", "nyilatkozta",
    "nyilatkozott", "fogalmazott", "fogalmaz", "reagált", "válaszolt", "válaszolta", "felelte", "érvelt",
    "panaszolta", "mesélte", "ígérte", "javasolta", "magyarázta", "hangoztatta", "jelezte", "üzente",
    "figyelmeztetett", "bírálta", "tudatta", "sérelmezte", "folytatta", "vélte", "szerint",
    # present tense of storytelling copy ('– meséli X'), and verbs of denying and talking about
    "meséli", "magyarázza", "panaszolja", "véli", "mondott", "emlékezett", "beszélt", "cáfolta", "tagadta",
    "emlékeztetett",
)  # fmt: skip
PARTICLE_CUES = (
    ("el", "mondta"), ("ki", "fejtette"), ("hozzá", "tette"), ("hozzá", "teszi"), ("ki", "jelentette"),
    ("le", "szögezte"), ("alá", "húzta"), ("ki", "emelte"), ("meg", "jegyezte"), ("be", "jelentette"),
    ("fel", "idézte"), ("meg", "erősítette"), ("hozzá", "fűzte"), ("meg", "nyugtatta"), ("el", "ismerte"),
    ("meg", "ígérte"), ("el", "árulta"), ("fel", "hívta"), ("ki", "tért"), ("rá", "mutatott"),
)  # fmt: skip
CUE_FORMS = tuple(
    form
    for form in (
        *SIMPLE_CUES,
        *(prefix + verb for prefix, verb in PARTICLE_CUES),
        *(f"{verb} {prefix}" for prefix, verb in PARTICLE_CUES),
        *(prefix + verb[:-1] + "ék" for prefix, verb in PARTICLE_CUES if verb.endswith("e")),
        *(prefix + verb[:-1] + "ák" for prefix, verb in PARTICLE_CUES if verb.endswith("a")),
    )
    if form != "szerint"
)
_CUE = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in sorted(CUE_FORMS, key=len, reverse=True))
CUE = re.compile(rf"(?<![^\W\d_])(?:{_CUE})(?![^\W\d_])")
PARTICLES = ("el", "ki", "meg", "le", "fel", "be", "hozzá", "alá", "vissza", "rá", "át", "össze")

OPENING_TO_CLOSING = {"„": "”", "“": "”", "»": "«", '"': '"'}
CLOSING = '”«"'
DASH = "–—\\-"  # for character classes
WORD = re.compile(r"[^\W_]+(?:[-'’.&/][^\W_]+)*")
SENTENCE_END = re.compile(r"[.!?…](?=[\s”«\"]|\Z)|\n")
ARTICLES = {"a", "az", "egy"}
# Words that stand before a cue without being its subject ('azt mondta', 'kedden közölte').
NOT_SUBJECT = {
    "azt", "is", "már", "pedig", "ugyanakkor", "így", "úgy", "ezt", "arról", "erről", "akkor", "később",
    "kedden", "hétfőn", "szerdán", "csütörtökön", "pénteken", "szombaton", "vasárnap", "tegnap", "ma",
    "éjjel", "este", "reggel", "délután", "napokban", "múlt", "héten", "szintén", "viszont", "majd", "még",
    "aki", "akik", "ami", "amely", "mely", "ő", "ők", "hogy", "és", "de", "sem", "nem", "csak", "újra",
    "ahogy", "ahogyan", "amint", "mint",  # 'Ahogy Kovács Zoltán fogalmazott: …'
}  # fmt: skip
# Words that go with a name as part of how a person is called ('Gábor bácsi', 'Margit néni').
HONORIFICS = {"bácsi", "néni", "úr", "asszony", "úrnő"}
# Roles, possessed ('a MÁV vezérigazgatója'): when a name follows after a comma ('a MÁV
# vezérigazgatója, Hegedűs Zsolt'), the name is the speaker's.
ROLE = re.compile(
    r"(?:szóvivő|elnök|vezető|igazgató|polgármester|titkár|miniszter|szerkesztő|elemző|munkatárs|képviselő"
    r"|ügyvéd|nagykövet|parancsnok|főnök|szakértő|kutató|professzor|orvos|kapitány|edző|tulajdonos|alapító"
    r"|ügyész|bíró|tag)(?:j?[ae]i?|i)\Z"
)
# Names written in lower case by their owners.
LOWER_CASE_NAMES = {"dpa"}
# A report's own words: the source is its owner ('a KSH adatai szerint' → KSH).
REPORT_WORDS = {
    "értesülése", "értesülései", "közleménye", "közleményében", "adatai", "figyelmeztetése", "jelentése",
    "tájékoztatása", "cikke", "becslése", "összesítése", "információi", "információja", "honlapja",
    "beszámolója", "felmérése", "elemzése", "bejegyzése", "oldala",
}  # fmt: skip
# Words of an organisation's name or description ('közölte a minisztérium' → organisation).
ORGANISATION_WORDS = (
    "minisztérium", "kormány", "tárca", "hivatal", "rendőrség", "ügyészség", "bíróság", "törvényszék",
    "hírügynökség", "média", "lap", "portál", "társaság", "cég", "bank", "párt", "szövetség", "szolgálat",
    "igazgatóság", "katasztrófavédelem", "ellenzék", "bizottság", "közlemény", "news", "times", "híradó",
    "kreml", "szakszervezet", "egyetem", "intézet", "önkormányzat", "központ", "frakció", "kamara",
    "alap", "zrt", "kft", "nyrt", "tanács", "unió", "hatóság", "testület", "iroda", "vállalat", "klub",
)  # fmt: skip
# Case endings of a word that is not the subject ('a Reutersnek', 'a Facebookon'); also -ra/-re
# for 'X-re hivatkozva'.
OBLIQUE = re.compile(
    r"(?:nak|nek|nál|nél|ban|ben|ból|ből|ról|ről|tól|től|hoz|hez|höz|val|vel|ra|re|ba|be|on|en|ön|án|én|ján|jén|ig)\Z"
)
# The endings that end a name for sure ('Simon Gergely' goes on; 'Reutersnek Kiss Balázs' does not).
DATIVE_AND_SUCH = re.compile(r"(?:nak|nek|nál|nél|ban|ben|ból|ből|ról|ről|tól|től|hoz|hez|höz|val|vel)\Z")
BASE_FORM_ENDINGS = ("nak", "nek", "ra", "re", "val", "vel", "t", "ot", "et", "at", "nál", "nél", "tól", "től")


def base_form(name: str, endings: tuple[str, ...] = BASE_FORM_ENDINGS) -> str:
    """The name with a case ending taken off its last word: 'Orbán Viktornak' → 'Orbán Viktor'.

    'ORFK-ra' → 'ORFK'; a final vowel lengthened before the ending is shortened
    ('Moszkvára' → 'Moszkva'). For names whose case the construction tells; the catalogue's
    mentions, where they match, name the entity instead.
    """
    head, hyphen, tail = name.rpartition("-")
    if hyphen and tail in endings and head:
        return head
    for ending in sorted(endings, key=len, reverse=True):
        if name.endswith(ending) and len(name.split()[-1]) - len(ending) >= 3:
            stem = name[: -len(ending)]
            return stem[:-1] + {"á": "a", "é": "e"}.get(stem[-1], stem[-1])
    return name


def _oblique(run: list[re.Match]) -> bool:
    """Whether a name is in a case other than the subject's: 'Reutersnek', 'Instagram-oldalán',
    'Facebookon'; the broader endings only on one word, since given names end like them too
    ('Lantos Csaba', 'Kovács István')."""
    last = run[-1][0]
    return _ends_a_name(last) or (len(run) == 1 and bool(OBLIQUE.search(last)))


def _ends_a_name(word: str) -> bool:
    """'Reutersnek', 'Instagram-oldalán': no name goes on after such a word."""
    return bool(DATIVE_AND_SUCH.search(word) or re.search(r"-[a-záéíóöőúüű]+\Z", word))


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or word in LOWER_CASE_NAMES


# Unaccented once, not per word looked at.
_PLAIN_ORGANISATION_WORDS = tuple(unaccented(word) for word in ORGANISATION_WORDS)


def _organisation(words: list[str]) -> bool:
    plain = [unaccented(word) for word in words]
    return any(word.isupper() and len(word) >= 2 for word in words) or any(
        org in word for word in plain for org in _PLAIN_ORGANISATION_WORDS
    )


class _Names:
    """Finds who a stretch of text names, linked to the catalogue's mentions of the body."""

    def __init__(self, body: str, mentions: list[Suggestion]):
        self.body = body
        self.mentions = {mention.start: mention for mention in mentions if mention.kind == "entity"}

    def who(self, start: int, end: int, *, prefer: str, source: bool = False, endings=()) -> dict | None:
        """The entity a stretch names: its first capitalised name not in an oblique case, else its
        last noun phrase after an article ('a miniszter' → 'miniszter'). ``prefer`` is "first" or
        "last" for which capitalised run wins."""
        words = list(WORD.finditer(self.body, start, end))
        runs: list[list[re.Match]] = []
        for index, word in enumerate(words):
            text = word[0]
            if text == "és" and runs and runs[-1][-1] is words[index - 1] and index + 1 < len(words):
                after = words[index + 1][0]
                if _capitalised(after) and _organisation([after]):
                    runs[-1].append(word)  # 'Magyar Kereskedelmi és Iparkamara', 'Adó- és Vámhivatal'
                    continue
            if not _capitalised(text) or unaccented(text) in ARTICLES:
                continue
            goes_on = (
                runs
                and runs[-1][-1] is words[index - 1]
                and self.body[words[index - 1].end() : word.start()] in (" ", "- ")
                and not _ends_a_name(words[index - 1][0])  # 'a Reutersnek Kiss Balázs': two
            )
            if goes_on:
                runs[-1].append(word)
            elif text.lower() not in NOT_SUBJECT:
                runs.append([word])
        candidates = []
        for run in runs:
            last = run[-1][0]
            mention = self.mentions.get(run[0].start())
            catalogued = mention is not None and mention.rule != "catalogue-suffix"
            oblique = _oblique(run) and not endings and not catalogued  # 'Orbán' is no -án case
            sentence_initial = run[0].start() == start and len(run) == 1
            followed = words.index(run[-1]) + 1 < len(words)
            if catalogued:
                pass  # a catalogued name is a name, first in its sentence or not
            elif (sentence_initial or (len(run) == 1 and last.endswith("i"))) and followed and not source:
                nxt = words[words.index(run[-1]) + 1][0]
                if nxt[:1].islower() and nxt.lower() not in NOT_SUBJECT and not CUE.fullmatch(nxt):
                    continue  # 'Amerikai illetékesek': a sentence's first word or an adjective, not a name
            candidates.append((oblique, run))
        plain_runs = [run for oblique, run in candidates if not oblique]
        if plain_runs or (endings and candidates):
            chosen = plain_runs or [run for _, run in candidates]
            run = chosen[0] if prefer == "first" else chosen[-1]
            run_end = run[-1].end()
            following = re.match(r" (\w+)", self.body[run_end:end])
            if following and following[1] in HONORIFICS:
                run_end += following.end()  # 'Gábor bácsi'
            return self._entity(run[0].start(), run_end, endings=endings, source=source)
        return self._noun_phrase(words, source=source, endings=endings)

    def _noun_phrase(self, words: list[re.Match], *, source: bool, endings=()) -> dict | None:
        phrase: list[re.Match] = []
        subject: list[re.Match] = []  # the last phrase before this one not in an oblique case
        for index, word in enumerate(words):
            plain = word[0].lower()
            if plain in ARTICLES and phrase and index + 1 < len(words) and words[index + 1][0] in NOT_SUBJECT:
                break  # 'az ukrán elnök az éjjel': the subject, then a time
            if plain in ARTICLES or (index == 0 and plain not in NOT_SUBJECT):
                if phrase and not OBLIQUE.search(phrase[-1][0]):
                    subject = phrase
                phrase = [] if plain in ARTICLES else [word]
                continue
            if plain in NOT_SUBJECT or plain in REPORT_WORDS:
                if phrase and plain in NOT_SUBJECT:
                    break
                continue
            phrase.append(word)
        phrase = [word for word in phrase if word[0].lower() not in REPORT_WORDS]
        if phrase and subject and not source and OBLIQUE.search(phrase[-1][0]):
            phrase = subject  # 'egy férfi a buszmegállóban': the man said it, not the stop
        if not phrase or (len(phrase) > 3 and not source):
            return None
        if len(phrase) > 3:
            phrase = phrase[-1:]
        if OBLIQUE.search(phrase[-1][0]) and len(phrase) == 1 and not source:
            return None
        start, end = phrase[0].start(), phrase[-1].end()
        return self._entity(start, end, source=source, endings=endings)

    def _entity(self, start: int, end: int, *, endings=(), source: bool) -> dict:
        text = self.body[start:end]
        mention = self.mentions.get(start)
        if mention is not None and mention.end <= end + 1:
            return {
                "start": start,
                "end": max(end, mention.end),
                "entity": mention.entity,
                "entity_id": mention.entity_id,
                "entity_kind": mention.entity_kind,
            }
        words = text.split()
        name = base_form(text, endings) if endings else text
        kind = "organisation" if _organisation(words) or (source and len(words) == 1) else "person"
        return {"start": start, "end": end, "entity": name, "entity_id": None, "entity_kind": kind}


def _clause_start(body: str, position: int) -> int:
    """Where the sentence holding ``position`` begins (after the last sentence end or closing mark)."""
    start = 0
    for match in re.finditer(r"[.!?…][”«\"]?\s+|[”«\"]\s+(?=[A-ZÁÉÍÓÖŐÚÜŰ])|\n", body[:position]):
        start = match.end()
    return start


def _joined_clause_start(body: str, position: int) -> int:
    """Where a clause joined to the sentence by 'és', 'de', 'majd' or 'míg' begins, else 0."""
    start = 0
    for match in re.finditer(r",[ \t]+(?:és|de|majd|míg|ám)[ \t]+", body[:position]):
        start = match.end()
    return start


def _quote_spans(body: str) -> list[tuple[int, int, int, int]]:
    """(opening mark, content start, content end, closing mark) of each quotation, outermost only."""
    spans = []
    position = 0
    while True:
        found = [(body.find(mark, position), mark) for mark in OPENING_TO_CLOSING]
        found = [(index, mark) for index, mark in found if index >= 0]
        if not found:
            return spans
        opening, mark = min(found)
        closing = body.find(OPENING_TO_CLOSING[mark], opening + 1)
        newline = body.find("\n", opening)
        if closing < 0 or (0 <= newline < closing):
            position = opening + 1
            continue
        spans.append((opening, opening + 1, closing, closing + 1))
        position = closing + 1


def _strip(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (body[start].isspace() or body[start] in ",;"):
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] in ",;"):
        end -= 1
    return start, end


AFTER = re.compile(rf"[ \t]*,?[ \t]*(?P<dash>[{DASH}][ \t]*)?(?P<cue>{_CUE}|[a-záéíóöőúüű]+)(?![^\W\d_])")
INTERRUPTION = re.compile(
    rf"[ \t]+[{DASH}][ \t]+(?P<cue>{_CUE})(?![^\W\d_])(?P<rest>[^{DASH}\n]*?)"
    rf"(?:[ \t]*[{DASH}][ \t]*,?|:[ \t]*[{DASH}])[ \t]*"
)
INDIRECT = re.compile(
    rf"(?<![^\W\d_])(?:(?P<azt>azt|arról)[ \t]+(?:is[ \t]+)?)?(?P<cue>{_CUE})"
    rf"(?P<mid>[^,.!?\n]{{0,40}}?),[ \t]+hogy[ \t]+"
)
# A dash and a cue that end an indirect quote early ('…, hogy jön – mondta később').
DASH_CUE = re.compile(rf"[ \t][{DASH}][ \t]+(?:{_CUE})")


class QuoteRecogniser:
    """Direct quotes with their attribution, and indirect quotes ('X azt mondta, hogy …')."""

    kind = "quote"

    def __init__(self, mentions: Callable[[str], list[Suggestion]] | None = None):
        self.mentions = mentions

    def suggest(self, body: str) -> list[Suggestion]:
        names = _Names(body, self.mentions(body) if self.mentions else [])
        found = self._direct(body, names)
        taken = [(s.start, s.end) for s in found]
        for suggestion in self._indirect(body, names):
            if not any(start <= suggestion.start < end for start, end in taken):
                found.append(suggestion)
        return sorted(found, key=lambda s: s.start)

    def _direct(self, body: str, names: _Names) -> list[Suggestion]:
        found = []
        for opening, start, end, closing in _quote_spans(body):
            after = self._after(body, closing, names)
            before = self._before(body, opening, names) if after is None else None
            parts = [(start, end)]
            interrupted = None
            interruption = INTERRUPTION.search(body, start, end)
            if interruption:
                interrupted = self._attribution(body, interruption, interruption.end("rest"), names)
                parts = [(start, interruption.start()), (interruption.end(), end)]
            attribution = interrupted or after or before
            if attribution is None:
                continue  # no one said it: a scare quote, a title, a name
            rule, confidence, cue, speaker = attribution
            for part_start, part_end in parts:
                part_start, part_end = _strip(body, part_start, part_end)
                if part_end <= part_start:
                    continue
                found.append(self._quote(body, part_start, part_end, rule, confidence, cue, speaker, direct=True))
        return found

    def _attribution(self, body: str, match: re.Match, end: int, names: _Names):
        cue = " ".join(match["cue"].split())
        speaker = names.who(match.end("cue"), end, prefer="first")
        return "quote-interrupted", 0.85, cue, speaker

    def _after(self, body: str, closing: int, names: _Names):
        """'„…” – mondta X.' and '„…,” mondta X': the cue and speaker after the closing mark."""
        match = AFTER.match(body, closing)
        if not match:
            return None
        known = CUE.fullmatch(match["cue"]) is not None
        if not known and not match["dash"]:
            return None
        cue = match["cue"]
        cue_end = match.end("cue")
        particle = re.match(r"[ \t]+(\w+)", body[cue_end:])
        if not known and particle and particle[1] in PARTICLES:
            cue, cue_end = f"{cue} {particle[1]}", cue_end + particle.end()
        if not known and not re.search(r"(?:t|tt|ta|te|tta|tte|ott|ett|ött|olt|elt|ált|ált)\Z", cue.split()[0]):
            return None  # after a dash, a past-tense verb is the attribution; anything else is not
        sentence_end = SENTENCE_END.search(body, cue_end)
        stop = sentence_end.start() if sentence_end else len(body)
        comma = body.find(",", cue_end, stop)
        speaker = names.who(cue_end, comma if comma >= 0 else stop, prefer="first")
        if comma >= 0:
            speaker = self._named_after_role(body, cue_end, comma, stop, names) or speaker
        return ("quote-after", 0.9 if known else 0.75, " ".join(cue.split()), speaker)

    def _named_after_role(self, body: str, start: int, comma: int, stop: int, names: _Names):
        """'– jelentette ki a MÁV vezérigazgatója, Hegedűs Zsolt': the name after a role and a comma."""
        role = WORD.findall(body, start, comma)
        rest = list(WORD.finditer(body, comma + 1, stop))
        if not role or not ROLE.search(role[-1]) or not 2 <= len(rest) <= 4:
            return None
        if not all(_capitalised(word[0]) for word in rest):
            return None
        return names._entity(rest[0].start(), rest[-1].end(), source=False)

    def _before(self, body: str, opening: int, names: _Names):
        """'X így fogalmazott: „…”' and 'X: „…”': the clause before a colon before the quote."""
        colon = re.search(r":[ \t]*\Z", body[max(0, opening - 3) : opening])
        if not colon:
            return None
        colon_at = body.rfind(":", 0, opening)
        start = _clause_start(body, colon_at)
        lead = body[start:colon_at]
        cues = list(CUE.finditer(lead))
        if cues:
            cue = cues[-1]
            speaker = names.who(start, start + cue.start(), prefer="first")
            return "quote-before", 0.85, " ".join(cue[0].split()), speaker
        words = WORD.findall(lead)
        if 1 <= len(words) <= 4 and all(_capitalised(word) for word in words):
            return "quote-colon", 0.8, None, names.who(start, colon_at, prefer="first")
        # 'Fazekas Nóra edző: „…”', 'Balogh Ernő az Instagramon: „…”': a name of two words or more
        # first, then a few words saying who or where.
        if 3 <= len(words) <= 5 and words[0].lower() not in NOT_SUBJECT and _capitalised(words[0]):
            name = list(itertools.takewhile(_capitalised, words))
            if len(name) >= 2 and not _organisation(name):
                first = WORD.search(body, start, colon_at)
                speaker = names.who(first.start(), first.start() + len(" ".join(name)), prefer="first")
                return "quote-colon", 0.7, None, speaker
        return None

    def _indirect(self, body: str, names: _Names) -> list[Suggestion]:
        found = []
        matches = [m for m in INDIRECT.finditer(body) if m["azt"] or len(m["mid"].split()) <= 2]
        # Where each one's subject begins: its sentence, or a clause joined by 'és', 'de', 'majd'.
        subjects = [max(_clause_start(body, m.start()), _joined_clause_start(body, m.start())) for m in matches]
        for index, match in enumerate(matches):
            start = subjects[index]
            cited = list(re.finditer(r"(?<![^\W\d_])(?:hivatkozva|szerint)(?![^\W\d_])", body[start : match.start()]))
            if cited:
                start += cited[-1].end()  # 'az MTI-re hivatkozva a Telex azt írta': the Telex wrote it
            speaker = names.who(start, match.start(), prefer="first")
            clause_start = match.end()
            sentence_end = SENTENCE_END.search(body, clause_start)
            stop = sentence_end.start() if sentence_end else len(body)
            if index + 1 < len(matches) and subjects[index + 1] < stop:
                stop = subjects[index + 1]  # the next clause is someone else's
                joiner = re.search(r",?[ \t]+(?:és|de|majd|míg|ám)[ \t]*\Z", body[clause_start:stop])
                stop = clause_start + joiner.start() if joiner else stop
            dash = DASH_CUE.search(body[clause_start:stop])
            if dash:
                stop = clause_start + dash.start()
            clause_start, stop = _strip(body, clause_start, stop)
            if stop - clause_start < 3:
                continue
            cue = " ".join(match["cue"].split())
            found.append(self._quote(body, clause_start, stop, "quote-indirect", 0.7, cue, speaker, direct=False))
        return found

    def _quote(self, body, start, end, rule, confidence, cue, speaker, *, direct) -> Suggestion:
        speaker = speaker or {}
        if not speaker:
            confidence = round(confidence - 0.2, 2)
        return Suggestion(
            kind="quote",
            start=start,
            end=end,
            text=body[start:end],
            rule=rule,
            confidence=confidence,
            entity=speaker.get("entity"),
            entity_id=speaker.get("entity_id"),
            entity_kind=speaker.get("entity_kind"),
            direct=direct,
            cue=cue,
        )


# Source types (annotations.models.SourceType's values; this module stays free of the database).
NEWS_AGENCY, MEDIA, OFFICIAL, EXPERT, DOCUMENT, ANONYMOUS = (
    "news_agency", "media", "official", "expert", "document", "anonymous",
)  # fmt: skip
# Names that tell the type by themselves, as unaccented lower-case words; found capitalised only
# ('Index' the portal, not an index). Bloomberg is taken for the agency (Bloomberg News is a wire
# service), Sputnik too (an agency by its own description); KCNA is the North Korean agency.
SOURCE_NAMES = {
    NEWS_AGENCY: {
        "mti", "taszsz", "tass", "reuters", "ap", "afp", "dpa", "interfax", "ria", "novosztyi", "novosti",
        "xinhua", "hszinhua", "kcna", "yonhap", "jonhap", "bloomberg", "ansa", "efe", "ukrinform", "unian",
        "pap", "kyodo", "sputnik", "anadolu", "bta", "tasr", "france-presse", "associated", "agerpres",
    },
    MEDIA: {
        "bbc", "cnn", "abc", "cbs", "nbc", "fox", "msnbc", "index", "telex", "hvg", "origo", "rtl", "atv", "tv2",
        "m1", "politico", "axios", "spiegel", "bild", "guardian", "times", "post", "journal", "news", "telegraph",
        "independent", "nepszava", "nemzet", "portfolio", "444", "24.hu", "blikk", "kommerszant", "izvesztyija",
        "pravda", "figaro", "monde", "jazeera", "euronews", "dw", "economist", "nzz", "mandiner", "magyarhang",
        "hirado.hu", "infostart", "nepszabadsag", "forbes", "wsj", "ft", "rferl", "meduza", "kyiv",
    },
    OFFICIAL: {
        "orfk", "ksh", "nav", "nato", "ensz", "eu", "mnb", "tek", "nbh", "kreml", "kremlin", "pentagon",
        "eurostat", "fbi", "cia", "imf", "who", "oecd", "nebih", "nngyk", "omsz",
    },
}  # fmt: skip
# Words that tell the type, as unaccented lower-case stems; found at a word's start or closing a
# compound ('kormányszóvivő', 'külügyminisztérium'), with any ending after them.
SOURCE_WORDS = {
    ANONYMOUS: (
        "nevtelen", "megnevezett", "elhallgatas", "forras", "bennfentes", "informator", "ertesulesek",
    ),
    NEWS_AGENCY: ("hirugynokseg", "ugynokseg"),
    MEDIA: (
        "media", "lap", "napilap", "hetilap", "ujsag", "portal", "hirportal", "hiroldal", "televizio", "teve",
        "tv", "radio", "csatorna", "hirado", "hirtelevizio", "magazin", "kozmedia", "szerkesztoseg", "tudosito",
        "riporter", "ujsagiro",
    ),
    OFFICIAL: (
        "miniszterium", "kormany", "szovivo", "rendor", "ugyesz", "birosag", "torvenyszek", "hivatal", "hatosag",
        "katasztrofavedelem", "onkormanyzat", "polgarmester", "miniszter", "allamtitkar", "nagykovet", "kulugy",
        "hadsereg", "vezerkar", "parlament", "orszaggyules", "kabinet", "tarca", "konzul", "ombudsman",
        "bizottsag", "tisztviselo", "illetekes", "diplomata", "hadero", "fegyveres", "feher haz", "elnoki",
        "kormanyfo", "tuzolto", "mentoszolgalat", "szolgalat", "kapitanysag", "igazgatosag", "kozpont",
        "kamara",
    ),
    EXPERT: (
        "elemzo", "szakerto", "professzor", "kutato", "kozgazdasz", "politologus", "szociologus", "tortenesz",
        "jogasz", "virologus", "epidemiologus", "docens", "tudos", "intezet", "egyetem", "akademia", "orvos",
        "meteorologus", "klimakutato", "agytroszt", "logus",  # kardiológus, onkológus
    ),
    DOCUMENT: (
        "jelentes", "kozlemeny", "dokumentum", "tanulmany", "hatarozat", "rendelet", "nyilatkozat", "felmeres",
        "kutatas", "elemzes", "beszamolo", "irat", "feljegyzes", "level", "szerzodes", "torveny", "jegyzokonyv",
        "statisztika", "osszesites", "becsles", "adat", "kimutatas", "javaslat", "iteletet", "itelet", "vadirat",
    ),
}  # fmt: skip
# In the order they win: an unnamed official is anonymous; who is named tells more than what
# they wrote ('a minisztérium közleménye' is the ministry's).
SOURCE_TYPE_ORDER = (ANONYMOUS, NEWS_AGENCY, MEDIA, OFFICIAL, EXPERT, DOCUMENT)
_LETTERS = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")


def _tells(word: str, stem: str) -> bool:
    """Whether a word (unaccented, lower case) is ``stem`` with an ending, or a compound closing with it.

    'minisztériumnak', 'külügyminisztérium', 'lapja'; not 'alapján' ('a' is no word), nor
    'alapítvány' (a stem of three letters or fewer is found only at a word's start).
    """
    at = word.find(stem)
    while at >= 0:
        if (at == 0 or (at >= 3 and len(stem) > 3)) and len(word) - at - len(stem) <= 6:
            return True
        at = word.find(stem, at + 1)
    return False


def _names(word: str, plain: str, names: set[str]) -> bool:
    """Whether a word is one of ``names``, with an ending after a hyphen ('MTI-nek'); a short one
    only in capitals ('AP', not 'Ap'), a longer one capitalised ('Index'), and 'dpa' as it writes itself."""
    head = word.split("-")[0]
    if plain not in names and unaccented(head) not in names:
        return False
    return head == "dpa" or (head.isupper() if len(head) <= 3 else _capitalised(head))


def source_type(*texts: str) -> str | None:
    """The type of a source, from the words that name it, then from the rest of its construction.

    Each text is tried in turn (the name and the nouns after it, then the whole clause), the
    first one that tells a type deciding: 'A TASZSZ hírügynökség' → news agency, 'a minisztérium
    közleménye' → official, 'egy meg nem nevezett tisztviselő' → anonymous, 'a jelentés' →
    document. None when no word tells: 'Kovács Péter szerint' may be anyone.
    """
    for text in texts:
        if re.search(r"[^\W_]\.(?:hu|com|net|info)(?![^\W_])", text.split(" ")[0] if text else ""):
            return MEDIA  # 'Holtankoljak.hu', 'Pénzcentrum.hu': a site's name is its address
        words = _LETTERS.findall(text)
        plain = [unaccented(word) for word in words]
        joined = " ".join(plain)
        if "meg nem nevezett" in joined or "nem nevezett" in joined:
            return ANONYMOUS
        for kind in SOURCE_TYPE_ORDER:
            names = SOURCE_NAMES.get(kind, ())
            if any(_names(word, name, names) for word, name in zip(words, plain, strict=True)):
                return kind
            stems = SOURCE_WORDS[kind]
            if any(" " in stem and stem in joined for stem in stems) or any(
                _tells(name, stem) for name in plain for stem in stems if " " not in stem
            ):
                return kind
    return None


SOURCE_CUES = ("írja", "írta", "írták", "közölte", "közli", "közölték", "jelentette", "jelenti", "tudósított")
SZERINT = re.compile(r"(?<![^\W\d_])(?:szerint|úgy tudja|úgy tudta|úgy értesült)(?![^\W\d_])")
HIVATKOZVA = re.compile(r"(?<![^\W\d_])hivatkozva(?![^\W\d_])")
SOURCE_AFTER = re.compile(rf"[ \t][{DASH}][ \t]+(?P<cue>{'|'.join(SOURCE_CUES)})(?![^\W\d_])")
FORRAS = re.compile(r"(?<![^\W\d_])Forrás:[ \t]*(?P<names>[^\n]+?)[ \t]*(?:\.(?=\s|\Z)|\n|\Z)")
RELATIVE = {"aki", "akik", "ami", "amely", "amelyek", "mely", "ez", "ezek", "ő", "ők"}


class SourceRecogniser:
    """Where information comes from: 'X szerint', 'X-re hivatkozva', '– írja X', 'Forrás: X'."""

    kind = "source"

    def __init__(self, mentions: Callable[[str], list[Suggestion]] | None = None):
        self.mentions = mentions

    def suggest(self, body: str) -> list[Suggestion]:
        names = _Names(body, self.mentions(body) if self.mentions else [])
        found: list[Suggestion] = []
        for match in SZERINT.finditer(body):
            words_before = WORD.findall(body[max(0, match.start() - 20) : match.start()])
            if words_before and words_before[-1].lower() in RELATIVE:
                continue  # 'aki szerint': the person is named elsewhere
            if body[: match.start()].rstrip()[-1:] in CLOSING:
                continue  # 'a „szakértők” szerint': irony, not a source
            start = max(_clause_start(body, match.start()), body.rfind(",", 0, match.start()) + 1)
            who = names.who(start, match.start(), prefer="last", source=True)
            rule = "source-szerint" if match[0] == "szerint" else "source-tudja"
            self._add(found, body, who, rule, 0.85 if rule == "source-szerint" else 0.75, clause=(start, match.start()))
        for match in HIVATKOZVA.finditer(body):
            start = max(_clause_start(body, match.start()), body.rfind(",", 0, match.start()) + 1)
            who = names.who(start, match.start(), prefer="last", source=True, endings=("ra", "re"))
            self._add(found, body, who, "source-hivatkozva", 0.85, clause=(start, match.start()))
        quotations = [(opening, closing) for opening, _, _, closing in _quote_spans(body)]
        for match in SOURCE_AFTER.finditer(body):
            before = body[: match.start()].rstrip(" .,")
            if before[-1:] in CLOSING or any(opening < match.start() < closing for opening, closing in quotations):
                continue  # a quote's attribution, after it or inside it ('„… – írja X –, …”'): the quote recogniser's
            sentence_end = SENTENCE_END.search(body, match.end())
            stop = sentence_end.start() if sentence_end else len(body)
            who = names.who(match.end(), stop, prefer="first", source=True)
            self._add(found, body, who, "source-cue", 0.8, cue=match["cue"], clause=(match.end(), stop))
        for match in FORRAS.finditer(body):
            position = match.start("names")
            for part in match["names"].split("/"):
                part_start = body.find(part, position)
                position = part_start + len(part)
                start, end = _strip(body, part_start, part_start + len(part))
                if end > start:
                    who = names._entity(start, end, source=len(body[start:end].split()) == 1)
                    self._add(found, body, who, "source-forras", 0.9, clause=(start, end), alone=True)
        return sorted(found, key=lambda s: s.start)

    def _add(self, found, body, who, rule, confidence, *, clause: tuple[int, int], cue=None, alone=False):
        """Add the source ``who`` names, its type told by its name and the nouns after it up to the
        construction's end, else by the rest of the clause (``clause``: where its words are), else
        by its sentence ('A Kreml szóvivője, Dmitrij Peszkov szerint'); ``alone``: by its words only
        (a photo credit's names, whose line is headed 'Forrás')."""
        if who is None or any(s.start == who["start"] for s in found):
            return
        named = body[who["start"] : max(who["end"], clause[1])]
        sentence = "" if alone else body[_clause_start(body, clause[0]) : clause[1]]
        # Experts of a named body are experts ('az OTP elemzői'); else the name tells first.
        kind = (
            EXPERT
            if source_type(body[who["end"] : clause[1]]) == EXPERT
            else source_type(
                who["entity"] if who["entity_id"] is not None else "", named, body[clause[0] : clause[1]], sentence
            )
        )
        found.append(
            Suggestion(
                kind="source",
                start=who["start"],
                end=who["end"],
                text=body[who["start"] : who["end"]],
                rule=rule,
                confidence=confidence,
                entity=who["entity"],
                entity_id=who["entity_id"],
                entity_kind=who["entity_kind"],
                cue=cue,
                source_type=kind,
            )
        )
