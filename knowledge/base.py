"""Loading, validating and hot-reloading the knowledge base (``knowledge/data/*.yaml``).

The files are the source of truth and are edited by coordinators; ``KnowledgeStore`` rebuilds
its matcher index when a file's modification time or size changes, so the running service picks
up edits without a restart. Format: ``knowledge/data/SCHEMA.md``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from handlers.core.messages import MAX_TEXT_BYTES, utf8_len
from knowledge.regions import NATIONAL, Region, parse_region_value

if TYPE_CHECKING:
    from knowledge.matcher import FaqHit, Matcher, Segmenter

logger = logging.getLogger(__name__)

STATUSES = frozenset({"solid", "secondary", "unconfirmed", "historical"})
TOPICS = frozenset({"T1", "T2", "T3", "T4"})
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
REQUIRED = ("id", "region", "status", "questions", "answer", "source", "reviewed")
DEFAULT_REVIEW_DAYS = 180
#: Distinct (question, asker region) decisions remembered per knowledge-base snapshot. People
#: ask the same few hundred questions over and over; a worker answering tens of thousands of
#: distinct texts keeps at most this many decisions (each without the matcher's ranking, about
#: 1 KB) and their reply texts (shared between decisions giving the same reply).
MATCH_MEMORY = 4096
#: Drafts added from answered hand-offs; listed by ``kb check`` but never matched.
PENDING_FILE = "pending.yaml"


@dataclass(frozen=True)
class Entry:
    """One answer in the knowledge base."""

    id: str
    topic: str
    region: str
    status: str
    questions: tuple[str, ...]
    answer: str
    source: str
    reviewed: date
    review_days: int = DEFAULT_REVIEW_DAYS
    group: str = ""
    keywords: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    file: str = ""

    @property
    def group_key(self) -> str:
        """Entries answering the same question for different regions share this key."""
        return self.group or self.id

    @property
    def place(self) -> Region:
        return parse_region_value(self.region) or Region()

    @property
    def is_national(self) -> bool:
        return self.region == NATIONAL

    def source_line(self) -> str:
        reviewed = self.reviewed
        if reviewed.year < 1000:  # strftime's own spelling of such a year
            return f"来源：{self.source}（更新于 {reviewed:%Y-%m}）"
        # what %Y-%m gives, without strftime (a fifth of the cost; every answer has one)
        return f"来源：{self.source}（更新于 {reviewed.year}-{reviewed.month:02d}）"

    def is_overdue(self, today: date) -> bool:
        return self.reviewed + timedelta(days=self.review_days) < today

    def to_yaml(self) -> dict[str, Any]:
        """The entry as it is written in a topic file (key order as in SCHEMA.md)."""
        out: dict[str, Any] = {"id": self.id}
        if self.group:
            out["group"] = self.group
        out["region"] = self.region
        out["status"] = self.status
        out["facts"] = list(self.facts)
        out["questions"] = list(self.questions)
        if self.keywords:
            out["keywords"] = list(self.keywords)
        out["answer"] = self.answer.rstrip("\n") + "\n"
        out["source"] = self.source
        out["reviewed"] = self.reviewed
        if self.review_days != DEFAULT_REVIEW_DAYS:
            out["review_days"] = self.review_days
        return out


@dataclass(frozen=True)
class Issue:
    """A problem found while loading or checking: errors fail ``kb check``, warnings do not."""

    level: str  # "error" | "warning"
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper()} {self.where}: {self.message}"


@dataclass
class TopicFile:
    path: Path
    topic: str
    title: str
    review_days: int
    entries: list[Entry] = field(default_factory=list)


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _str_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in value.splitlines() if s.strip())
    if isinstance(value, Iterable):
        return tuple(str(s).strip() for s in value if str(s).strip())
    return (str(value),)


def parse_entry(
    raw: object, *, topic: str, file: str, default_review_days: int, issues: list[Issue]
) -> Entry | None:
    """Build an Entry from a YAML mapping, recording problems in ``issues``."""
    where = file
    if not isinstance(raw, dict):
        issues.append(Issue("error", where, "entry is not a mapping"))
        return None
    entry_id = str(raw.get("id", "")).strip()
    where = f"{file}:{entry_id or '?'}"
    missing = [key for key in REQUIRED if raw.get(key) in (None, "", [])]
    if missing:
        issues.append(Issue("error", where, f"missing required field(s): {', '.join(missing)}"))
        return None
    if not ID_PATTERN.match(entry_id):
        issues.append(Issue("error", where, "id must be lowercase ascii, digits, dots, hyphens"))
    reviewed = _as_date(raw.get("reviewed"))
    if reviewed is None:
        issues.append(Issue("error", where, "reviewed is not a date (YYYY-MM-DD)"))
        return None
    try:
        review_days = int(raw.get("review_days") or default_review_days)
    except (TypeError, ValueError):
        issues.append(Issue("error", where, "review_days is not a number"))
        review_days = default_review_days
    return Entry(
        id=entry_id,
        topic=topic,
        region=str(raw["region"]).strip(),
        status=str(raw["status"]).strip(),
        questions=_str_list(raw.get("questions")),
        answer=str(raw["answer"]).strip(),
        source=str(raw["source"]).strip(),
        reviewed=reviewed,
        review_days=review_days,
        group=str(raw.get("group") or "").strip(),
        keywords=_str_list(raw.get("keywords")),
        facts=_str_list(raw.get("facts")),
        file=file,
    )


def load_file(path: Path, issues: list[Issue]) -> TopicFile | None:
    """Parse one topic file; problems go to ``issues``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        issues.append(Issue("error", path.name, f"cannot read YAML: {exc}"))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        issues.append(Issue("error", path.name, "file must be a mapping with an entries list"))
        return None
    topic = str(data.get("topic", "")).strip()
    if topic not in TOPICS:
        issues.append(Issue("error", path.name, f"unknown topic {topic!r}"))
    try:
        review_days = int(data.get("review_days") or DEFAULT_REVIEW_DAYS)
    except (TypeError, ValueError):
        review_days = DEFAULT_REVIEW_DAYS
    result = TopicFile(path, topic, str(data.get("title", "")), review_days)
    for raw in data["entries"]:
        entry = parse_entry(
            raw, topic=topic, file=path.name, default_review_days=review_days, issues=issues
        )
        if entry is not None:
            result.entries.append(entry)
    return result


