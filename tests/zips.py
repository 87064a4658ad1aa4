"""Zip archives for tests, honest and crafted."""

import io
import stat
import zipfile


def make_zip(files: dict[str, bytes], *, links: dict[str, str] | None = None) -> bytes:
    """A zip of ``files`` (path: content); ``links`` adds symbolic links (path: target)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix, so the mode below is read
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()
