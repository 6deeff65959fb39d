"""Settings from environment variables (prefix SIGNPOST_), refusing unsafe production values."""
from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_ADMIN_KEY = "development-only-admin-key-change-me"
DEVELOPMENT_CHANNEL_TOKEN = "development-only-channel-token"
DEVELOPMENT_SESSION_SECRET = "development-only-session-secret"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIGNPOST_", env_file=None, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/signpost.db"
    admin_api_key: SecretStr = SecretStr(DEVELOPMENT_ADMIN_KEY)
    load_seed_on_empty: bool = True
    public_base_url: str = "http://127.0.0.1:8000"

    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_import_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_query_string_bytes: int = Field(default=2048, ge=256)
    import_timeout_seconds: float = Field(default=20.0, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # The chat gateway (docs/chat-gateway.md).
    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa replicas sharing Redis stores: a JSON list; when set, rasa_url is unused.
    rasa_urls: list[Annotated[str, Field(pattern=r"^https?://[^\s/]+(/[^\s]*)?$", max_length=300)]] = Field(
        default=[], max_length=64)
    rasa_rest_seconds: float = Field(default=5.0, ge=0, le=300)
    channel_token: SecretStr = SecretStr(DEVELOPMENT_CHANNEL_TOKEN)
    session_secret: SecretStr = SecretStr(DEVELOPMENT_SESSION_SECRET)
    chat_session_ttl_seconds: int = Field(default=1800, ge=10, le=24 * 3600)
    chat_timeout_seconds: float = Field(default=8.0, gt=0, le=60)
    chat_max_message_chars: int = Field(default=1000, ge=10, le=5000)
    chat_rate_limit_session: str = "30/minute"
    chat_rate_limit_client: str = "120/minute"
    partner_origins: list[str] = []
    redis_url: str | None = None
    council_url: str = "https://www.gov.uk/find-local-council"
    # Commissioner insights (docs/insights.md): how often to look for conversations that expired unanswered.
    insights_sweep_seconds: float = Field(default=60.0, gt=0, le=3600)
    # Accounts (docs/accounts.md): failed sign-ins and bad tokens allowed before 429, as
    # `limits` strings: a short back-off first, then a longer lock-out.
    auth_failures_per_account: str = Field(default="5 per 15 minutes; 10 per hour", max_length=200)
    auth_failures_per_client: str = Field(default="20 per 15 minutes; 60 per day", max_length=200)
    staff_session_hours: int = Field(default=8, ge=1, le=24)
    # Staff sign-in through the organisation's identity provider (OpenID Connect; docs/accounts.md).
    # Off unless the issuer is set. For Microsoft Entra ID the issuer is
    # https://login.microsoftonline.com/<tenant id>/v2.0; its redirect URI is
    # <SIGNPOST_PUBLIC_BASE_URL>/auth/oidc/callback.
    oidc_issuer: str | None = Field(default=None, pattern=r"^https?://[^\s]+$", max_length=255)
    oidc_client_id: str | None = Field(default=None, max_length=255)
    oidc_client_secret: SecretStr | None = None
    # The claim holding the email an administrator invited (Entra ID: "email", or
    # "preferred_username" where mailboxes are not set up).
    oidc_email_claim: str = Field(default="email", pattern=r"^[a-z_]{1,64}$")
    # The name on the sign-in button: "Sign in with <this>".
    oidc_provider_name: str = Field(default="your organisation's account", max_length=80)
    # How many API processes share this database: replicas (containers) times workers each.
    # Several processes must share Redis, or each keeps its own chat sessions, rate limits
    # and sign-in lock-outs. WEB_CONCURRENCY is what uvicorn (and gunicorn) read for --workers.
    api_replicas: int = Field(default=1, ge=1, le=256)
    web_concurrency: int = Field(default=1, ge=1, le=256,
                                 validation_alias=AliasChoices("WEB_CONCURRENCY", "web_concurrency"))

    @model_validator(mode="after")
    def _limits_parse(self) -> Settings:
        from limits import parse_many
        for name in ("auth_failures_per_account", "auth_failures_per_client"):
            try:
                parse_many(getattr(self, name))
            except ValueError as error:
                raise ValueError(f"SIGNPOST_{name.upper()} is not a rate limit such as '5 per 15 minutes'") from error
        return self

    @field_validator("oidc_issuer", "oidc_client_id", "oidc_client_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # compose and the ConfigMap pass an unset optional variable as an empty string.
        return None if value == "" else value

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        if self.oidc_issuer and not (self.oidc_client_id and self.oidc_client_secret):
            raise ValueError("SIGNPOST_OIDC_ISSUER needs SIGNPOST_OIDC_CLIENT_ID and SIGNPOST_OIDC_CLIENT_SECRET too")
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Settings:
        # The shared admin key is never accepted in production (api/auth.py): named accounts
        # and per-integration tokens replace it, so production no longer asks for one.
        if self.environment == "production":
            for name, value, default in (
                ("SIGNPOST_CHANNEL_TOKEN", self.channel_token, DEVELOPMENT_CHANNEL_TOKEN),
                ("SIGNPOST_SESSION_SECRET", self.session_secret, DEVELOPMENT_SESSION_SECRET),
            ):
                secret = value.get_secret_value()
                if secret == default or len(secret) < 32:
                    raise ValueError(f"{name} must be set to a random value of at least 32 characters in production")
            if self.database_url.startswith("sqlite"):
                raise ValueError("SIGNPOST_DATABASE_URL must point at PostgreSQL in production")
            if self.oidc_issuer and not self.oidc_issuer.startswith("https://"):
                raise ValueError("SIGNPOST_OIDC_ISSUER must be an https address in production")
            if self.api_processes > 1 and not self.redis_url:
                raise ValueError(
                    f"SIGNPOST_REDIS_URL must be set in production when several API processes run "
                    f"(SIGNPOST_API_REPLICAS={self.api_replicas}, WEB_CONCURRENCY={self.web_concurrency}): "
                    "without it each process keeps its own chat sessions, rate limits and sign-in lock-outs")
        return self

    @property
    def api_processes(self) -> int:
        return self.api_replicas * self.web_concurrency

    @property
    def assistant_urls(self) -> list[str]:
        return self.rasa_urls or [self.rasa_url]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