def topic_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name != PENDING_FILE)


def load_directory(directory: Path) -> tuple[list[TopicFile], list[Issue]]:
    issues: list[Issue] = []
    files = [f for p in topic_files(directory) if (f := load_file(p, issues)) is not None]
    return files, issues


#: A source names its document and the year it is from (or says the year is unknown).
YEAR_UNKNOWN = "年份不详"
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: Working notes that must never reach a user: examples, to-dos, fact-sheet references.
_INTERNAL = re.compile(
    r"示例|待核实|待补|底稿|事实清单|SEED-|TODO|FIXME|内部备注|(?<![A-Za-z])T[1-4]-\d{2}(?!\d)"
)
#: Service numbers and phone numbers (12333, 95519, 400…, 0771-…, mobiles), not amounts.
_PHONE = re.compile(
    r"(?<![\d.])((?:12|95|96)\d{3}|[48]00\d{7}|0\d{2,3}-\d{7,8}|1[3-9]\d{9})(?![\d.万元%年份人件天个岁周])"
)
#: A sentence that tells the reader to check elsewhere; an answer carries one at most.
_DISCLAIMER = re.compile(r"以[^。！？\n]{0,40}为准|仅供参考")
#: The direct answer (the first paragraph) is short; details follow on later lines.
LEAD_CHARS = 200
PHONES_FILE = Path(__file__).resolve().parent / "dict" / "phones.txt"


#: A range of figures written with 至 (4至6个月). The fact sheet writes ranges as 4—6个月; an
#: answer uses the same form, so the figure a reader looks for reads as the fact sheet has it.
#: (满3个月至64周岁, two different units, is written with 至 in the fact sheet too.)
_RANGE_WORD = re.compile(r"\d+(?:至\d+|(元|%|年|个月|周|天|名|岁)至\d+\1)")


