"""How much a request may send, decided before anything reads its body.

Every request gets the general allowance (REQUEST_MAX_BODY_BYTES, REQUEST_MAX_FILES). A view
marked with @takes_large_bodies gives a larger one to the users holding a permission (the Import
page: IMPORT_MAX_UPLOAD_BYTES and IMPORT_MAX_FILES to those who may import). BoundedBodies
refuses a larger body by its Content-Length before anyone reads it: CsrfViewMiddleware reads
request.POST in its process_view, and every middleware's __call__ runs before any process_view.
The number of files can only be counted while parsing: UploadHandler stops at the allowance.
"""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.handlers.wsgi import LimitedStream
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from newsroom.http import refusal

READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Allowance:
    """What one request may send: its body in bytes, the files in it, and advice for a refusal."""

    max_bytes: int
    max_files: int
    advice: str = ""


@dataclass(frozen=True)
class LargeBodies:
    allowance: Callable[[], Allowance]
    permission: str


def general_allowance() -> Allowance:
    return Allowance(settings.REQUEST_MAX_BODY_BYTES, settings.REQUEST_MAX_FILES)


def takes_large_bodies(allowance: Callable[[], Allowance], *, permission: str):
    """Let users with `permission` send this view what `allowance()` allows; anyone else gets the general one.

    `allowance` is called per request, so that it reads the settings of the moment.
    """

    def mark(view):
        view.large_bodies = LargeBodies(allowance, permission)
        return view

    return mark


def allowance_for(request) -> Allowance:
    try:
        view = resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return general_allowance()
    large = getattr(view, "large_bodies", None)
    # Only these views look at the user here: the session costs a query or two, asked for anyway by the view.
    if large and request.user.has_perm(large.permission):
        return large.allowance()
    return general_allowance()


class BoundedBodies:
    """Refuse a body larger than the request's allowance (413) before anything reads it.

    A body sent without Content-Length (chunked, through gunicorn) is read here up to the allowance
    and then handed on with its length, as a proxy would; Django itself would read none of it.
    Must come after AuthenticationMiddleware (the import allowance depends on the user).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.body_allowance = allowance = allowance_for(request)
        raw_length = request.META.get("CONTENT_LENGTH") or ""
        if raw_length:
            if not (raw_length.isascii() and raw_length.isdigit()):
                return refusal(request, _("The Content-Length header is not a number of bytes."), status=400)
            if int(raw_length) > allowance.max_bytes:
                return too_large(request, allowance, int(raw_length))
            return self.get_response(request)
        if "HTTP_TRANSFER_ENCODING" not in request.META:
            return self.get_response(request)  # no body

        if not request.META.get("wsgi.input_terminated"):
            # The server does not say where such a body ends (runserver): reading it could read the next request.
            return refusal(request, _("Send the request with a Content-Length header."), status=411)
        body = read_body(request.META["wsgi.input"], allowance.max_bytes)
        if body is None:
            return too_large(request, allowance)
        with body:
            size = body.seek(0, 2)
            body.seek(0)
            request.META["CONTENT_LENGTH"] = str(size)
            request._stream = LimitedStream(body, size)
            # The body is parsed by the time the response is made (the parser keeps what it needs).
            return self.get_response(request)


def read_body(stream, limit: int):
    """The stream read to its end into a temporary file (in memory while small), or None past `limit` bytes.

    One byte over the limit is read, to tell a body over it from one exactly at it; no more.
    """
    body = tempfile.SpooledTemporaryFile(
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    size = 0
    while size <= limit and (chunk := stream.read(min(READ_CHUNK, limit + 1 - size))):
        body.write(chunk)
        size += len(chunk)
    if size > limit:
        body.close()
        return None
    return body


def too_large(request, allowance: Allowance, size: int | None = None):
    limit = filesizeformat(allowance.max_bytes)
    if size is None:
        message = _("The request is larger than the limit of %(limit)s.") % {"limit": limit}
    else:
        message = _("The request is %(size)s, more than the limit of %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": limit,
        }
    return refusal(request, f"{message} {allowance.advice}".strip(), status=413)


class UploadHandler(FileUploadHandler):
    """Each uploaded file in memory while small, in a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE; no
    more files than the request's allowance.

    Django's own handlers choose memory or disk for the whole request: past FILE_UPLOAD_MAX_MEMORY_SIZE
    in all, every file gets a temporary file, and thousands of small ones run out of file descriptors
    ("Too many open files"). Choosing per file keeps at most max_bytes / FILE_UPLOAD_MAX_MEMORY_SIZE
    of them on disk. A file left half-written by a broken body is freed with the request.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.allowance = getattr(request, "body_allowance", None) or general_allowance()
        self.count = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.count += 1
        if self.count > self.allowance.max_files:
            raise TooManyFilesSent(f"More than {self.allowance.max_files} files in one request.")
        self.file = tempfile.SpooledTemporaryFile(
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
        )

    def receive_data_chunk(self, raw_data, start):
        self.file.write(raw_data)

    def file_complete(self, file_size):
        self.file.seek(0)
        return UploadedFile(
            self.file, self.file_name, self.content_type, file_size, self.charset, self.content_type_extra
        )

    def upload_interrupted(self):
        self.file.close()
