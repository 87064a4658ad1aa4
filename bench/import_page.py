#!/usr/bin/env python
"""A 10,000-file zip imported through the import page, timed from upload to the last file.

    .venv/bin/python bench/import_page.py [--files 10000]

Zips a corpus from ../shared/bench/make_corpus.py, serves the app with gunicorn and runs one
`db_worker` as README.md describes, uploads the zip as an admin (one multipart POST), then
polls the batch until it is done. Prints the upload time, the total, and the progress seen
along the way (files done at each half second), which is what the page's progress bar shows.
"""

import argparse
import http.client
import io
import re
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import served
from django.contrib.auth.models import Group
from django.utils.crypto import get_random_string

from imports.models import ImportBatch

MAKE_CORPUS = served.ROOT.parent / "shared" / "bench" / "make_corpus.py"


def zipped_corpus(count: int) -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, str(MAKE_CORPUS), directory, str(count)], check=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(directory).iterdir()):
                archive.write(path, f"corpus/{path.name}")
        return buffer.getvalue()


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()

    archive = zipped_corpus(args.files)
    with served.scratch_database() as db:
        admin = served.editor()
        admin.groups.set([Group.objects.get(name="Admins")])
        cookie, csrf = served.session_cookie(admin), get_random_string(32)
        with served.gunicorn(db) as base, served.worker(db):
            host = urlsplit(base)
            body, content_type = multipart("files", "corpus.zip", archive)
            started = time.perf_counter()
            connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
            connection.request(
                "POST",
                "/import/",
                body=body,
                headers={"Cookie": f"sessionid={cookie}; csrftoken={csrf}", "X-CSRFToken": csrf,
                         "Content-Type": content_type, "Referer": base},
            )  # fmt: skip
            response = connection.getresponse()
            response.read()
            uploaded = time.perf_counter() - started
            assert response.status == 302, response.status
            batch_id = int(re.search(r"/import/(\d+)/", response.getheader("Location"))[1])

            timeline = []
            while True:
                batch = ImportBatch.objects.get(pk=batch_id)
                progress = batch.progress()
                timeline.append((time.perf_counter() - started, progress["done"]))
                if batch.is_over:
                    break
                time.sleep(0.5)
            total = time.perf_counter() - started

    outcome = f"{progress['imported']:,} imported, {progress['duplicate']} duplicates, {progress['error']} errors"
    print(f"zip: {args.files:,} files, {len(archive) / 1024 / 1024:.1f} MB; status {batch.status}, {outcome}")
    print(f"upload answered in {uploaded:.2f} s; all files done {total:.2f} s after the upload began")
    print("progress: " + ", ".join(f"{t:.1f}s {d:,}" for t, d in timeline))


if __name__ == "__main__":
    main()