def supported_phones(path: Path = PHONES_FILE) -> dict[str, frozenset[str]]:
    """Numbers an answer may give, each with the fact-sheet ids that support it."""
    table: dict[str, frozenset[str]] = {}
    if not path.exists():
        return table
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].split()
        if line:
            table[line[0]] = frozenset(line[1:])
    return table


def source_issues(entry: Entry) -> list[Issue]:
    """A source without a year, an internal note in user text, an unsupported phone number,
    more than one disclaimer, a long lead paragraph."""
    where = f"{entry.file}:{entry.id}"
    issues: list[Issue] = []
    for part in re.split(r"[；;]", entry.source):
        if part.strip() and not _YEAR.search(part) and YEAR_UNKNOWN not in part:
            issues.append(Issue("error", where, f"source without a year: {part.strip()!r}"))
    for field_name, text in (("answer", entry.answer), ("source", entry.source)):
        for found in _INTERNAL.finditer(text):
            issues.append(
                Issue("error", where, f"internal note in {field_name}: {found.group()!r}")
            )
    phones = supported_phones()
    for found in _PHONE.finditer(entry.answer):
        number = found.group(1)
        backing = phones.get(number)
        if backing is None:
            issues.append(Issue("error", where, f"phone number {number} has no recorded source"))
        elif not backing & set(entry.facts):
            facts = ", ".join(sorted(backing))
            issues.append(Issue("error", where, f"phone number {number} needs fact {facts}"))
    for found in _RANGE_WORD.finditer(entry.answer):
        issues.append(
            Issue(
                "error", where, f"range {found.group()!r}: write it as the fact sheet does (N—M)"
            )
        )
    if len(_DISCLAIMER.findall(entry.answer)) > 1:
        issues.append(Issue("error", where, "more than one disclaimer (以…为准) in the answer"))
    lead = entry.answer.strip().split("\n")[0]
    if len(lead) > LEAD_CHARS:
        issues.append(
            Issue("error", where, f"first paragraph is {len(lead)} characters (> {LEAD_CHARS})")
        )
    return issues


def validate(entries: Sequence[Entry], today: date | None = None) -> list[Issue]:
    """Cross-entry checks: unique ids, shared variants, sizes, regions, statuses, staleness,
    and each entry's sources, notes, phone numbers and answer shape."""
    issues: list[Issue] = []
    seen: dict[str, Entry] = {}
    variants: dict[str, str] = {}
    for entry in entries:
        where = f"{entry.file}:{entry.id}"
        if entry.id in seen:
            issues.append(Issue("error", where, f"duplicate id (also in {seen[entry.id].file})"))
        seen[entry.id] = entry
        if entry.status not in STATUSES:
            issues.append(Issue("error", where, f"unknown status {entry.status!r}"))
        if parse_region_value(entry.region) is None:
            issues.append(Issue("error", where, f"unknown region {entry.region!r}"))
        size = utf8_len(entry.answer + "\n" + entry.source_line())
        if size > MAX_TEXT_BYTES:
            issues.append(Issue("error", where, f"answer + source is {size} bytes (> 2048)"))
        if len(entry.questions) < 3:
            issues.append(Issue("warning", where, "fewer than 3 question variants"))
        issues.extend(source_issues(entry))
        for question in entry.questions:
            key = _variant_key(question)
            owner = variants.get(key)
            if owner is not None and owner != entry.id:
                issues.append(Issue("error", where, f"variant {question!r} also in {owner}"))
            variants.setdefault(key, entry.id)
        if today is not None and entry.is_overdue(today):
            due = entry.reviewed + timedelta(days=entry.review_days)
            issues.append(Issue("warning", where, f"review overdue since {due.isoformat()}"))
    issues.extend(_group_issues(entries))
    return issues


