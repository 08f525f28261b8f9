"""One typed Settings object, read from the environment and validated at start-up."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ALNUM = re.compile(r"^[A-Za-z0-9]+$")


class Settings(BaseSettings):
    """Environment variables: WECOM_*, DATABASE_URL, REDIS_URL, XIEHUI_DATA_DIR.

    Nothing is read from a ``.env`` file: tests and operators pass values explicitly.
    """

    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    wecom_corp_id: str = Field(default="", alias="WECOM_CORP_ID")
    wecom_agent_id: int | None = Field(default=None, alias="WECOM_AGENT_ID")
    wecom_secret: SecretStr = Field(default=SecretStr(""), alias="WECOM_SECRET")
    wecom_token: SecretStr = Field(default=SecretStr(""), alias="WECOM_TOKEN")
    wecom_aes_key: SecretStr = Field(default=SecretStr(""), alias="WECOM_AES_KEY")
    wecom_api_base: str = Field(default="https://qyapi.weixin.qq.com", alias="WECOM_API_BASE")
    database_url: str = Field(default="", alias="DATABASE_URL")
    redis_url: str = Field(default="", alias="REDIS_URL")
    data_dir: Path = Field(default=Path("data"), alias="XIEHUI_DATA_DIR")
    host: str = Field(default="127.0.0.1", alias="XIEHUI_HOST")
    port: int = Field(default=8000, alias="XIEHUI_PORT")
    # How long the webhook waits for a handler before answering WeCom with an empty 200 and
    # sending the reply through message/send instead (WeCom gives up after 5 s).
    passive_reply_seconds: float = Field(default=1.5, alias="XIEHUI_PASSIVE_REPLY_SECONDS")
    max_body_bytes: int = Field(default=64 * 1024, alias="XIEHUI_MAX_BODY_BYTES")
    run_scheduler: bool = Field(default=True, alias="XIEHUI_RUN_SCHEDULER")
    knowledge_dir: Path | None = Field(default=None, alias="XIEHUI_KNOWLEDGE_DIR")
    # Where people reach this service from outside (https://xiehui.example.org): the console's
    # sign-in links and WeCom's OAuth redirect are built on it. Unset: http://HOST:PORT.
    public_url: str = Field(default="", alias="XIEHUI_PUBLIC_URL")
    # WeCom's OAuth authorize page (open.weixin.qq.com); tests point it at the fake API.
    wecom_oauth_base: str = Field(default="https://open.weixin.qq.com", alias="WECOM_OAUTH_BASE")

    @field_validator("wecom_aes_key")
    @classmethod
    def _check_aes_key(cls, value: SecretStr) -> SecretStr:
        key = value.get_secret_value()
        if key and (len(key) != 43 or not _ALNUM.match(key)):
            raise ValueError(
                f"WECOM_AES_KEY must be exactly 43 letters or digits (got {len(key)} characters)"
            )
        return value

    @field_validator("wecom_token")
    @classmethod
    def _check_token(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if token and (len(token) > 32 or not _ALNUM.match(token)):
            raise ValueError("WECOM_TOKEN must be at most 32 letters or digits")
        return value

    @field_validator("wecom_api_base", "wecom_oauth_base")
    @classmethod
    def _check_api_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(
                "XIEHUI_PUBLIC_URL must be a plain http(s) address such as https://xiehui.example.org"
            )
        return value.rstrip("/")

    @model_validator(mode="after")
    def _check_pairs(self) -> Settings:
        if self.wecom_secret.get_secret_value() and not self.wecom_corp_id:
            raise ValueError("WECOM_SECRET is set but WECOM_CORP_ID is not")
        return self

    @property
    def callback_enabled(self) -> bool:
        """The encrypted callback needs CorpID, Token and EncodingAESKey."""
        return bool(
            self.wecom_corp_id
            and self.wecom_token.get_secret_value()
            and self.wecom_aes_key.get_secret_value()
        )

    @property
    def api_enabled(self) -> bool:
        """Active sending needs CorpID, Secret and AgentID."""
        return bool(
            self.wecom_corp_id
            and self.wecom_secret.get_secret_value()
            and self.wecom_agent_id is not None
        )

    @property
    def local_mode(self) -> bool:
        return not (self.callback_enabled and self.api_enabled)

    @property
    def console_base_url(self) -> str:
        """The address sign-in links point at."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def console_secure_cookies(self) -> bool:
        """Cookies carry the Secure flag when people reach the service over https."""
        return self.console_base_url.startswith("https://")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'xiehui.db').as_posix()}"


def load_settings() -> Settings:
    """Settings from the process environment; raises SystemExit with a one-line reason."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise SystemExit(f"配置错误 / invalid setting {where}: {first['msg']}") from None
