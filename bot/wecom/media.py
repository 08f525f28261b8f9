"""Downloads inbound media (activity photos) through WeCom media/get."""

from __future__ import annotations

from bot.wecom.sender import WeComSender


class WeComMediaFetcher:
    def __init__(self, sender: WeComSender) -> None:
        self.sender = sender

    def fetch(self, media_id: str) -> tuple[bytes, str]:
        return self.sender.download(media_id)