def _group_issues(entries: Sequence[Entry]) -> list[Issue]:
    issues: list[Issue] = []
    by_group: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        if entry.group and entry.status != "historical":
            by_group.setdefault((entry.group, entry.region), []).append(entry)
    for (group, region), members in by_group.items():
        if len(members) > 1:
            ids = ", ".join(e.id for e in members)
            issues.append(
                Issue("warning", f"group {group}", f"several current entries for {region}: {ids}")
            )
    return issues


def _variant_key(question: str) -> str:
    return re.sub(r"[\s，。？！?!,.、]", "", question).lower()


def without_ranking(hit: FaqHit) -> FaqHit:
    """``hit`` with ``ranked`` emptied, in its parts too (everything else the same)."""
    if not hit.ranked and not any(part.ranked for part in hit.parts):
        return hit
    parts = tuple(dataclasses.replace(part, ranked=()) for part in hit.parts)
    return dataclasses.replace(hit, ranked=(), parts=parts)


class KnowledgeBase:
    """An immutable snapshot of all entries plus the matcher index built from them."""

    def __init__(
        self,
        entries: Sequence[Entry],
        issues: Sequence[Issue] = (),
        segmenter: Segmenter | None = None,
    ) -> None:
        from knowledge.matcher import Matcher

        self.entries: tuple[Entry, ...] = tuple(entries)
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.by_id: dict[str, Entry] = {e.id: e for e in self.entries}
        self.groups: dict[str, list[Entry]] = {}
        for entry in self.entries:
            self.groups.setdefault(entry.group_key, []).append(entry)
        started = time.perf_counter()
        self.matcher: Matcher = Matcher(self.entries, segmenter)
        self.build_seconds = time.perf_counter() - started
        # The matcher's decision depends only on the text, the asker's region and these
        # entries, so it is remembered per snapshot: an edited file builds a new snapshot
        # with an empty memory. People ask the same questions over and over.
        self._remembered = functools.lru_cache(maxsize=MATCH_MEMORY)(self._decision)
        self._texts: dict[int, tuple[FaqHit, str]] = {}
        self._replies: dict[str, str] = {}  # one copy of each reply text remembered

    def _decision(self, text: str, asker_region: Region | None) -> FaqHit:
        return without_ranking(self.matcher.match(text, asker_region))

    def match(self, text: str, asker_region: Region | None = None) -> FaqHit:
        """``matcher.match``, remembered for this snapshot (the hit is immutable), without the
        matcher's ranking (``FaqHit.ranked``, of its parts too: the working behind the
        decision, most of its size, which nothing after the matcher reads)."""
        return self._remembered(text, asker_region)

    def rendered(self, hit: FaqHit, render: Callable[[FaqHit], str]) -> str:
        """``render(hit)``, remembered for the hits :meth:`match` remembers (by identity:
        a remembered question returns the very same hit object)."""
        kept = self._texts.get(id(hit))
        if kept is not None and kept[0] is hit:
            return kept[1]
        text = render(hit)
        if len(self._texts) >= MATCH_MEMORY:
            self._texts.clear()  # rare: more distinct hits than the matcher remembers
            self._replies.clear()
        # many decisions give the same reply (one answer, asked in many ways): one copy of it
        text = self._replies.setdefault(text, text)
        self._texts[id(hit)] = (hit, text)
        return text

    @classmethod
    def from_directory(cls, directory: Path, segmenter: Segmenter | None = None) -> KnowledgeBase:
        files, issues = load_directory(directory)
        return cls.from_files(files, issues, segmenter)

    @classmethod
    def from_files(
        cls, files: Sequence[TopicFile], issues: Sequence[Issue], segmenter: Segmenter | None
    ) -> KnowledgeBase:
        entries = [e for f in files for e in f.entries]
        # Skip entries with a duplicate id rather than refusing to start: kb check reports them.
        unique: dict[str, Entry] = {}
        for entry in entries:
            unique.setdefault(entry.id, entry)
        return cls(list(unique.values()), issues, segmenter)


