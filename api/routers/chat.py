"""The chat gateway (docs/chat-gateway.md): sessions minted here, messages forwarded to the
assistant's channel on loopback, conversations deleted there when they end."""
from __future__ import annotations

import logging
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.chat.fallback import degraded_messages
from api.chat.rasa import AssistantUnavailable
from api.chat.sessions import ChatSession, SessionStoreUnavailable, conversation_key, new_session_id
from api.deps import SettingsDep
from api.insights.gateway import after_end, after_reply, after_start
from api.errors import ApiError, error_response, responses
from directory.seed_schema import CONTROL_CHARACTERS
from vocabulary.areas import PILOT_AREA_IDS

log = logging.getLogger("signpost.gateway")
# 403: the request came from a site not configured to embed the chat (api/middleware.py).
router = APIRouter(prefix="/chat", tags=["Chat gateway"], responses=responses(403))

SessionId = Annotated[str, Path(min_length=43, max_length=43, pattern=r"^[A-Za-z0-9_-]{43}$")]
# C1 controls (terminal escapes such as CSI, NEL) have no place in a typed message; the
# directional and zero-width marks that Arabic, Urdu and Punjabi writers use are kept.
C1_CONTROLS = re.compile(r"[\x80-\x9f]")
PAYLOAD = re.compile(r"^/[a-z_]{1,60}(\{[^<>]{0,200}\})?$")
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
AreaId = Literal[PILOT_AREA_IDS]


class ChatStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    area: AreaId | None = None
    language: str | None = Field(None, pattern=LANGUAGE, max_length=20)
    # Where "not something we can help with" points: the embedding council's own site.
    council_url: str | None = Field(None, pattern=r"^https?://[^\s<>\"']+$", max_length=300)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, min_length=1, max_length=5000)
    payload: str | None = Field(None, max_length=300)

    @model_validator(mode="after")
    def _one_of(self) -> ChatMessage:
        if (self.text is None) == (self.payload is None):
            raise ValueError("send either text or a button payload")
        if self.payload is not None and not PAYLOAD.match(self.payload):
            raise ValueError("payload: not a button payload")
        if self.text is not None and (CONTROL_CHARACTERS.search(self.text) or C1_CONTROLS.search(self.text)
                                       or not self.text.strip()):
            raise ValueError("text: empty, or contains control characters")
        return self


class Button(BaseModel):
    title: str = Field(max_length=200)
    payload: str = Field(max_length=300)


class BotMessage(BaseModel):
    """One of the assistant's messages. The widget shows `text` as text, never as markup."""

    text: str
    buttons: list[Button]
    kind: str | None
    services: list[dict] | None = None


class Started(BaseModel):
    session_id: str = Field(min_length=43, max_length=43)
    expires_in: int
    messages: list[BotMessage]
    degraded: bool = Field(description="true when the assistant could not answer and the helplines stand in")


class Replies(BaseModel):
    messages: list[BotMessage]
    degraded: bool


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}}
MESSAGE_EXAMPLES = {"typed": {"value": {"text": "I think my ex is following me"}},
                    "button": {"value": {"payload": "/disclose_stalking"}}}
TOO_MANY = {429: {**responses(429)[429], "headers": RETRY_AFTER}}


def _locale(session: ChatSession) -> str:
    return (session.language or "en").split("-")[0]


async def _ask(request: Request, session_id: str, session: ChatSession, message: str) -> tuple[list[dict], bool]:
    conversation = conversation_key(session_id, request.app.state.session_secret)
    metadata = {key: value for key, value in (
        ("area", session.area), ("language", session.language), ("council_url", session.council_url)) if value}
    try:
        return await request.app.state.assistant.send(conversation, message, metadata), False
    except AssistantUnavailable:
        return degraded_messages(_locale(session)), True


def _client_allowed(request: Request) -> bool:
    return request.app.state.rate_limits.allow_client(request.client.host if request.client else None)


def _too_many(request: Request) -> JSONResponse:
    seconds = request.app.state.rate_limits.retry_after_seconds
    response = error_response(429, "too_many_requests", "Too many messages. Wait a moment and try again.")
    response.headers["Retry-After"] = str(seconds)
    return response


@router.post("/sessions", status_code=201, summary="Start a conversation", response_model=Started,
             responses=TOO_MANY)
async def start(request: Request, settings: SettingsDep, body: ChatStart | None = None) -> Response:
    if not _client_allowed(request):
        return _too_many(request)
    body = body or ChatStart()
    session_id = new_session_id()
    session = ChatSession(area=body.area, language=body.language, council_url=body.council_url)
    try:
        request.app.state.chat_sessions.create(session_id, session)
    except SessionStoreUnavailable:
        messages, degraded = degraded_messages(_locale(session)), True
    else:
        messages, degraded = await _ask(request, session_id, session, "/greet")
    return JSONResponse(
        status_code=201,
        content={"session_id": session_id, "expires_in": settings.chat_session_ttl_seconds,
                 "messages": messages, "degraded": degraded},
        background=after_start(request, conversation_key(session_id, request.app.state.session_secret), session.area),
    )


@router.post("/sessions/{session_id}/messages", summary="Send a message or a button's payload",
             response_model=Replies, responses={**TOO_MANY, **responses(404)})
async def send(request: Request, session_id: SessionId, body: Annotated[ChatMessage, Body(openapi_examples=MESSAGE_EXAMPLES)],
               settings: SettingsDep) -> Response:
    try:
        session = request.app.state.chat_sessions.touch(session_id)
    except SessionStoreUnavailable:
        # Without the store the session cannot be checked, and the assistant (which keeps
        # conversations in the same Redis) could not carry it on: the helplines, at once.
        log.warning("session_store_unavailable")
        return JSONResponse({"messages": degraded_messages("en"), "degraded": True})
    if session is None:
        raise ApiError(404, "session_not_found", "This conversation has ended or expired. Start a new one.")
    if body.text is not None and len(body.text) > settings.chat_max_message_chars:
        raise ApiError(422, "message_too_long", f"Messages are limited to {settings.chat_max_message_chars} characters.")
    conversation = conversation_key(session_id, request.app.state.session_secret)
    if not request.app.state.rate_limits.allow_session(conversation) or not _client_allowed(request):
        return _too_many(request)
    messages, degraded = await _ask(request, session_id, session, body.text if body.text is not None else body.payload)
    counting = after_reply(request, conversation, session.area, messages, degraded)
    return JSONResponse({"messages": messages, "degraded": degraded}, background=counting)


# The widget's quick exit marks its beacon ?exit=quick, to be counted (docs/insights.md).
QuickExit = Annotated[Literal["quick"] | None, Query(alias="exit")]


async def _end(request: Request, session_id: str, reason: str | None = None) -> Response:
    try:
        request.app.state.chat_sessions.end(session_id)
    except SessionStoreUnavailable:
        log.warning("session_store_unavailable")  # it expires there on its own; Rasa is still asked
    conversation = conversation_key(session_id, request.app.state.session_secret)
    await request.app.state.assistant.end(conversation)
    return Response(status_code=204, background=after_end(request, conversation, reason == "quick"))


@router.delete("/sessions/{session_id}", status_code=204, summary="End a conversation and delete it")
async def end(request: Request, session_id: SessionId, reason: QuickExit = None) -> Response:
    return await _end(request, session_id, reason)


@router.post("/sessions/{session_id}/end", status_code=204, summary="The same, for navigator.sendBeacon")
async def end_by_beacon(request: Request, session_id: SessionId, reason: QuickExit = None) -> Response:
    return await _end(request, session_id, reason)
