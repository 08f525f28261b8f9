"""``xiehui activities export`` (for coordinators) and ``eval`` / ``bench`` / ``parse`` (for
developers).

export: the month's activity records as xlsx (summary per township and village, detail, groups
not reported), csv or json; the month is read by the same parser as the chat's 活动统计
(2026-11, 2026年11月, 11月). eval: per-field accuracy of the activity parser on a labelled set
and the confusion rates between reports and FAQ-style questions; its labelled sets live in the
source checkout's tests/data, so from an installed package it needs --set.
"""

from __future__ import annotations

import argparse
import logging
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.cli.runtime import open_runtime
from bot.settings import Settings, source_checkout
from handlers.activity.evaluate import EXTRA_FIELDS, FIELDS, load_labelled, load_questions, score
from handlers.activity.export import FORMATS, default_name, export, title
from handlers.activity.parser import parse_activity
from handlers.activity.stats import month_stats, parse_month
from handlers.core.errors import DomainError
from handlers.core.members import RegionPath
from handlers.core.messages import SHANGHAI

_CHECKOUT = source_checkout()
#: The labelled set in a source checkout; an installed package has none (pass --set).
DEFAULT_SET: Path | None = (
    _CHECKOUT / "tests" / "data" / "activity_labelled.yaml" if _CHECKOUT is not None else None
)
#: The shapes of month the export accepts; parse_month (shared with chat) reads the value.
_MONTH_SHAPE = re.compile(r"(?:\d{4}\s*[-年./]\s*(?P<m>\d{1,2})\s*月?|(?P<only>\d{1,2})\s*月)")
MONTH_HELP = "月份：2026-11、2026年11月 或 11月（不写年份时指最近的那个11月）"


def read_month(value: str, now: datetime | None = None) -> tuple[int, int]:
    """--month as (year, month); anything that is not a month is refused, never guessed."""
    text = value.strip()
    shape = _MONTH_SHAPE.fullmatch(text)
    number = int((shape.group("m") or shape.group("only")) if shape else 0)
    if not 1 <= number <= 12:
        raise DomainError(f"月份“{value}”看不懂。{MONTH_HELP}。")
    try:
        return parse_month(text, now or datetime.now(SHANGHAI))
    except ValueError:
        raise DomainError(f"月份“{value}”看不懂。{MONTH_HELP}。") from None


def _export(args: argparse.Namespace, settings: Settings) -> int:
    year, month = read_month(args.month)
    parts = [p for p in (args.region or "").replace("/", " ").split() if p]
    region = RegionPath(*parts[:5])
    with open_runtime(settings) as runtime:
        stats = month_stats(runtime.services, year, month, region)
        content = export(stats, args.format)
    out = Path(args.out) if args.out else default_name(stats, args.format)
    out.write_bytes(content)
    reported = f"{len(stats.total.groups)}/{len(stats.groups)} 个小组已上报"
    if not stats.views:
        print(
            f"{title(stats)}没有活动记录（{reported}）。"
            f"仍已写出 {out}（表里注明了“本月没有活动记录”"
            + ("，附未上报小组名单）" if stats.missing else "）")
        )
        return 0
    print(f"已导出 {title(stats)}活动记录 {len(stats.views)} 条（{reported}）到 {out}")
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.conversations:
        return _eval_conversations(args)
    if not args.set:
        raise DomainError(
            "activities eval needs a labelled set: pass --set FILE (the default sets are in "
            "tests/data/ of a source checkout, which this installation is not)."
        )
    path = Path(args.set)
    if not path.exists():
        raise DomainError(f"labelled set not found: {path}")
    labelled = load_labelled(path)
    questions: list[str] = []
    question_files = [Path(q) for q in args.questions] if args.questions else []
    if not question_files:
        question_files = sorted(path.parent.glob("activity_questions*.yaml"))
    for qpath in question_files:
        questions.extend(load_questions(qpath))
    started = time.perf_counter()
    result = score(labelled, questions)
    millis = (time.perf_counter() - started) * 1000
    print(f"set: {path} ({result.reports} reports)")
    print(f"questions: {', '.join(map(str, question_files)) or '-'} ({result.questions})")
    for name in FIELDS + EXTRA_FIELDS:
        total = result.labelled[name] or result.reports
        print(f"  {name:<13} {result.accuracy(name):6.1%}  ({result.correct[name]}/{total})")
    print(
        f"  reports taken as questions: {result.miss_rate:6.1%}"
        f"  ({result.reports_missed}/{result.reports})"
    )
    print(
        f"  questions taken as reports: {result.false_claim_rate:6.1%}"
        f"  ({result.questions_claimed}/{result.questions})"
    )
    for style, (correct, totals) in sorted(result.by_style.items()):
        figures = ", ".join(
            f"{name} {correct[name] / totals[name]:.1%}" for name in FIELDS if totals[name]
        )
        print(f"  style {style} ({totals['date']}): {figures}")
    per_message = millis / max(1, result.reports + result.questions)
    print(f"  time: {millis:.0f} ms total, {per_message:.2f} ms per message")
    if args.verbose_failures:
        for line in result.failures:
            print("  - " + line)
    return 0