class KnowledgeStore:
    """The live knowledge base for a directory; reloads when the files change.

    ``current()`` costs a few ``stat`` calls; a rebuild happens under a lock so concurrent
    callers never see a half-built index (they keep using the previous snapshot meanwhile).
    A file that no longer parses (a YAML syntax error, a missing entries list) keeps its last
    good version in the rebuilt index; ``load_errors`` says which files and why, the service
    logs it once per change and ``/healthz`` shows it until the file is fixed.
    """

    def __init__(
        self,
        directory: Path,
        *,
        check_interval: float = 0.0,
        segmenter: Segmenter | None = None,
    ) -> None:
        self.directory = Path(directory)
        self._segmenter = segmenter  # jieba start-up is slow: built once, reused on reloads
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._snapshot: KnowledgeBase | None = None
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._checked_at = 0.0
        self._files: list[Path] = []
        self._listed_at = -1
        self._last_good: dict[str, TopicFile] = {}  # file name -> its last version that parsed
        self.load_errors: list[str] = []

    def _signature_now(self) -> tuple[tuple[str, int, int], ...]:
        # Listing the folder is the costly part of a check; its mtime changes whenever a file
        # is added, removed or renamed (editors save by renaming), so the list is reused while
        # it stays the same. Each file is still stat'ed: an in-place write changes only it.
        try:
            folder_mtime = self.directory.stat().st_mtime_ns
        except OSError:
            folder_mtime = -1
        if folder_mtime != self._listed_at or folder_mtime < 0:
            self._files = topic_files(self.directory)
            # A change in the same clock tick as the last one keeps the folder's mtime, so a
            # listing is only reused once the folder has been quiet for a second.
            quiet = time.time_ns() - folder_mtime > 1_000_000_000
            self._listed_at = folder_mtime if quiet else -1
        out = []
        for path in self._files:
            try:
                stat = path.stat()
            except OSError:
                continue
            out.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(out)

    def _load(self) -> tuple[list[TopicFile], list[Issue]]:
        """Load every topic file, keeping the last good version of a file that fails to parse."""
        issues: list[Issue] = []
        files: list[TopicFile] = []
        errors: list[str] = []
        for path in topic_files(self.directory):
            own: list[Issue] = []
            loaded = load_file(path, own)
            issues.extend(own)
            if loaded is not None:
                self._last_good[path.name] = loaded
                files.append(loaded)
                continue
            reason = "; ".join(i.message.splitlines()[0] for i in own) or "cannot be loaded"
            kept = self._last_good.get(path.name)
            if kept is not None:
                files.append(kept)
                errors.append(f"{path.name}: {reason} (kept the last good version)")
                logger.error(
                    "knowledge file %s failed to load; keeping its last good version "
                    "(%d entries): %s",
                    path.name,
                    len(kept.entries),
                    reason,
                )
            else:
                errors.append(f"{path.name}: {reason}")
                logger.error("knowledge file %s failed to load: %s", path.name, reason)
        self.load_errors = errors
        return files, issues

    def current(self) -> KnowledgeBase:
        """The up-to-date snapshot (rebuilt if a file changed since the last check)."""
        snapshot = self._snapshot
        now = time.monotonic()
        if snapshot is not None and now - self._checked_at < self.check_interval:
            return snapshot
        signature = self._signature_now()
        if snapshot is not None and signature == self._signature:
            self._checked_at = now
            return snapshot
        with self._lock:
            if self._snapshot is None or self._signature != signature:
                if self._segmenter is None:
                    from knowledge.matcher import Segmenter

                    self._segmenter = Segmenter()
                files, issues = self._load()
                fresh = KnowledgeBase.from_files(files, issues, self._segmenter)
                self._snapshot, self._signature = fresh, signature
                logger.info(
                    "knowledge base loaded: %d entries, %d issues, index %.0f ms",
                    len(fresh.entries),
                    len(fresh.issues),
                    fresh.build_seconds * 1000,
                )
            self._checked_at = now
            return self._snapshot

    def reload(self) -> KnowledgeBase:
        """Force a rebuild (after writing the files ourselves)."""
        with self._lock:
            self._signature = ()
            self._snapshot = None
        return self.current()
