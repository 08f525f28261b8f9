"""One typed Settings object, read from the environment and validated at start-up.

Where the data lives is decided here, once, so every command finds the same folder whatever
the current directory:

- ``XIEHUI_DATA_DIR`` when set (a relative value is taken from the current directory at
  start-up and made absolute);
- otherwise, running from a source checkout (``pyproject.toml`` beside ``bot/``), the
  checkout's ``data/`` folder, which is what ``make run`` has always used;
- otherwise (installed with pip), the user's data folder from platformdirs, e.g.
  ``~/.local/share/xiehui`` on Linux.

The knowledge base folder follows the same idea (see :func:`resolve_knowledge_dir`).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_ALNUM = re.compile(r"^[A-Za-z0-9]+$")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: The knowledge base shipped inside the package (the seed of an installed copy).
PACKAGED_KNOWLEDGE = PACKAGE_ROOT / "knowledge" / "data"


def source_checkout() -> Path | None:
    """The project folder when the code runs from a source checkout, else None.

    An editable install counts as a checkout; a wheel installed into site-packages does not
    (no ``pyproject.toml`` is installed next to the packages).
    """
    marker = PACKAGE_ROOT / "pyproject.toml"
    try:
        if marker.is_file() and 'name = "xiehui"' in marker.read_text(encoding="utf-8"):
            return PACKAGE_ROOT
    except OSError:
        return None
    return None


def default_data_dir() -> Path:
    """The checkout's ``data/`` folder, or the user's data folder for an installed package."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("xiehui", appauthor=False))


def data_dir_origin() -> str:
    """How the data folder was chosen, in Chinese (for ``xiehui info``)."""
    if os.environ.get("XIEHUI_DATA_DIR"):
        return "环境变量 XIEHUI_DATA_DIR"
    if source_checkout() is not None:
        return "源码目录下的 data/"
    return "本机用户数据目录"


class Settings(BaseSettings):
    """Environment variables: WECOM_*, DATABASE_URL, REDIS_URL and XIEHUI_* (see the README).

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
    data_dir: Path = Field(default_factory=default_data_dir, alias="XIEHUI_DATA_DIR")
    host: str = Field(default="127.0.0.1", alias="XIEHUI_HOST")
    port: int = Field(default=8000, alias="XIEHUI_PORT")
    # Prometheus /metrics on its own port (0: off), by default reachable from this host only.
    metrics_port: int = Field(default=0, alias="XIEHUI_METRICS_PORT")
    metrics_host: str = Field(default="127.0.0.1", alias="XIEHUI_METRICS_HOST")
    # How long the webhook waits for a handler before answering WeCom with an empty 200 and
    # sending the reply through message/send instead (WeCom gives up after 5 s; we answer
    # every callback within a second).
    passive_reply_seconds: float = Field(default=0.8, alias="XIEHUI_PASSIVE_REPLY_SECONDS")
    # A signed callback whose `timestamp` query parameter is further than this from now is
    # refused with 403 (a captured request replayed later); 0 turns the check off.
    signature_max_age_seconds: int = Field(
        default=24 * 3600, alias="XIEHUI_SIGNATURE_MAX_AGE_SECONDS"
    )
    # Socket timeout of every Redis call: Redis is a cache and coordinator, never waited on.
    redis_timeout_seconds: float = Field(default=0.5, alias="XIEHUI_REDIS_TIMEOUT_SECONDS")
    # A claimed message whose handler has not sent a heartbeat for this long belongs to a
    # dead process and is run again (heartbeats come every few seconds while it runs).
    claim_stale_seconds: float = Field(default=15.0, alias="XIEHUI_CLAIM_STALE_SECONDS")
    max_body_bytes: int = Field(default=64 * 1024, alias="XIEHUI_MAX_BODY_BYTES")
    run_scheduler: bool = Field(default=True, alias="XIEHUI_RUN_SCHEDULER")
    # The scheduler leader's Redis lease: a standby worker takes over within about this long
    # after the leader died (it renews every third of it).
    scheduler_lease_seconds: float = Field(
        default=30.0, gt=0, alias="XIEHUI_SCHEDULER_LEASE_SECONDS"
    )
    knowledge_dir: Path | None = Field(default=None, alias="XIEHUI_KNOWLEDGE_DIR")
    # Where people reach this service from outside (https://xiehui.example.org): the console's
    # sign-in links and WeCom's OAuth redirect are built on it. Unset: http://HOST:PORT.
    public_url: str = Field(default="", alias="XIEHUI_PUBLIC_URL")
    # WeCom's OAuth authorize page (open.weixin.qq.com); tests point it at the fake API.
    wecom_oauth_base: str = Field(default="https://open.weixin.qq.com", alias="WECOM_OAUTH_BASE")
    # FastAPI's /docs and /openapi.json: off by default (the callback is not a public API, and
    # the docs page loads its assets from a CDN, so it is blank offline).
    api_docs: bool = Field(default=False, alias="XIEHUI_API_DOCS")
    # `serve` runs every thread of a worker on one CPU (worker i of --workers N on the i-th):
    # its threads hand the GIL to each other many times per callback, which costs less on one
    # core, but a pinned worker cannot move away from other busy processes (see
    # bot/web/cpu.py). Off by default: the kernel places the threads.
    pin_cpu: bool = Field(default=False, alias="XIEHUI_PIN_CPU")

    @field_validator("data_dir", "knowledge_dir")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        # Resolved once, at start-up: a later chdir (or a command run elsewhere) cannot move it.
        return None if value is None else value.expanduser().absolute()

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
    def sqlite_path(self) -> Path | None:
        """The database file when the database is the default SQLite file, else None."""
        return None if self.database_url else self.data_dir / "xiehui.db"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'xiehui.db').as_posix()}"

    @property
    def resolved_knowledge_dir(self) -> Path:
        return resolve_knowledge_dir(self)


def resolve_knowledge_dir(settings: Settings) -> Path:
    """The knowledge base folder the service reads and ``kb import`` / 入库 write.

    ``XIEHUI_KNOWLEDGE_DIR`` when set; in a source checkout, ``knowledge/data`` (the reviewed
    files under version control); for an installed package, ``<data folder>/knowledge``,
    never the package itself: site-packages may be read-only and is replaced on upgrade,
    which would silently lose the coordinators' edits.
    """
    if settings.knowledge_dir is not None:
        return settings.knowledge_dir
    if source_checkout() is not None:
        return PACKAGED_KNOWLEDGE
    return settings.data_dir / "knowledge"


def seed_knowledge_dir(directory: Path) -> bool:
    """Copy the packaged knowledge files into ``directory`` if it has none; True if copied."""
    if directory == PACKAGED_KNOWLEDGE or any(directory.glob("*.yaml")):
        return False
    directory.mkdir(parents=True, exist_ok=True)
    for path in sorted(PACKAGED_KNOWLEDGE.iterdir()):
        if path.suffix in (".yaml", ".md"):
            shutil.copy2(path, directory / path.name)
    return True


def load_settings() -> Settings:
    """Settings from the process environment; raises SystemExit with a one-line reason."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise SystemExit(f"配置错误 / invalid setting {where}: {first['msg']}") from None
