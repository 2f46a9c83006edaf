"""``mathvid studio``: the web server, its API, and what it refuses.

::

    GET  /                         the page
    GET  /api/scenes               the lesson: ids, titles, parameters, steps and times
    GET  /api/frame?scene=ID&t=S   the PNG of that moment (what ``mathvid preview`` draws)
    GET  /api/clip?scene=ID        the scene's clip when current; else 202 and it renders
    GET  /api/events               server-sent events: what changed, clip progress
    POST /api/params               {"scene": ID, "params": {name: value}}: written to
                                   the lesson file, or the one-line error

It listens on 127.0.0.1 only; it answers only requests addressed to that name (or
``localhost``) and its port, so a web page elsewhere cannot reach it through a DNS
name it points at 127.0.0.1; a POST must carry the token the page was served with
and come from the page's own origin; files are served from the studio's own folder
only (Starlette's ``StaticFiles``).
"""

from __future__ import annotations

import asyncio
import errno
import hmac
import json
import secrets
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
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
from starlette.types import ASGIApp, Receive, Scope, Send

from mathvid.export import page
from mathvid.media import write_text
from mathvid.studio.edits import EditError, with_params
from mathvid.studio.state import Clips, Studio, StudioError

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"
PORT = 8765
TOKEN_HEADER = "x-studio-token"


def app(studio: Studio, port: int, token: str) -> Starlette:
    """The studio's web application for ``studio``, served on ``port``."""
    clips = Clips(studio)

    # The page is the same for the whole run: drawn once, as the lecture's pages are.
    html = page(
        "mathvid studio",
        {"token": token, "lesson": studio.lesson_path.name},
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

    async def events(request: Request) -> StreamingResponse:
        return StreamingResponse(_stream(studio), media_type="text/event-stream")

    async def params(request: Request) -> JSONResponse:
        try:
            body = await request.json()
            scene_id, values = body["scene"], body["params"]
            assert isinstance(scene_id, str) and isinstance(values, dict)
        except (ValueError, KeyError, TypeError, AssertionError):
            raise StudioError('expected {"scene": ID, "params": {name: value}}') from None
        typed = await studio.typed(scene_id, values)
        text = studio.lesson_path.read_text(encoding="utf-8")
        edited = with_params(text, scene_id, typed)
        await studio.check(edited)
        write_text(studio.lesson_path, edited)
        await studio.reload()
        return JSONResponse({"scene": studio.scene(scene_id)})

    routes = [
        Route("/", home),
        Route("/api/scenes", scenes),
        Route("/api/frame", frame),
        Route("/api/clip", clip),
        Route("/api/events", events),
        Route("/api/params", params, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    handlers = {StudioError: _refused, EditError: _refused}
    web = Starlette(routes=routes, exception_handlers=handlers)
    return Guard(web, port, token)  # type: ignore[return-value]


class Guard:
    """Refuses what the studio must not answer, before any route sees it: a Host
    other than the loopback name and port it serves (DNS rebinding), a request that
    changes something without the page's token or from another origin."""

    def __init__(self, app: ASGIApp, port: int, token: str) -> None:
        self.app, self.token = app, token
        self.hosts = {f"{HOST}:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal:
                response = JSONResponse({"error": refusal[1]}, status_code=refusal[0])
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host") not in self.hosts:
            return 421, "this server answers only to its loopback address"
        if scope["method"] in ("GET", "HEAD"):
            return None
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            return 403, "a request from another site"
        if not hmac.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
            return 403, "a change needs the token of the studio's page"
        return None


async def _refused(request: Request, err: Exception) -> JSONResponse:
    message = str(err)
    status = 404 if message.startswith("no scene") else 422
    return JSONResponse({"error": message}, status_code=status)


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
            error = str(err)
        out.append({**scene, **_timeline(manifest), "error": error})
    lesson = {k: v for k, v in studio.lesson.items() if k != "scenes"}
    return {**lesson, "scenes": out, "lesson_error": studio.lesson_error}


def _later(coroutine: Any) -> None:
    """Ask now, answer later: the manifest arrives as an event."""
    TASKS.add(task := asyncio.ensure_future(coroutine))
    task.add_done_callback(TASKS.discard)


TASKS: set[asyncio.Future] = set()
"""Requests sent for the page's sake, kept until done (asyncio keeps weak references)."""


def _timeline(manifest: dict | None) -> dict[str, Any]:
    if manifest is None:
        return {"steps": None, "duration": None}
    steps, duration = manifest["steps"], manifest["duration"]
    ends = [s["start"] for s in steps[1:]] + [duration]
    timeline = [
        {"name": s["name"], "caption": s["caption"], "start": s["start"], "end": end}
        for s, end in zip(steps, ends, strict=True)
    ]
    return {"steps": timeline, "duration": duration}


async def _stream(studio: Studio) -> AsyncIterator[str]:
    yield ": the studio's events\n\n"
    async for event in studio.events():
        yield f"data: {json.dumps(event)}\n\n"


def free_socket(port: int = PORT, tries: int = 50) -> socket.socket:
    """A socket bound to 127.0.0.1 at ``port``, or the next free port after it."""
    for candidate in range(port, port + tries):
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
    raise OSError(f"no free port from {port} to {port + tries - 1}")


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
