"""Transport-free message and reply types shared by every capability."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: WeCom truncates text beyond this many UTF-8 bytes.
MAX_TEXT_BYTES = 2048


class Channel(StrEnum):
    """Where a message came from."""

    APP = "app"  # self-built app one-to-one chat (WeCom or the WeChat plugin)
    KF = "kf"  # 微信客服: families on ordinary WeChat
    CLI = "cli"  # the terminal chat (`xiehui chat`)


class Kind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    VOICE = "voice"
    LOCATION = "location"
    EVENT = "event"
    OTHER = "other"


class Role(StrEnum):
    FAMILY = "family"
    VOLUNTEER = "volunteer"
    LEADER = "leader"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def can_log_activity(self) -> bool:
        return self in (Role.VOLUNTEER, Role.LEADER, Role.COORDINATOR, Role.ADMIN)

    @property
    def can_broadcast(self) -> bool:
        return self in (Role.COORDINATOR, Role.ADMIN)


ROLE_LABELS = {
    Role.FAMILY: "群众",
    Role.VOLUNTEER: "志愿者",
    Role.LEADER: "会员小组长",
    Role.COORDINATOR: "协会工作人员",
    Role.ADMIN: "管理员",
}


def parse_role(value: str) -> Role:
    """Accept an English role name or its Chinese label (and a few common aliases)."""
    text = value.strip()
    aliases = {
        "家庭": Role.FAMILY,
        "群众": Role.FAMILY,
        "志愿者": Role.VOLUNTEER,
        "小组长": Role.LEADER,
        "会员小组长": Role.LEADER,
        "组长": Role.LEADER,
        "协调员": Role.COORDINATOR,
        "工作人员": Role.COORDINATOR,
        "协会工作人员": Role.COORDINATOR,
        "专干": Role.COORDINATOR,
        "管理员": Role.ADMIN,
    }
    if text in aliases:
        return aliases[text]
    try:
        return Role(text.lower())
    except ValueError:
        raise ValueError(f"unknown role {value!r}") from None


@dataclass(frozen=True)
class IncomingMessage:
    """One message from a user, stripped of everything WeCom-specific."""

    user_id: str
    text: str = ""
    kind: Kind = Kind.TEXT
    channel: Channel = Channel.APP
    sent_at: datetime = field(default_factory=lambda: datetime.now(SHANGHAI))
    msg_id: str = ""
    event: str = ""  # lower-case event name for Kind.EVENT: enter_agent, subscribe ...
    media_id: str = ""  # image / voice media to download
    location: tuple[float, float] | None = None
    account: str = ""  # 微信客服 open_kfid the customer wrote to (Channel.KF)

    @property
    def local_time(self) -> datetime:
        """The sent time in Asia/Shanghai, which is how users speak of dates."""
        if self.sent_at.tzinfo is None:
            return self.sent_at.replace(tzinfo=SHANGHAI)
        return self.sent_at.astimezone(SHANGHAI)


class TargetKind(StrEnum):
    USER = "user"  # message/send to member user ids
    PARTY = "party"  # message/send to departments
    TAG = "tag"  # message/send to tags
    APPCHAT = "appchat"  # appchat/send to a group chat created by the app
    ROBOT = "robot"  # group-robot webhook/send (ids = (key,))
    KF = "kf"  # 微信客服 kf/send_msg (ids = (external_userid,), account = open_kfid)


@dataclass(frozen=True)
class Target:
    """Where an outbound message goes."""

    kind: TargetKind
    ids: tuple[str, ...]
    account: str = ""  # open_kfid for KF targets

    @classmethod
    def user(cls, *user_ids: str) -> Target:
        return cls(TargetKind.USER, tuple(user_ids))

    def describe(self) -> str:
        """A log-safe description (never includes a robot key)."""
        if self.kind is TargetKind.ROBOT:
            return f"robot:{len(self.ids)}"
        return f"{self.kind.value}:{'|'.join(self.ids)[:60]}"


@dataclass(frozen=True)
class Reply:
    """Text for a user. ``to`` None means: back to the sender on the channel they used."""

    text: str
    to: Target | None = None


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> list[str]:
    """Split text into pieces of at most ``limit`` UTF-8 bytes, preferring line breaks.

    Never cuts inside a character; a single over-long line is cut at character boundaries.
    """
    if utf8_len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if utf8_len(current + line) <= limit:
            current += line
            continue
        if current:
            pieces.append(current.rstrip("\n"))
            current = ""
        while utf8_len(line) > limit:
            cut = _cut_at_bytes(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current.strip():
        pieces.append(current.rstrip("\n"))
    return [p for p in pieces if p]


def _cut_at_bytes(text: str, limit: int) -> int:
    size = 0
    for index, char in enumerate(text):
        size += utf8_len(char)
        if size > limit:
            return index
    return len(text)
