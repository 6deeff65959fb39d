"""Every error is JSON: {"error": <code>, "detail": <plain words>}, and bad input is 4xx."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

import structlog

log = structlog.get_logger("signpost.api")

STATUS_CODES = {
    400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "body_too_large", 414: "query_too_long",
    412: "precondition_failed", 415: "unsupported_media_type", 422: "invalid_request", 428: "precondition_required",
    429: "too_many_requests",
}


class ErrorBody(BaseModel):
    """Every error answer, from a route, the framework or the request-size middleware."""

    model_config = ConfigDict(extra="forbid")
    error: str
    detail: str
    fields: list[str] | None = None


def responses(*status_codes: int) -> dict[int | str, dict]:
    """OpenAPI declarations for the errors an operation can answer with."""
    return {code: {"model": ErrorBody, "description": STATUS_CODES[code].replace("_", " ").capitalize()}
            for code in status_codes}


# Any request can be refused before it reaches a route: too big (413), too long a query
# string (414), a NUL byte (400), or parameters that do not validate (422).
COMMON_RESPONSES = responses(400, 413, 414, 422)


class ApiError(Exception):
    retry_after: int | None = None

    def __init__(self, status_code: int, error: str, detail: str):
        self.status_code, self.error, self.detail = status_code, error, detail


def error_response(status_code: int, error: str, detail: str, **extra) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"error": error, "detail": detail, **extra})


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path"))
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown field: {where}"
    return f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid")


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        response = error_response(exc.status_code, exc.error, exc.detail)
        if exc.retry_after is not None:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_describe(error) for error in exc.errors()]
        # Never echo the rejected input back: it may be a postcode or free text.
        return error_response(422, "invalid_request", "; ".join(problems[:5]), fields=problems[:20])

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = STATUS_CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, detail)

    @app.exception_handler(DataError)
    async def _data_error(_request: Request, _exc: DataError) -> JSONResponse:
        # The database refused a value (e.g. a NUL byte or an out-of-range number).
        return error_response(422, "invalid_request", "A value in the request cannot be stored or searched.")

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled_error", error_type=type(exc).__name__)
        return error_response(500, "internal_error", "Something went wrong on our side.")
