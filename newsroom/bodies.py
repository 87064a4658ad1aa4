"""How much a request may send, decided before anything reads its body.

Every request gets the general allowance (REQUEST_MAX_BODY_BYTES, REQUEST_MAX_FILES). A view
marked with @takes_large_bodies gives a larger one to the users holding a permission (the Import
page: IMPORT_MAX_UPLOAD_BYTES and IMPORT_MAX_FILES to those who may import).

- BoundedBodies refuses a body over the allowance by its Content-Length before anything reads it:
  CsrfViewMiddleware reads request.POST in its process_view, and every middleware's __call__ runs
  before any process_view. A body without Content-Length is read no further than the allowance.
- UploadHandler counts the files while the body is parsed (nothing else can) and stops at the allowance.
- ASGIHandler: Django's own reads every body whole before any middleware runs. This one reads none of
  a body declared over the most its URL takes from anyone, and stops at that limit when there is no
  Content-Length; BoundedBodies then refuses the request.
"""

import asyncio
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.handlers import asgi
from django.core.handlers.wsgi import LimitedStream
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from newsroom.http import refusal

READ_CHUNK = 64 * 1024
# In an ASGI request's scope: ASGIHandler stopped reading its body at the limit of its URL.
OVER_LIMIT = "newsroom.body_over_limit"


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


def _large_bodies(request) -> LargeBodies | None:
    try:
        view = resolve(request.path_info, getattr(request, "urlconf", None)).func
    except Resolver404:
        return None
    return getattr(view, "large_bodies", None)


def allowance_for(request) -> Allowance:
    large = _large_bodies(request)
    # Only at these views is the user looked at: the session costs a query or two, which the view asks anyway.
    if large and request.user.has_perm(large.permission):
        return large.allowance()
    return general_allowance()


def most_bytes_for(request) -> int:
    """The most any user may send to the request's URL."""
    large = _large_bodies(request)
    return max(general_allowance().max_bytes, large.allowance().max_bytes if large else 0)


class BoundedBodies:
    """Refuse a body larger than the request's allowance (413) before anything reads it.

    A body sent without Content-Length (chunked, through gunicorn) is read here up to the allowance
    and handed on with its length, as a proxy would: Django itself would read none of it.
    Comes after AuthenticationMiddleware (the import allowance depends on the user).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.body_allowance = allowance = allowance_for(request)
        length = request.META.get("CONTENT_LENGTH") or ""
        if length and not (length.isascii() and length.isdigit()):
            return refusal(request, _("The Content-Length header is not a number of bytes."), status=400)
        if length and int(length) > allowance.max_bytes:
            return too_large(request, allowance, int(length))
        if isinstance(request, asgi.ASGIRequest):
            return self.read_already(request, allowance)
        if not length and "HTTP_TRANSFER_ENCODING" in request.META:
            return self.read_here(request, allowance)
        return self.get_response(request)

    def read_here(self, request, allowance: Allowance):
        """A body without Content-Length, through WSGI."""
        if not request.META.get("wsgi.input_terminated"):
            # The server does not say where such a body ends (runserver): reading it could read the next request.
            return refusal(request, _("Send the request with a Content-Length header."), status=411)
        body = read_body(request.META["wsgi.input"], allowance.max_bytes)
        if body is None:
            return too_large(request, allowance)
        with body:  # the body is parsed by the time the response is made
            size = body.seek(0, os.SEEK_END)
            body.seek(0)
            request.META["CONTENT_LENGTH"] = str(size)
            request._stream = LimitedStream(body, size)  # what WSGIRequest reads the body from
            return self.get_response(request)

    def read_already(self, request, allowance: Allowance):
        """A body ASGIHandler has read, no further than the most its URL takes from anyone."""
        if request.scope.get(OVER_LIMIT):
            return too_large(request, allowance)
        stream = request._stream  # the body as read, a temporary file
        if stream.seekable():
            size = stream.seek(0, os.SEEK_END)
            stream.seek(0)
            if size > allowance.max_bytes:
                return too_large(request, allowance, size)
            request.META["CONTENT_LENGTH"] = str(size)  # when it was sent without: the parser reads none
        return self.get_response(request)


def read_body(stream, limit: int):
    """The stream read to its end into a temporary file (in memory while small), or None past `limit` bytes.

    One byte over the limit is read, to tell a body over it from one exactly at it; no more.
    """
    body = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (the caller closes it, having read it)
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
        self.file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (handed on in file_complete)
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


class ASGIHandler(asgi.ASGIHandler):
    """Django's ASGI handler, reading a body no further than the most its URL takes from anyone.

    Django's reads every body whole before any middleware runs. This one reads none of a body whose
    Content-Length is over that limit, and stops at the limit when there is none: the body ends there,
    the request is marked (OVER_LIMIT in its scope), and BoundedBodies refuses it before anything reads
    it. So under ASGI, someone who may not import is refused an upload to the Import page only once
    it is read (up to IMPORT_MAX_UPLOAD_BYTES); anywhere else, unread as under WSGI.
    """

    async def handle(self, scope, receive, send):
        request, error = self.create_request(scope, io.BytesIO())  # without its body, for its URL and headers
        if error:  # Django's answer to a request it cannot make (say, a path that is not UTF-8), body unread
            await self.send_response(error, send)
            return await sync_to_async(error.close)()
        limit = most_bytes_for(request)
        length = request.META.get("CONTENT_LENGTH", "")
        if length.isascii() and length.isdigit() and int(length) > limit:
            scope[OVER_LIMIT] = True
        received, cut = 0, False

        async def receive_up_to_the_limit():
            nonlocal received, cut
            if cut:
                # Only a disconnect may come now, and waiting for one would read the rest of the body.
                await asyncio.Future()  # cancelled once the answer is sent
            if scope.get(OVER_LIMIT):  # declared over the limit: none of it is read
                cut = True
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                scope[OVER_LIMIT] = cut = True
                return {**message, "more_body": False}  # the body ends here for Django
            return message

        await super().handle(scope, receive_up_to_the_limit, send)
