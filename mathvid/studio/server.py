"""``mathvid studio``: the web server, its API, and what it refuses.

::

    GET  /                         the page
    GET  /api/scenes               the lesson: ids, titles, parameters, steps and times
    GET  /api/frame?scene=ID&t=S   the PNG of that moment (what ``mathvid preview`` draws)
    GET  /api/clip?scene=ID        the scene's clip when current; else 202 and it renders
    GET  /api/draft?scene=ID&t=S   the scene played from S on, drawn ahead of the playing
                                   by the warm worker: pictures, each a 32-byte header
                                   (its moment in seconds, then its length, in ASCII,
                                   16 characters each) and a JPEG, as they are drawn
    GET  /api/events               server-sent events: what changed, clip progress
    POST /api/params               {"scene": ID, "params": {name: value}, "version": V}:
                                   written to the lesson file if it is still at version
                                   V (as /api/scenes gave it), or the one-line error

It listens on 127.0.0.1 only; it answers only requests addressed to that name (or
``localhost``) and its port, the whole ``Host`` header checked (Starlette's
``TrustedHostMiddleware``, then the port), so a web page elsewhere cannot reach it
through a DNS name it points at 127.0.0.1; a POST must carry the token the page was
served with and come from the page's own origin; files are served from the studio's
own folder only (Starlette's ``StaticFiles``).

It is strict about what it reads: a body of at most BODY_BYTES (413 before reading
more), JSON nested at most JSON_DEPTH deep (400), every request of the worker under a
time limit (503, and a new worker), edits one at a time and each against the version
it was based on (409 if the file changed since), errors in one line that name files
but not the folders they are in.
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import json
import re
import secrets
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lesson.manifest import Manifest
from mathvid.media import CLIP_FRAME_RATE
from mathvid.publish.export import page
from mathvid.studio.clips import Clips
from mathvid.studio.edits import EditError
from mathvid.studio.errors import StudioError, public
from mathvid.studio.state import Studio

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
PORT = 8765
TOKEN_HEADER = "x-studio-token"
NAMES = ("127.0.0.1", "localhost")
"""The names the studio answers to."""
BODY_BYTES = 64 * 1024
"""The largest request body read (a parameter edit is a few hundred bytes)."""
JSON_DEPTH = 16
"""The deepest nesting of a request's JSON (an edit's is 3, or 4 with a list)."""
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
"""A JSON string (its brackets are not nesting)."""


class BadRequest(StudioError):
    """A request the studio does not read: one line saying what it expects."""

    status = 400


def app(studio: Studio, port: int, token: str) -> Starlette:
    """The studio's web application for ``studio``, served on ``port``."""
    clips = Clips(studio)

    # The page is the same for the whole run: drawn once, as the lecture's pages are.
    html = page(
        "mathvid studio",
        {"token": token, "lesson": studio.lesson_path.name, "fps": CLIP_FRAME_RATE},
        HERE / "page.html",
    )

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(html)

    async def scenes(request: Request) -> JSONResponse:
        wait = request.query_params.get("wait", "1") != "0"
        return JSONResponse(await _scenes(studio, wait))

    async def frame(request: Request) -> Response:
        scene_id, t = request.query_params.get("scene", ""), _seconds(request)
        png = await studio.frame(scene_id, t)
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    async def clip(request: Request) -> Response:
        scene_id = request.query_params.get("scene", "")
        studio.scene(scene_id)  # a scene of the lesson, or 404
        path = clips.current(scene_id)
        if path is not None:
            return FileResponse(path, media_type="video/mp4")
        clips.start(scene_id)
        return JSONResponse({"rendering": True}, status_code=202)

    async def draft(request: Request) -> StreamingResponse:
        scene_id, t = request.query_params.get("scene", ""), _seconds(request)
        pictures = studio.draft(scene_id, t)
        first = await anext(pictures)  # a moment past the end: refused, in one line
        return StreamingResponse(
            _pictures(first, pictures),
            media_type="application/octet-stream",
            headers={"Cache-Control": "no-store"},
        )

    async def events(request: Request) -> StreamingResponse:
        return StreamingResponse(_stream(studio), media_type="text/event-stream")

    async def params(request: Request) -> JSONResponse:
        scene_id, values, version = _edit(await request.body())
        scene = await studio.edit(scene_id, values, version)
        return JSONResponse({"scene": scene, "version": studio.lesson.get("version")})

    routes = [
        Route("/", home),
        Route("/api/scenes", scenes),
        Route("/api/frame", frame),
        Route("/api/clip", clip),
        Route("/api/draft", draft),
        Route("/api/events", events),
        Route("/api/params", params, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    handlers = {StudioError: _refused, EditError: _refused, HTTPException: _refused}
    middleware = [
        # DNS rebinding: a name of an attacker's pointing at 127.0.0.1 is refused.
        Middleware(TrustedHostMiddleware, allowed_hosts=NAMES, www_redirect=False),
        Middleware(Guard, port=port, token=token),
        Middleware(BodyLimit, limit=BODY_BYTES),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)


class Guard:
    """Refuses what the studio must not answer, before any route sees it: a Host
    header that is not exactly one of its names and its port (the names are checked
    before, by ``TrustedHostMiddleware``), a request that changes something without
    the page's token or from another origin."""

    def __init__(self, app: ASGIApp, port: int, token: str) -> None:
        self.app, self.token = app, token
        self.hosts = {f"{name}:{port}" for name in NAMES}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal:
                await _answer(refusal, scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = Headers(scope=scope)
        hosts = headers.getlist("host")
        if len(hosts) != 1 or hosts[0] not in self.hosts:
            return 400, "this server answers only to its loopback address and port"
        if scope["method"] in ("GET", "HEAD"):
            return None
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            return 403, "a request from another site"
        if not hmac.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
            return 403, "a change needs the token of the studio's page"
        return None


class BodyLimit:
    """Refuses a request body longer than ``limit`` bytes with 413: by its declared
    length before reading any of it, or while reading one sent in chunks."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).getlist("content-length")
        refusal = None
        if declared and not (len(declared) == 1 and declared[0].isdigit()):
            refusal = 400, "Content-Length: expected one number of bytes"
        elif declared and int(declared[0]) > self.limit:
            refusal = 413, self.too_long
        if refusal:
            await _answer(refusal, scope, receive, send)
            return
        read = 0

        async def limited() -> Message:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > self.limit:  # a route reads no further: the 413 is answered
                raise HTTPException(413, self.too_long)
            return message

        await self.app(scope, limited, send)

    @property
    def too_long(self) -> str:
        return f"a request body is at most {self.limit // 1024} KB"


async def _answer(
    refusal: tuple[int, str], scope: Scope, receive: Receive, send: Send
) -> None:
    response = JSONResponse({"error": refusal[1]}, status_code=refusal[0])
    await response(scope, receive, send)


async def _refused(request: Request, err: Exception) -> JSONResponse:
    """A refusal in one line, naming no folder of this computer."""
    if isinstance(err, HTTPException):
        status, message = err.status_code, str(err.detail)
    else:
        status, message = getattr(err, "status", 422), str(err)
    return JSONResponse({"error": public(message)}, status_code=status)


def _edit(body: bytes) -> tuple[str, dict, str]:
    """The scene, values and version of an edit's body; BadRequest in one line."""
    expected = 'expected {"scene": ID, "params": {name: value}, "version": V}'
    data = _json(body)
    if not isinstance(data, dict):
        raise BadRequest(expected)
    scene_id, values, version = (data.get(k) for k in ("scene", "params", "version"))
    if not (
        isinstance(scene_id, str) and isinstance(values, dict) and isinstance(version, str)
    ):
        raise BadRequest(expected)
    return scene_id, values, version


def _json(body: bytes) -> Any:
    """``body`` read as JSON nested at most JSON_DEPTH deep, without NaN or
    infinities; BadRequest in one line otherwise (never a RecursionError)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not UTF-8") from None
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > JSON_DEPTH:
        raise BadRequest(f"the request's JSON is nested more than {JSON_DEPTH} deep")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as err:
        raise BadRequest(f"the request body is not JSON: {str(err)[:100]}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _seconds(request: Request) -> float:
    """The query's ``t`` as a number (:meth:`Studio.frame` says which numbers do)."""
    try:
        return float(request.query_params.get("t", ""))
    except ValueError:
        raise StudioError("t: expected seconds, such as t=3.5") from None


async def _scenes(studio: Studio, wait: bool) -> dict[str, Any]:
    """The lesson as the page and tools see it; steps with their start and end times
    (None for a scene still being run when ``wait`` is false)."""
    out = []
    for scene in studio.lesson.get("scenes", []):
        manifest, error = None, None
        try:
            manifest = studio.known_manifest(scene["id"])
            if manifest is None:
                asked = studio.manifest(scene["id"])  # the worker runs the scene
                manifest = await asked if wait else _later(asked)
        except StudioError as err:
            error = public(str(err))
        out.append({**scene, **_timeline(manifest), "error": error})
    lesson = {k: v for k, v in studio.lesson.items() if k != "scenes"}
    return {**lesson, "scenes": out, "lesson_error": studio.lesson_error}


def _later(coroutine: Any) -> None:
    """Ask now, answer later: the manifest arrives as an event."""
    TASKS.add(task := asyncio.ensure_future(coroutine))
    task.add_done_callback(TASKS.discard)
    # A failure reaches the page as an event: taken here, not logged with a traceback.
    task.add_done_callback(lambda done: done.cancelled() or done.exception())


TASKS: set[asyncio.Future] = set()
"""Requests sent for the page's sake, kept until done (asyncio keeps weak references)."""


def _timeline(manifest: Manifest | None) -> dict[str, Any]:
    if manifest is None:
        return {"steps": None, "duration": None}
    timeline = [
        {"name": s.name, "caption": s.caption, "start": start, "end": end}
        for s, (start, end) in zip(manifest.steps, manifest.spans(), strict=True)
    ]
    return {"steps": timeline, "duration": manifest.duration}


async def _pictures(
    first: tuple[float, bytes], rest: AsyncIterator[tuple[float, bytes]]
) -> AsyncIterator[bytes]:
    """A draft's pictures as the page reads them (see the module's docstring); the
    drawing stops when the page stops reading."""
    picture: tuple[float, bytes] | None = first
    try:
        while picture is not None:
            moment, jpeg = picture
            yield f"{moment:16.6f}{len(jpeg):16d}".encode() + jpeg
            picture = await anext(rest, None)
    finally:
        await rest.aclose()


async def _stream(studio: Studio) -> AsyncIterator[str]:
    yield ": the studio's events\n\n"
    async for event in studio.events():
        yield f"data: {json.dumps(event)}\n\n"


def free_socket(port: int = PORT, tries: int = 50) -> socket.socket:
    """A socket bound to 127.0.0.1 at ``port``, or the next free port after it."""
    last = min(port + tries, 65536) - 1  # ports end at 65535
    for candidate in range(port, last + 1):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, candidate))
        except OSError as err:
            sock.close()
            if err.errno != errno.EADDRINUSE:
                raise
            continue
        sock.listen(128)  # connections wait from now on, even before the server starts
        return sock
    raise OSError(f"no free port from {port} to {last}")


def serve(lesson: Path, media: Path, port: int = PORT, ready: Any = print) -> None:
    """Run the studio until interrupted; ``ready(url)`` once it answers."""
    import uvicorn

    sock = free_socket(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    studio = Studio(lesson, media)

    async def main() -> None:
        try:
            await studio.start()  # a lesson that cannot be read ends it here, in one line
            web = app(studio, port, token)
            server = uvicorn.Server(
                uvicorn.Config(web, log_level="warning", lifespan="off")
            )
            ready(f"http://{HOST}:{port}/")
            await server.serve(sockets=[sock])
        finally:
            await studio.stop()

    asyncio.run(main())
