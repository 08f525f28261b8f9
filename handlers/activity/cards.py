"""Numbered confirmation cards waiting for a leader's 对, kept in ``ctx.conversation``.

Each report becomes its own card (第1条, 第2条 …); several can wait at once and a new report
never merges into one. A card waits until the leader saves it (对) or throws it away (撤销 /
不要了 / 重新来): it is never dropped because the leader went quiet for a while. It lives
DRAFT_TTL seconds (a day) after its last change; REMIND_AFTER seconds after it was last shown a
reminder is due in the outbox (withdrawn when the card is confirmed, cancelled or changed), and
the index of card numbers outlives the cards, so a card that did expire unconfirmed is named to
the leader at the next turn. Records saved in the last UNDO_WINDOW seconds are
remembered with their card numbers so "撤销" and later corrections can find them.

Layout (all through the Conversation get/set/pop/clear API):

- ``activity_cards``: {"open": [1, 2], "shown": [2], "titles": {"1": "11月10日 江口村 …"},
  "doubt": [2]} — ``doubt``: cards whose last correction was not understood; a 对 shows them
  again and asks before saving them as they are
- ``activity_card_<n>``: {"no": n, "draft": {...}, "photos": [[path, media_id], ...]}
- ``activity_saved``: [{"id": record id, "no": card number, "at": iso time}, ...]
- ``activity_last``: {"id": record id, "at": iso time} — the last saved record (photos, 撤销)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from handlers.activity.parser import KINDS, ActivityDraft
from handlers.core.messages import Target
from handlers.core.outbox import Outbox
from handlers.core.state import Conversation

INDEX_KEY = "activity_cards"
CARD_PREFIX = "activity_card_"
SAVED_KEY = "activity_saved"
LAST_KEY = "activity_last"
DRAFT_TTL = 24 * 3600
REMIND_AFTER = 25 * 60
INDEX_TTL = 2 * 24 * 3600
PHOTO_WINDOW = 30 * 60
UNDO_WINDOW = 24 * 3600


@dataclass
class Card:
    """One waiting report."""

    no: int
    draft: ActivityDraft
    photos: list[list[str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"no": self.no, "draft": self.draft.to_json(), "photos": self.photos}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Card:
        return cls(
            no=int(data["no"]),
            draft=ActivityDraft.from_json(data["draft"]),
            photos=[list(map(str, pair)) for pair in data.get("photos", [])],
        )


def card_key(no: int) -> str:
    return f"{CARD_PREFIX}{no}"


def title(draft: ActivityDraft) -> str:
    """A short name for a card: 11月10日 江口村 会员活动."""
    parts = [
        draft.date.display() if draft.date else "",
        draft.place or "",
        KINDS.get(draft.kind, KINDS["other"]),
    ]
    return " ".join(part for part in parts if part)


class Cards:
    """The waiting cards and recently saved records of one user."""

    def __init__(
        self,
        conversation: Conversation,
        now: datetime,
        *,
        outbox: Outbox | None = None,
        user_id: str = "",
    ) -> None:
        self.conversation = conversation
        self.now = now
        # reminders go to the user's WeCom app chat; none for other channels (outbox None)
        self.outbox = outbox if user_id else None
        self.user_id = user_id
        raw = conversation.get(INDEX_KEY)
        self.index: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self.index.setdefault("open", [])
        self.index.setdefault("shown", [])
        self.index.setdefault("titles", {})
        self.index.setdefault("doubt", [])
        self._cards: dict[int, Card] | None = None
        self._reminded: set[int] = set()
        self.expired: list[str] = []

    # -- reading --

    def load(self) -> list[Card]:
        """The live cards in number order; expired ones are dropped and named in ``expired``."""
        if self._cards is None:
            self._cards = {}
            for no in list(self.index["open"]):
                data = self.conversation.get(card_key(int(no)))
                if isinstance(data, dict):
                    self._cards[int(no)] = Card.from_json(data)
                else:
                    name = self.index["titles"].get(str(no), "")
                    self.expired.append(f"第{no}条（{name}）" if name else f"第{no}条")
                    self._forget(int(no))
            if self.expired:
                self._save_index()
        return [self._cards[no] for no in sorted(self._cards)]

    @property
    def shown(self) -> list[int]:
        live = {card.no for card in self.load()}
        return [int(no) for no in self.index["shown"] if int(no) in live]

    def get(self, no: int) -> Card | None:
        return next((card for card in self.load() if card.no == no), None)

    def saved(self) -> list[dict[str, Any]]:
        raw = self.conversation.get(SAVED_KEY)
        if not isinstance(raw, list):
            return []
        return [
            entry for entry in raw if isinstance(entry, dict) and self._recent(entry.get("at"))
        ]

    def _recent(self, stamp: object) -> bool:
        if not isinstance(stamp, str):
            return False
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            return False
        return 0 <= (self.now - moment).total_seconds() <= UNDO_WINDOW

    @property
    def has_state(self) -> bool:
        return bool(self.index["open"]) or bool(self.saved())

    # -- writing --

    def add(self, draft: ActivityDraft) -> Card:
        cards = self.load()
        no = max((card.no for card in cards), default=0) + 1
        card = Card(no, draft)
        self.put(card)
        return card

    def put(self, card: Card) -> None:
        """Store a new or changed card (its 30 minutes start again)."""
        assert self._cards is not None
        self._cards[card.no] = card
        self.conversation.set(card_key(card.no), card.to_json(), ttl=DRAFT_TTL)
        self._remind(card)
        if card.no not in self.index["open"]:
            self.index["open"].append(card.no)
        self.index["titles"][str(card.no)] = title(card.draft)
        self._save_index()

    def take(self, no: int) -> Card | None:
        """Remove a card for saving or cancelling; None when it is gone (a racing 对)."""
        data = self.conversation.pop(card_key(no))
        if self.outbox is not None:
            self.outbox.cancel_pending(self._origin(no))
        self._forget(no)
        self._save_index()
        return Card.from_json(data) if isinstance(data, dict) else None

    def show(self, numbers: list[int]) -> None:
        self.index["shown"] = list(numbers)
        self._save_index()

    @property
    def doubted(self) -> list[int]:
        """Cards whose last correction was not understood (so a 对 may not mean "as shown")."""
        live = {card.no for card in self.load()}
        return [int(no) for no in self.index.get("doubt", []) if int(no) in live]

    def doubt(self, numbers: list[int]) -> None:
        """A correction of these cards was not understood: the next 对 shows them again."""
        self.index["doubt"] = sorted({*self.doubted, *numbers})
        self._save_index()

    def clear_doubt(self, numbers: list[int]) -> None:
        self.index["doubt"] = [n for n in self.doubted if n not in numbers]
        self._save_index()

    def keep_alive(self) -> None:
        """The leader is still talking to us: every waiting card gets its 30 minutes again."""
        for card in self.load():
            if card.no in self._reminded:
                continue  # stored (and its reminder set) during this very turn
            self.conversation.set(card_key(card.no), card.to_json(), ttl=DRAFT_TTL)
            self._remind(card)

    def _origin(self, no: int) -> str:
        return f"activity-card:{self.user_id}:{no}"[:128]

    def _remind(self, card: Card) -> None:
        """A reminder due REMIND_AFTER seconds from now; the one due before is withdrawn."""
        self._reminded.add(card.no)
        if self.outbox is None:
            return
        origin = self._origin(card.no)
        self.outbox.cancel_pending(origin)
        due = self.now + timedelta(seconds=REMIND_AFTER)
        text = (
            f"您的第{card.no}条活动记录（{title(card.draft)}）还没确认，还没有保存。"
            f"没问题请回复“第{card.no}条对”保存；不要了请回复“第{card.no}条不要了”。"
        )
        key = f"{origin}:{uuid.uuid4().hex}"
        self.outbox.enqueue(
            Target.user(self.user_id), text, key=key, origin=origin, not_before=due
        )

    def remember_saved(self, record_id: int, no: int) -> None:
        entries = [e for e in self.saved() if e.get("id") != record_id]
        entries.append({"id": record_id, "no": no, "at": self.now.isoformat()})
        self.conversation.set(SAVED_KEY, entries[-20:], ttl=UNDO_WINDOW)
        self.conversation.set(
            LAST_KEY, {"id": record_id, "at": self.now.isoformat()}, ttl=UNDO_WINDOW
        )

    def forget_saved(self, record_id: int) -> None:
        entries = [e for e in self.saved() if e.get("id") != record_id]
        self.conversation.set(SAVED_KEY, entries, ttl=UNDO_WINDOW)
        last = self.conversation.get(LAST_KEY)
        if isinstance(last, dict) and last.get("id") == record_id:
            self.conversation.clear(LAST_KEY)

    def _forget(self, no: int) -> None:
        if self._cards is not None:
            self._cards.pop(no, None)
        self.index["open"] = [n for n in self.index["open"] if int(n) != no]
        self.index["shown"] = [n for n in self.index["shown"] if int(n) != no]
        self.index["doubt"] = [n for n in self.index.get("doubt", []) if int(n) != no]
        self.index["titles"].pop(str(no), None)

    def _save_index(self) -> None:
        if self.index["open"]:
            self.conversation.set(INDEX_KEY, self.index, ttl=INDEX_TTL)
        else:
            self.conversation.clear(INDEX_KEY)
