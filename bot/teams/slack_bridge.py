"""Slack over HTTP inside the Teams server: Slack's WSGI app (:mod:`bot.slack.wsgi`) behind
routes of the aiohttp app, so one process on one ``$PORT`` serves ``POST /api/messages``
(Teams) and ``POST /slack/events`` (Slack), as a PaaS with one port wants.

Each Slack request runs the WSGI app in a thread pool (Bolt acknowledges within Slack's 3 s
and runs its lazy listeners in its own threads, as under gunicorn's threads); the Teams
event loop is never blocked by it.
"""
from __future__ import annotations

import asyncio
import io
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable

from aiohttp import web
from multidict import CIMultiDict

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]
HOP_BY_HOP = frozenset({"connection", "content-length", "transfer-encoding", "keep-alive"})
SLACK_PATHS = (("POST", "/slack/events"), ("GET", "/readyz"), ("GET", "/metrics"))


def environ_for(request: web.Request, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an aiohttp request."""
    host, _, port = (request.host or "localhost").partition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method, "SCRIPT_NAME": "", "PATH_INFO": request.path,
        "QUERY_STRING": request.query_string, "CONTENT_TYPE": request.headers.get("Content-Type", ""),
        "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": host, "SERVER_PORT": port or "80",
        "SERVER_PROTOCOL": f"HTTP/{request.version.major}.{request.version.minor}",
        "wsgi.version": (1, 0), "wsgi.url_scheme": request.scheme, "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
        "REMOTE_ADDR": request.remote or "",
    }
    for name, value in request.headers.items():
        key = "HTTP_" + name.upper().replace("-", "_")
        if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def call_wsgi(wsgi_app: WSGIApp, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run the WSGI app once: (status code, headers, body)."""
    started: dict[str, Any] = {}
    chunks: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
        started["status"], started["headers"] = status, headers
        return chunks.append

    result = wsgi_app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    headers = [(k, v) for k, v in started.get("headers", []) if k.lower() not in HOP_BY_HOP]
    return int(str(started.get("status", "500")).split()[0]), headers, b"".join(chunks)


def mount(app: web.Application, wsgi_app: WSGIApp, *, threads: int = 8) -> ThreadPoolExecutor:
    """Route Slack's paths of ``app`` to ``wsgi_app``; returns the pool (shut it down at exit)."""
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="slack-http")

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        environ = environ_for(request, body)
        status, headers, data = await asyncio.get_running_loop().run_in_executor(pool, call_wsgi, wsgi_app, environ)
        return web.Response(status=status, body=data, headers=CIMultiDict(headers))

    for method, path in SLACK_PATHS:
        app.router.add_route(method, path, handle)
    return pool
