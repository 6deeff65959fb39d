"""Every route the application serves, as (methods, path), whatever FastAPI's version.

FastAPI 0.120+ keeps an included router as one entry in `app.routes`; older versions copy
its routes in. Tests that must reach every route flatten both shapes here."""
from __future__ import annotations

from collections.abc import Iterator

from starlette.routing import Mount, Route

try:
    from fastapi.routing import _IncludedRouter
except ImportError:  # FastAPI before the included-router entries
    _IncludedRouter = None


def every_route(routes, prefix: str = "") -> Iterator[tuple[set[str], str, object]]:
    for route in routes:
        if _IncludedRouter is not None and isinstance(route, _IncludedRouter):
            yield from every_route(route.original_router.routes, prefix + route.include_context.prefix)
        elif isinstance(route, Mount):
            yield {"GET"}, prefix + route.path, route
        elif isinstance(route, Route):
            yield set(route.methods or {"GET"}), prefix + route.path, route