def _eval_conversations(args: argparse.Namespace) -> int:
    """Replay labelled conversations through the webhook's router, a clean database each."""
    import tempfile
    from collections.abc import Iterator
    from contextlib import contextmanager

    from bot.container import build_runtime
    from handlers.activity.replay import replay_file, report_lines
    from handlers.core.db import init_db, make_engine
    from handlers.core.outbox import Outbox
    from handlers.core.services import Services

    path = Path(args.conversations)
    if not path.exists():
        raise DomainError(f"找不到对话文件 {path}")
    router_log = logging.getLogger("handlers.core.router")
    level = router_log.level
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        values: dict[str, Any] = {
            "XIEHUI_DATA_DIR": root / "shared",
            "XIEHUI_RUN_SCHEDULER": False,
        }
        runtime = build_runtime(Settings(**values))
        counter = iter(range(1_000_000))

        @contextmanager
        def clean_services(_first: datetime) -> Iterator[Services]:
            data_dir = root / f"c{next(counter)}"
            data_dir.mkdir()
            engine = make_engine(f"sqlite:///{(data_dir / 'xiehui.db').as_posix()}")
            init_db(engine)
            runtime.services.redis.flushdb()
            try:
                yield Services(
                    engine=engine,
                    redis=runtime.services.redis,
                    outbox=Outbox(engine),
                    data_dir=data_dir,
                    knowledge=runtime.services.knowledge,
                )
            finally:
                engine.dispose()

        router_log.setLevel(logging.WARNING)
        try:
            result = replay_file(path, runtime.router, clean_services, only=args.only)
        finally:
            router_log.setLevel(level)
            runtime.close()
    print(f"set: {path}")
    for line in report_lines(result, verbose=args.verbose_failures):
        print(line)
    return 0


def _parse(args: argparse.Namespace, _settings: Settings) -> int:
    sent = datetime.fromisoformat(args.sent) if args.sent else datetime.now(SHANGHAI)
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=SHANGHAI)
    draft = parse_activity(args.text, sent)
    if draft is None:
        print("不像活动上报（会交给问答）")
        return 1
    data: dict[str, Any] = draft.to_json()
    for key in ("date", "place", "kind", "participants", "participants_approx", "items"):
        print(f"{key}: {data[key]}")
    return 0


