"""Uploaded files and .zip archives into seed files, refusing what an attacker could send.

An archive entry is refused, with its reason, when its path is absolute or climbs out of the
archive, when it is a link, a nested archive, or compressed suspiciously well; an archive as a
whole is refused when it is too large, unpacks to too much, or is not a zip at all. What is
not a .txt file is skipped with a reason. Each seed file itself is judged later by the same
parser as on the command line.
"""

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import formats
from django.utils.translation import gettext as _

from imports.seedfile import SEED_SUFFIX, size_text

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".jar")
# Entries this small cannot be a meaningful bomb, however well they compress (say, repeated text).
RATIO_CHECKED_FROM = 1024 * 1024


class UploadRefused(ValueError):
    """The upload as a whole cannot be imported; the message says why, for a person."""


@dataclass(frozen=True)
class Entry:
    """A file to import (``content``), or one refused or skipped before parsing (``error``)."""

    name: str
    content: bytes | None = None
    error: str | None = None

    @property
    def size(self) -> int:
        return len(self.content or b"")


def read_uploads(files: list[UploadedFile]) -> list[Entry]:
    """Every uploaded file as entries, archives unpacked, in the order given."""
    entries: list[Entry] = []
    for upload in files:
        name = upload.name or "unnamed"
        # Closed once read (its memory or temporary file freed): the entries hold what is imported.
        with upload:
            if name.lower().endswith(".zip"):
                entries.extend(read_archive(upload, name))
            elif name.lower().endswith(SEED_SUFFIX):
                entries.append(Entry(name, content=upload.read()))
            else:
                entries.append(Entry(name, error=_("not a .txt seed file or a .zip of them: skipped")))
        if len(entries) > settings.IMPORT_MAX_FILES:
            raise UploadRefused(
                _("Too many files: the limit is %(limit)s in one upload.")
                % {"limit": formats.number_format(settings.IMPORT_MAX_FILES, force_grouping=True)}
            )
    return entries


def read_archive(upload: UploadedFile, name: str) -> list[Entry]:
    if upload.size > settings.IMPORT_MAX_ARCHIVE_BYTES:
        raise UploadRefused(
            _("%(name)s is too large: %(size)s, the limit is %(limit)s for one archive.")
            % {"name": name, "size": size_text(upload.size), "limit": size_text(settings.IMPORT_MAX_ARCHIVE_BYTES)}
        )
    try:
        archive = zipfile.ZipFile(upload)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(_("%(name)s is not a zip archive, or a damaged one.") % {"name": name}) from None

    unpacked = sum(info.file_size for info in members)
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise UploadRefused(
            _("%(name)s unpacks to %(size)s, more than the limit of %(limit)s: refused (a decompression bomb?).")
            % {"name": name, "size": size_text(unpacked), "limit": size_text(settings.IMPORT_MAX_UNPACKED_BYTES)}
        )
    entries = []
    for info in members:
        if info.is_dir():
            continue
        entry_name = f"{name}/{info.filename}"
        problem = _entry_problem(info)
        if problem:
            entries.append(Entry(entry_name, error=problem))
            continue
        try:
            # zipfile stops at the declared size, which the limits above have bounded.
            content = archive.read(info)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError) as error:
            entries.append(Entry(entry_name, error=_("cannot be unpacked: %(error)s") % {"error": error}))
            continue
        entries.append(Entry(entry_name, content=content))
    return entries


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an archive entry is not imported, or None when it may be."""
    path = info.filename
    if (
        path.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", path)
        or ".." in PurePosixPath(path.replace("\\", "/")).parts
    ):
        return _("unsafe path (absolute, or leading out of the archive): refused")
    if stat.S_ISLNK(info.external_attr >> 16):
        return _("a link, not a file: refused")
    if path.lower().endswith(ARCHIVE_SUFFIXES):
        return _("an archive inside the archive: refused (unpack it first)")
    if not path.lower().endswith(SEED_SUFFIX):
        return _("not a .txt seed file: skipped")
    if info.flag_bits & 0x1:
        return _("encrypted: skipped")
    if info.file_size > settings.SEED_MAX_FILE_BYTES:
        return _("file too large: %(size)s, the limit is %(limit)s") % {
            "size": size_text(info.file_size),
            "limit": size_text(settings.SEED_MAX_FILE_BYTES),
        }
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= RATIO_CHECKED_FROM and ratio > settings.IMPORT_MAX_COMPRESSION_RATIO:
        limit = settings.IMPORT_MAX_COMPRESSION_RATIO
        return _("compressed %(ratio)s to 1, more than %(limit)s to 1: refused (a decompression bomb?)") % {
            "ratio": formats.number_format(round(ratio), force_grouping=True),
            "limit": limit,
        }
    return None
