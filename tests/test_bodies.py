"""Request bodies: refused by their size before anything reads them; the import's allowance only for importers."""

import asyncio
import http.client
import io
import os
import resource
import socket
import time

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from imports.models import ImportBatch
from tests.test_configuration import free_port, gunicorn

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
IMPORT = reverse("imports:import")
MIB = 1024 * 1024
URLENCODED = "application/x-www-form-urlencoded"


class Unread(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the request body was read")


class Counted(io.RawIOBase):
    """A request body of `content`, counting how much of it is read."""

    def __init__(self, content: bytes):
        self.content, self.read_bytes = io.BytesIO(content), 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.content.read(len(buffer))
        buffer[: len(data)] = data
        self.read_bytes += len(data)
        return len(data)


def files(count: int, size: int = 1, suffix: str = ".txt") -> dict:
    return {"files": [SimpleUploadedFile(f"{i}{suffix}", b"x" * size) for i in range(count)]}


def claiming(client, url: str, length: int, *, content_type: str = MULTIPART_CONTENT, **headers):
    """A POST whose Content-Length claims `length` bytes, with a body that must not be read."""
    # Without `data`, the test client sets neither Content-Type nor Content-Length: they are given here.
    environ = {"wsgi.input": Unread(), "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(length)}
    return client.generic("POST", url, **environ, **headers)


def chunked(client, url: str, body: io.RawIOBase, *, content_type: str, terminated: bool = True):
    """A POST sent without Content-Length (chunked), as gunicorn hands it on: the body ends where the stream does."""
    environ = {"wsgi.input": body, "CONTENT_TYPE": content_type, "HTTP_TRANSFER_ENCODING": "chunked"}
    if terminated:
        environ["wsgi.input_terminated"] = True
    return client.generic("POST", url, **environ)


class TestRefusedByContentLength:
    def test_a_huge_post_to_the_login_page_is_refused_unread(self, client):
        response = claiming(client, LOGIN, 500_000_000)
        assert response.status_code == 413
        assert "The request is 476.8\xa0MB, more than the limit of 1.0\xa0MB." in response.content.decode()

    def test_an_editor_sending_an_upload_to_the_import_page_is_refused_unread(self, client_for, editor):
        response = claiming(client_for(editor), IMPORT, 300_000_000)
        assert response.status_code == 413  # not read, then refused as forbidden
        assert "more than the limit of 1.0\xa0MB." in response.content.decode()

    def test_an_editor_gets_the_general_allowance_on_the_import_page(self, client_for, editor):
        assert claiming(client_for(editor), IMPORT, 2 * MIB).status_code == 413

    def test_an_anonymous_upload_to_the_import_page_is_refused_unread(self, client):
        assert claiming(client, IMPORT, 300_000_000).status_code == 413

    def test_an_admin_over_the_import_limit_is_refused_unread(self, client_for, admin):
        response = claiming(client_for(admin), IMPORT, 300_000_000)
        assert response.status_code == 413
        message = "The request is 286.1\xa0MB, more than the limit of 200.0\xa0MB. Split it into smaller uploads."
        assert message in response.content.decode()

    def test_the_import_allowance_is_only_for_the_import_page(self, client_for, admin):
        response = claiming(client_for(admin), LOGIN, 2 * MIB)
        assert response.status_code == 413

    def test_htmx_gets_the_refusal_in_plain_text(self, client):
        response = claiming(client, LOGIN, 2 * MIB, headers={"HX-Request": "true"})
        assert response.status_code == 413
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == "The request is 2.0\xa0MB, more than the limit of 1.0\xa0MB."

    def test_the_general_limit_comes_from_the_setting(self, client, settings):
        settings.REQUEST_MAX_BODY_BYTES = 100
        response = client.post(LOGIN, {"username": "x" * 200})
        assert response.status_code == 413
        assert "more than the limit of 100\xa0bytes." in response.content.decode()

    @pytest.mark.parametrize("length", ["-1", "1e9", "12 34", "²"])
    def test_a_content_length_that_is_no_number_is_refused(self, client, length):
        response = client.generic("POST", LOGIN, CONTENT_LENGTH=length, headers={"HX-Request": "true"})
        assert (response.status_code, response.content.decode()) == (
            400,
            "The Content-Length header is not a number of bytes.",
        )


class TestWithinTheLimits:
    def test_an_admin_imports_more_than_the_general_limit(self, client_for, admin, settings):
        settings.IMPORT_MAX_UPLOAD_BYTES = 3 * MIB
        seed = b"date 2025-06 Kim Dzsongun Phenjanban. " + b"Hosszu cikk. " * (2 * MIB // 13)
        response = client_for(admin).post(IMPORT, {"files": [SimpleUploadedFile("long.txt", seed)]})
        assert response.status_code == 302
        assert ImportBatch.objects.get().files.get().status == "imported"

    def test_anyone_may_log_in(self, client, editor):
        response = client.post(LOGIN, {"username": "erika", "password": "erika-password"})
        assert response.status_code == 302


class TestManyFiles:
    def test_fifty_thousand_tiny_files_from_anyone_are_refused_unread(self, client):
        body = encode_multipart(BOUNDARY, files(50_000))
        assert len(body) > MIB
        assert claiming(client, LOGIN, len(body)).status_code == 413

    def test_more_files_than_the_general_allowance_are_refused_with_a_message(self, client):
        response = client.post(LOGIN, files(11), headers={"HX-Request": "true"})
        assert (response.status_code, response.content.decode()) == (
            400,
            "Too many files: the limit is 10 in one request.",
        )

    def test_an_importer_gets_the_import_allowance(self, client_for, admin, settings):
        settings.IMPORT_MAX_FILES = 20
        assert client_for(admin).post(IMPORT, files(20, suffix=".jpg")).status_code == 302
        response = client_for(admin).post(IMPORT, files(21, suffix=".jpg"))
        assert response.status_code == 400
        assert "Too many files: the limit is 20 in one request." in response.content.decode()

    def test_many_files_in_a_large_upload_do_not_run_out_of_file_descriptors(self, client_for, admin, settings):
        # Over FILE_UPLOAD_MAX_MEMORY_SIZE in all, Django's own handlers give every file a temporary file.
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
        open_now = len(os.listdir("/proc/self/fd"))
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (open_now + 100, hard))
        try:
            response = client_for(admin).post(IMPORT, files(300, size=100, suffix=".jpg"))
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        assert response.status_code == 302
        assert ImportBatch.objects.get().files.count() == 300

    def test_form_fields_over_their_limit_in_a_large_upload_are_refused_with_a_message(self, client_for, admin):
        response = client_for(admin).post(IMPORT, {"note": "x" * (3 * MIB)}, headers={"HX-Request": "true"})
        assert (response.status_code, response.content.decode()) == (
            413,
            "The form's fields are more than the limit of 2.5\xa0MB.",
        )

    def test_too_many_fields_are_refused_with_a_message(self, client):
        response = client.post(LOGIN, {f"f{i}": "" for i in range(1001)}, headers={"HX-Request": "true"})
        assert (response.status_code, response.content.decode()) == (
            400,
            "Too many fields: the limit is 1,000 in one request.",
        )


class TestWithoutContentLength:
    def test_reading_stops_at_the_limit_and_the_request_is_refused(self, client):
        body = Counted(b"username=" + b"x" * (10 * MIB))
        response = chunked(client, LOGIN, body, content_type=URLENCODED)
        assert response.status_code == 413
        assert "The request is larger than the limit of 1.0\xa0MB." in response.content.decode()
        assert body.read_bytes == MIB + 1

    def test_a_body_within_the_limit_is_read_whole(self, client, editor):
        body = Counted(b"username=erika&password=erika-password")
        response = chunked(client, LOGIN, body, content_type=URLENCODED)
        assert response.status_code == 302  # logged in: the form was read

    def test_an_importer_may_send_an_upload_so(self, client_for, admin):
        seed = b"date 2025-06 Kim Dzsongun Phenjanban."
        body = Counted(encode_multipart(BOUNDARY, {"files": [SimpleUploadedFile("a.txt", seed)]}))
        response = chunked(client_for(admin), IMPORT, body, content_type=MULTIPART_CONTENT)
        assert response.status_code == 302
        assert ImportBatch.objects.get().files.get().status == "imported"

    def test_without_a_server_that_ends_the_body_it_is_refused_unread(self, client):
        # runserver hands on a chunked body's raw bytes, with no end: reading could run into the next request.
        response = chunked(client, LOGIN, Unread(), content_type=URLENCODED, terminated=False)
        assert response.status_code == 411
        assert "Send the request with a Content-Length header." in response.content.decode()


@pytest.fixture(scope="module")
def gunicorn_port(django_db_setup):
    """The app served by gunicorn as README.md's "Deploying" says."""
    port = free_port()
    production = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0"}
    with gunicorn(port, **production) as server:
        deadline = time.monotonic() + 60
        while not answers(port):
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
            time.sleep(0.2)
        yield port


class TestThroughGunicorn:
    """As deployed: gunicorn hands the app a chunked body without Content-Length, and would wait for a body forever.

    As htmx asks: the page around a refusal needs collectstatic's manifest, which this checkout has not made.
    """

    def test_a_declared_huge_upload_is_answered_without_sending_it(self, gunicorn_port):
        with socket.create_connection(("127.0.0.1", gunicorn_port), timeout=10) as connection:
            connection.sendall(
                b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHX-Request: true\r\n"
                b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 500000000\r\n\r\n"
            )
            status, message = response(connection)
        assert (status, message) == (413, "The request is 476.8\xa0MB, more than the limit of 1.0\xa0MB.")

    def test_a_chunked_body_is_read_only_up_to_the_limit(self, gunicorn_port):
        with socket.create_connection(("127.0.0.1", gunicorn_port), timeout=10) as connection:
            connection.sendall(
                b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHX-Request: true\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"x" * 65536
            for _ in range(MIB // len(chunk) + 1):
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            status, message = response(connection)
        assert (status, message) == (413, "The request is larger than the limit of 1.0\xa0MB.")


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except ConnectionRefusedError:
        return False


def response(connection: socket.socket) -> tuple[int, str]:
    answer = http.client.HTTPResponse(connection)
    answer.begin()
    return answer.status, answer.read().decode()


class TestThroughASGI:
    """Django's ASGI handler reads every body whole before any middleware: newsroom.asgi's does not."""

    def test_a_declared_huge_upload_is_refused_unread(self):
        status, message, taken = asgi_post(LOGIN, [b"x" * 1000], content_length=500_000_000)
        assert (status, message, taken) == (413, "The request is 476.8\xa0MB, more than the limit of 1.0\xa0MB.", 0)

    def test_the_import_page_takes_no_more_than_its_allowance_from_anyone(self, settings):
        settings.IMPORT_MAX_UPLOAD_BYTES = 2 * MIB
        status, message, taken = asgi_post(IMPORT, [b"x" * 1000], content_length=3 * MIB)
        # An anonymous visitor's allowance is the general one; what counts is that nothing was read.
        assert (status, message, taken) == (413, "The request is 3.0\xa0MB, more than the limit of 1.0\xa0MB.", 0)

    def test_reading_a_body_without_length_stops_at_the_limit(self):
        chunks = [b"username=" + b"x" * 65527] + [b"x" * 65536] * 47  # 3 MiB
        status, message, taken = asgi_post(LOGIN, chunks)
        assert (status, message) == (413, "The request is larger than the limit of 1.0\xa0MB.")
        assert taken == MIB + 65536  # the message that went over, and no more

    @pytest.mark.django_db(transaction=True)  # the request's database work happens in another thread
    def test_a_body_without_length_within_the_limit_is_read(self):
        form = [b"csrfmiddlewaretoken=%s&" % CSRF_TOKEN, b"username=nobody&", b"password=wrong"]
        status, message, _ = asgi_post(LOGIN, form)
        assert status == 200  # the form was read: its token passed and the login was tried
        assert "Your username and password didn't match." in message


CSRF_TOKEN = b"a" * 32  # a CSRF secret, sent as the cookie and in the form


def asgi_post(path: str, chunks: list[bytes], *, content_length: int | None = None) -> tuple[int, str, int]:
    """POST `chunks` through newsroom.asgi, as htmx: the status, the answer, and how many bytes the app received."""
    from newsroom.asgi import application

    headers = [
        (b"host", b"testserver"),
        (b"hx-request", b"true"),
        (b"content-type", URLENCODED.encode()),
        (b"cookie", b"csrftoken=%s" % CSRF_TOKEN),
    ]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "query_string": b"",
        "headers": headers,
    }
    messages = [{"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    taken, sent = 0, []

    async def receive():
        nonlocal taken
        if not messages:
            await asyncio.Event().wait()  # the client stays until the answer has come
        message = messages.pop(0)
        taken += len(message["body"])
        return message

    async def send(message):
        sent.append(message)

    async_to_sync(application)(scope, receive, send)
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return sent[0]["status"], body.decode(), taken
