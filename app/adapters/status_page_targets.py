"""Where a status page is published: a folder (a web server's root, a file share) or an HTTP
PUT / WebDAV address. Every file is written whole or not at all: in a folder, through a
temporary file moved into place; over HTTP, one PUT per file (index.html last, so a page never
links to files that are not there yet)."""

from __future__ import annotations

import base64
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from app.domain.errors import CalmdeskError

TIMEOUT_SECONDS = 15


class PublishFailed(CalmdeskError):
    """The page could not be written to its target; nothing in the database is lost."""


def is_http(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def publish_files(target: str, files: Sequence[tuple[str, bytes]]) -> None:
    """Write each (relative path, bytes) to the target, in the order given."""
    if not target.strip():
        raise PublishFailed("No status page target is set: choose a folder or an address.")
    if is_http(target):
        _put_all(target, files)
    else:
        _write_folder(Path(target).expanduser(), files)


def _write_folder(folder: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """The folder itself may be new, but not the one it is in: a mistyped path or a file share
    that is not mounted is refused, not made, so nobody believes a page is live that no web
    server serves."""
    if not folder.is_dir():
        if folder.exists():
            raise PublishFailed(f"{folder} is a file, not a folder: choose a folder.")
        if not folder.parent.is_dir():
            raise PublishFailed(
                f"There is no folder {folder.parent}, so {folder.name} cannot be made in it. "
                "Check the path (is the share mounted?)."
            )
        try:
            folder.mkdir()
        except OSError as exc:
            raise PublishFailed(
                f"Could not make the folder {folder}: {exc.strerror or exc}."
            ) from exc
    for relative, data in files:
        path = folder / relative
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.read_bytes() == data:
                continue  # unchanged: leave the file (and its time) alone
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary, 0o644)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise PublishFailed(
                f"Could not write {path}: {exc.strerror or exc}. Check the folder exists and "
                "this computer may write to it."
            ) from exc


def _split_credentials(target: str) -> tuple[str, str | None]:
    """The address without user:password@, and a Basic authorization header for them."""
    parts = urlsplit(target)
    if parts.username is None:
        return target, None
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return bare, "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")


def _request(url: str, method: str, auth: str | None, data: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=data, method=method)
    if auth is not None:
        request.add_header("Authorization", auth)
    if data is not None:
        request.add_header("Content-Type", _content_type(url))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _put_all(target: str, files: Sequence[tuple[str, bytes]]) -> None:
    base, auth = _split_credentials(target)
    base = base.rstrip("/") + "/"
    made: set[str] = set()
    for relative, data in files:
        url = base + relative
        try:
            # WebDAV wants each folder made first (MKCOL); a plain PUT server answers 405 or
            # similar, which is fine: it takes the file's path as it is.
            folders = relative.split("/")[:-1]
            for depth in range(1, len(folders) + 1):
                folder = "/".join(folders[:depth]) + "/"
                if folder not in made:
                    status = _request(base + folder, "MKCOL", auth)
                    if status >= 500 and status != 501:
                        raise PublishFailed(
                            f"{base + folder} answered {status}: the server is not taking "
                            "files now. The page will be sent again."
                        )
                    made.add(folder)
            status = _request(url, "PUT", auth, data)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PublishFailed(
                f"Could not reach {base}: {reason}. The page will be sent again."
            ) from exc
        if status not in (200, 201, 204):
            raise PublishFailed(
                f"{url} answered {status} to the upload. Check the address and that it accepts PUT."
            )


def _content_type(url: str) -> str:
    if url.endswith(".html"):
        return "text/html; charset=utf-8"
    if url.endswith(".json"):
        return "application/json"
    if url.endswith(".atom"):
        return "application/atom+xml"
    return "application/octet-stream"
