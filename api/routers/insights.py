"""Commissioner insights (docs/insights.md): the page, and CSV/JSON exports.

For the viewer role (docs/accounts.md), three ways in:
- a signed-in viewer's staff session (a password, or the organisation's OpenID sign-in):
  GET /insights shows the figures; the page's forms carry the session's CSRF token;
- an API token with that role (outside production, also the development key), typed into
  the page: a link cannot carry a header, and a token must never sit in an address, a
  cookie or a log, so the token travels in the POST form body and comes back only in the
  page's own forms, on a page marked no-store;
- scripts use GET /insights/export.csv or .json with `Authorization: Bearer <token>`.
Bad tokens count towards the same lock-out as everywhere else.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from directory.models import InsightArea, InsightOutcome

from starlette.concurrency import run_in_threadpool

from api.auth import Principal, credential_principal, csrf_matches, session_principal
from api.deps import SettingsDep
from api.errors import ApiError, responses
from api.insights import charts, publish
from api.pages import PAGE_HEADERS, TEMPLATES, page_context
from api.routers.accounts_page import organisation_name
from api.settings import Settings

router = APIRouter(prefix="/insights", tags=["Commissioner insights"])
MAX_FORM_BYTES = 4096
CSV_RESPONSE = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "One row per cell"},
                **responses(401, 403, 429)}
JSON_RESPONSE = {200: {"content": {"application/json": {"schema": {"type": "object"}}},
                       "description": "The method, the weeks and area chosen, and one entry per cell"},
                 **responses(401, 403, 429)}


class InsightQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_week: dt.date | None = Field(None, alias="from")
    last_week: dt.date | None = Field(None, alias="to")
    area: InsightArea | None = None


class InsightForm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str | None = Field(None, max_length=512)
    csrf: str | None = Field(None, max_length=256)
    first_week: dt.date | None = None
    last_week: dt.date | None = None
    area: InsightArea | None = None
    format: Literal["page", "csv", "json"] = "page"


def viewer_from_key(request: Request, offered: str) -> Principal:
    """The viewer an API token names (outside production, also the development key); 401 or 429 otherwise."""
    principal = credential_principal(request, offered)
    if not principal.can("insights"):
        raise ApiError(403, "forbidden", "Your role does not allow reading the insights.")
    return principal


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _summary(request: Request, first: dt.date | None, last: dt.date | None, area: InsightArea | None):
    chosen = publish.selection(_today(), first, last, area)
    with request.app.state.sessionmaker.begin() as session:
        return publish.summarise(session, chosen)


def _download(summary: publish.Summary, kind: Literal["csv", "json"]) -> Response:
    chosen = summary.selection
    name = f"signpost-insights-{chosen.first_week}-to-{chosen.last_week}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if kind == "csv":
        return Response(publish.as_csv(summary), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse(publish.as_json(summary), headers=headers)


def _render(request: Request, template: str, status_code: int = 200, **values) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, page_context(**values), status_code=status_code,
                                      headers=PAGE_HEADERS)


def _week_choices() -> list[dt.date]:
    newest = publish.last_published_week(_today())
    return [newest - dt.timedelta(weeks=i) for i in range(publish.MAX_WEEKS)]


def _bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _sign_in_page(request: Request, status_code: int = 200, error: str | None = None) -> HTMLResponse:
    return _render(request, "insights_sign_in.html", status_code=status_code, error=error,
                   organisation_name=organisation_name(request))


def _signed_in_viewer(request: Request) -> Principal | None:
    principal = session_principal(request)
    return principal if principal is not None and principal.can("insights") else None


def _figures_page(request: Request, form: InsightForm, viewer: Principal | None) -> Response:
    summary = _summary(request, form.first_week, form.last_week, form.area)
    if form.format != "page":
        return _download(summary, form.format)
    outcomes = list(InsightOutcome)
    series = {outcome: summary.weekly(outcome) for outcome in outcomes}
    return _render(
        request, "insights.html", key=None if viewer else form.key, csrf=viewer.csrf if viewer else None,
        email=viewer.email if viewer else None, summary=summary, outcomes=outcomes,
        areas=list(InsightArea), weeks=_week_choices(),
        charts=[(outcome, charts.bar_chart(series[outcome])) for outcome in outcomes],
        weekly=[(week, {o: series[o][i][1] for o in outcomes}) for i, week in enumerate(summary.selection.weeks)],
    )


@router.get("", response_class=HTMLResponse, include_in_schema=False)
async def sign_in(request: Request) -> Response:
    viewer = await run_in_threadpool(_signed_in_viewer, request)
    if viewer is None:
        return _sign_in_page(request)
    return _figures_page(request, InsightForm(), viewer)


@router.post("", response_class=HTMLResponse, include_in_schema=False)
async def insights_page(request: Request, settings: SettingsDep) -> Response:
    body = await request.body()
    fields = {name: values[0] for name, values in parse_qs(body.decode("utf-8", "replace")[:MAX_FORM_BYTES]).items()
              if values and values[0] != ""}
    try:
        form = InsightForm.model_validate(fields)
    except ValidationError:
        return _sign_in_page(request, 400, "insights.errors.form")
    if form.key is None and form.csrf is None:
        return _sign_in_page(request, 400, "insights.errors.form")
    if form.key is None:
        # The page's own forms for a signed-in viewer: the session, and its CSRF token.
        viewer = await run_in_threadpool(_signed_in_viewer, request)
        if viewer is None or not csrf_matches(viewer, form.csrf):
            return _sign_in_page(request, 403 if viewer else 401, "insights.errors.session")
        return _figures_page(request, form, viewer)
    try:
        await run_in_threadpool(viewer_from_key, request, form.key)
    except ApiError as refused:
        response = _sign_in_page(request, refused.status_code, "insights.errors.key")
        if refused.retry_after is not None:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    return _figures_page(request, form, None)


def _export(request: Request, settings: Settings, authorization: str | None, query: InsightQuery,
            kind: Literal["csv", "json"]) -> Response:
    offered = _bearer(authorization)
    if not offered:
        raise ApiError(401, "unauthorised", "Send a viewer's API token as `Authorization: Bearer <token>`.")
    viewer_from_key(request, offered)
    return _download(_summary(request, query.first_week, query.last_week, query.area), kind)


@router.get("/export.csv", summary="The published weekly cells as CSV (small numbers suppressed)",
            response_class=Response, responses=CSV_RESPONSE)
def export_csv(request: Request, settings: SettingsDep, query: Annotated[InsightQuery, Query()],
               authorization: Annotated[str | None, Header(max_length=600)] = None) -> Response:
    return _export(request, settings, authorization, query, "csv")


@router.get("/export.json", summary="The published weekly cells as JSON (small numbers suppressed)",
            response_class=Response, responses=JSON_RESPONSE)
def export_json(request: Request, settings: SettingsDep, query: Annotated[InsightQuery, Query()],
                authorization: Annotated[str | None, Header(max_length=600)] = None) -> Response:
    return _export(request, settings, authorization, query, "json")