def _bench(args: argparse.Namespace, _settings: Settings) -> int:
    """Dispatch N report → 对 conversations through the real router on a throwaway data folder
    (SQLite + embedded Redis) and print latency figures, then time 本月活动 and the exports."""
    import statistics
    import tempfile

    from bot.container import build_runtime
    from handlers.core.members import Member
    from handlers.core.messages import IncomingMessage

    router_log = logging.getLogger("handlers.core.router")
    level = router_log.level
    with tempfile.TemporaryDirectory() as folder:
        values: dict[str, Any] = {"XIEHUI_DATA_DIR": Path(folder), "XIEHUI_RUN_SCHEDULER": False}
        runtime = build_runtime(Settings(**values))
        router_log.setLevel(logging.WARNING)  # one INFO line per dispatch would drown the figures
        try:
            services, router = runtime.services, runtime.router
            n = args.leaders
            for i in range(n):
                services.members.upsert(
                    Member(
                        user_id=f"l{i}",
                        name=f"组长{i}",
                        role="leader",
                        province="广西",
                        city="北海市",
                        county="合浦县",
                        township=f"镇{i % 10}",
                        village=f"村{i}",
                        group_code=f"G{i:04d}",
                    )
                )
            services.members.upsert(
                Member(user_id="boss", role="coordinator", province="广西", county="合浦县")
            )
            sent = datetime(2026, 5, 27, 20, 0, tzinfo=SHANGHAI)
            first, second = "东西南北中大小新老上下石木水田山", "江河湖塘岭坡桥湾林竹"
            report_ms: list[float] = []
            confirm_ms: list[float] = []
            for i in range(n):
                day = 1 + i % 26
                village = f"{first[i % 15]}{second[i // 15 % 10]}{first[i // 150 % 15]}村"
                people, handed = 10 + i % 9, 20 + i
                text = f"5月{day}日在{village}开展会员活动 到了{people}个会员 发宣传资料{handed}份"
                for step, (said, sink) in enumerate(((text, report_ms), ("对", confirm_ms))):
                    message = IncomingMessage(
                        user_id=f"l{i}", text=said, sent_at=sent, msg_id=f"bench-{i}-{step}"
                    )
                    started = time.perf_counter()
                    router.dispatch(message, services)
                    sink.append((time.perf_counter() - started) * 1000)
            saved = len(month_stats(services, 2026, 5, RegionPath()).views)
            started = time.perf_counter()
            router.dispatch(
                IncomingMessage(user_id="boss", text="活动统计 2026-05", sent_at=sent),
                services,
            )
            stats_ms = (time.perf_counter() - started) * 1000
            timings = []
            for fmt in FORMATS:
                started = time.perf_counter()
                export(month_stats(services, 2026, 5, RegionPath()), fmt)
                timings.append(f"{fmt} {(time.perf_counter() - started) * 1000:.0f} ms")
        finally:
            router_log.setLevel(level)
            runtime.close()

    def describe(values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        return (
            f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"
        )

    print(f"leaders: {n}; records saved: {saved}")
    print(f"report -> card: {describe(report_ms)}")
    print(f"对 -> saved:     {describe(confirm_ms)}")
    print(f"活动统计 2026-05 over {saved} records: {stats_ms:.0f} ms")
    print("export: " + ", ".join(timings))
    return 0 if saved == n else 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "activities", help="活动记录：按月导出（及开发用的评测）", description="活动记录"
    )
    sub = parser.add_subparsers(dest="activities_command", required=True)

    exp = sub.add_parser(
        "export",
        help="导出某个月的活动记录（Excel、CSV 或 JSON）",
        description="导出某个月的活动记录。Excel 里有汇总（按乡镇、村）、明细和未上报小组三张表，"
        "标题写明地区和月份，时间是北京时间。",
    )
    exp.add_argument("--month", required=True, metavar="月份", help=MONTH_HELP)
    exp.add_argument(
        "--format", choices=FORMATS, default="xlsx", help="文件格式：xlsx（默认）、csv、json"
    )
    exp.add_argument(
        "--out", default="", metavar="文件", help="输出文件（默认 活动记录-地区-2026年11月.xlsx）"
    )
    exp.add_argument(
        "--region",
        default="",
        metavar="地区",
        help="只导出这个地区，如 广西/梧州市/藤县（默认全部地区）",
    )
    exp.set_defaults(func=_export)

    ev = sub.add_parser(
        "eval",
        help="（开发用）活动解析在标注集上的准确率",
        description="Developer command: parser accuracy on a labelled set.",
    )
    ev.add_argument(
        "--set",
        default=str(DEFAULT_SET) if DEFAULT_SET else "",
        help="labelled set (default: tests/data/activity_labelled.yaml in a source checkout)",
    )
    ev.add_argument(
        "--questions",
        action="append",
        default=[],
        help="FAQ-style questions (YAML list, or items with q:); repeatable; "
        "default: every activity_questions*.yaml next to the set",
    )
    ev.add_argument(
        "--conversations",
        default="",
        help="multi-turn conversations (YAML with roster and conversations) replayed through "
        "the webhook's router instead of scoring single messages",
    )
    ev.add_argument("--only", default="", help="with --conversations: replay one conversation id")
    ev.add_argument("--verbose-failures", action="store_true", help="list every miss")
    ev.set_defaults(func=_eval)

    bench = sub.add_parser(
        "bench",
        help="（开发用）登记活动的延迟基准",
        description="Developer command: latency of logging through the real router.",
    )
    bench.add_argument("--leaders", type=int, default=300)
    bench.set_defaults(func=_bench)

    parse = sub.add_parser(
        "parse",
        help="（开发用）看一条消息被解析成什么",
        description="Developer command: show what the parser extracts from one message.",
    )
    parse.add_argument("text")
    parse.add_argument("--sent", default="", help="ISO time, Asia/Shanghai by default")
    parse.set_defaults(func=_parse)
