"""``xiehui kb ...`` (check, export, import, eval, bench, unanswered) and ``xiehui ask``."""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from bot.container import knowledge_dir
from bot.settings import Settings
from handlers.core.errors import DomainError
from handlers.core.messages import SHANGHAI
from knowledge.answers import render
from knowledge.base import (
    KnowledgeBase,
    load_directory,
    validate,
)
from knowledge.evaluation import (
    Answer,
    Baseline,
    FactItem,
    best_latencies,
    is_fact_set,
    latencies,
    load_fact_set,
    load_set,
    matcher_predictor,
    percentile,
    score,
    score_facts,
)
from knowledge.matcher import Matcher, Outcome, Segmenter
from knowledge.regions import Region, find_region

REPO = Path(__file__).resolve().parents[2]  # the source checkout (eval sets live in tests/)
DEFAULT_EVAL = REPO / "tests" / "data" / "faq_eval.yaml"
DEFAULT_DEV = REPO / "tests" / "data" / "faq_dev.yaml"
COLUMNS = (
    "file", "topic", "id", "group", "region", "status", "facts", "questions", "keywords",
    "answer", "source", "reviewed", "review_days",
)  # fmt: skip


def _directory(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.dir) if getattr(args, "dir", None) else knowledge_dir(settings)


# -- check -------------------------------------------------------------------------------


def _check(args: argparse.Namespace, settings: Settings) -> int:
    directory = _directory(args, settings)
    files, issues = load_directory(directory)
    entries = [e for f in files for e in f.entries]
    issues += validate(entries, today=date.today())
    errors = [i for i in issues if i.level == "error"]
    warnings = [i for i in issues if i.level == "warning"]
    for issue in errors + warnings:
        print(issue)
    from handlers.handoff import read_pending

    pending = read_pending(directory)
    for draft in pending:
        print(f"PENDING {draft.get('id')}: {str(draft.get('questions', [''])[0])[:40]}")
    overdue = sum(1 for i in warnings if "overdue" in i.message)
    print(
        f"{len(files)} files, {len(entries)} entries; {len(errors)} errors, "
        f"{len(warnings)} warnings ({overdue} overdue for review); {len(pending)} pending drafts"
    )
    return 1 if errors else 0


# -- export / import (the Excel round trip lives in knowledge.roundtrip) -----------------------


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.roundtrip import export_workbook

    directory = _directory(args, settings)
    content, count, issues = export_workbook(directory)
    out = Path(args.file)
    out.write_bytes(content)
    print(f"已把 {directory} 里的 {count} 个条目导出到 {out}。")
    print(f"在 Excel 里修改后运行 xiehui kb import {out} 预览改动，确认后加 --apply 写回。")
    for issue in issues:
        print(issue)
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.roundtrip import apply_import, plan_import

    directory = _directory(args, settings)
    path = Path(args.file)
    if not path.is_file():
        print(f"找不到文件 {path}")
        return 1
    plan = plan_import(directory, path.read_bytes())
    if plan.errors:
        print(f"{path} 有问题，没有写入任何文件：")
        for error in plan.errors[:50]:
            print(f"  {error}")
        return 1
    print(f"知识库目录：{directory}")
    print("\n".join(plan.summary()))
    if not plan.changes:
        print("没有需要写入的改动。")
        return 0
    if not args.apply:
        print("这是预览，没有写入任何文件。确认无误后加 --apply 写回知识库。")
        return 0
    written = apply_import(plan)
    print(f"已写入 {len(written)} 个文件：" + "、".join(p.name for p in written))
    print("运行中的服务会自动读取新内容，不用重启。")
    return 0


# -- eval / bench --------------------------------------------------------------------------


def _need_set(path: Path) -> None:
    if not path.is_file():
        raise DomainError(
            f"question set not found: {path}. Pass --set FILE; the default sets are in "
            "tests/data/ of a source checkout."
        )


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    _need_set(Path(args.set))
    if is_fact_set(Path(args.set)):
        return _eval_facts(args, settings)
    kb = KnowledgeBase.from_directory(_directory(args, settings))
    items = load_set(Path(args.set))
    report = score("matcher", items, matcher_predictor(kb))
    print(f"evaluation set: {args.set} ({len(items)} questions)")
    print("\n".join(report.lines(worst=args.worst)))
    baseline = Baseline(kb)
    dev_path = Path(args.dev)
    if dev_path.exists():
        threshold = baseline.tune(load_set(dev_path))
        where = f"tuned on {dev_path.name}"
    else:
        threshold, where = 0.0, "no dev set"
    base_report = score(
        f"baseline: rapidfuzz WRatio over variants, threshold {threshold:.0f} ({where})",
        items,
        baseline.predict,
    )
    print()
    print("\n".join(base_report.lines(worst=0)))
    return 0


def _eval_facts(args: argparse.Namespace, settings: Settings) -> int:
    """Score a required-facts set on what the asker sees, through the webhook's router."""
    import logging
    import tempfile
    from datetime import datetime

    from bot.container import build_runtime
    from handlers.core.members import Member
    from handlers.core.messages import IncomingMessage, Role

    items = load_fact_set(Path(args.set))
    directory = _directory(args, settings)
    for name in ("handlers.core.router", "handlers.handoff", "knowledge.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        values: dict[str, Any] = {
            "XIEHUI_DATA_DIR": Path(folder),
            "XIEHUI_KNOWLEDGE_DIR": directory,
            "XIEHUI_RUN_SCHEDULER": False,
        }
        runtime = build_runtime(Settings(**values))
        services, router = runtime.services, runtime.router
        sent = datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)
        counter = iter(range(1_000_000))

        def ask(item: FactItem) -> Answer:
            user = f"eval-{next(counter)}"
            if item.region:
                region = find_region(item.region)
                services.members.upsert(
                    Member(
                        user_id=user,
                        role=Role.FAMILY.value,
                        province=region.province,
                        city=region.city,
                    )
                )
            dispatch = router.dispatch(
                IncomingMessage(user_id=user, text=item.question, sent_at=sent), services
            )
            text = "\n".join(reply.text for reply in dispatch.replies if reply.to is None)
            outcome = getattr(dispatch.extra.get("match"), "outcome", None)
            if isinstance(outcome, Outcome):
                return Answer(outcome.value, text)
            return Answer(f"other:{dispatch.handler}", text)

        try:
            report = score_facts("answers as the asker sees them", items, ask)
        finally:
            runtime.close()
    print(f"evaluation set: {args.set} ({len(items)} questions, required facts)")
    print("\n".join(report.lines(worst=args.worst)))
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    _need_set(Path(args.set))
    directory = _directory(args, settings)
    started = time.perf_counter()
    segmenter = Segmenter()
    segmenter_ms = (time.perf_counter() - started) * 1000
    kb = KnowledgeBase.from_directory(directory)
    started = time.perf_counter()
    Matcher(kb.entries, segmenter)
    index_ms = (time.perf_counter() - started) * 1000
    items = load_set(Path(args.set))
    values = latencies(kb, items, rounds=args.rounds)
    print(f"entries: {len(kb.entries)}, questions: {len(items)} x {args.rounds} rounds")
    print(f"segmenter start-up (jieba dictionary): {segmenter_ms:.0f} ms")
    print(f"index build: {index_ms:.1f} ms")
    print(
        f"match latency per question: p50 {percentile(values, 50):.3f} ms, "
        f"p99 {percentile(values, 99):.3f} ms, max {max(values, default=0):.3f} ms"
    )
    best, reference = best_latencies(kb, items, rounds=args.rounds)
    ratio = percentile(best, 99) / (percentile(reference, 99) or 1.0)
    print(
        f"best of {args.rounds} per question: p50 {percentile(best, 50):.3f} ms, "
        f"p99 {percentile(best, 99):.3f} ms; rapidfuzz baseline p99 "
        f"{percentile(reference, 99):.3f} ms (ratio {ratio:.1f})"
    )
    return 0


# -- unanswered ----------------------------------------------------------------------------


def _unanswered(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.main import open_runtime
    from handlers.handoff import list_tickets

    with open_runtime(settings) as runtime:
        tickets = list_tickets(runtime.services.engine, include_answered=args.all)
    for t in tickets:
        when = t.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        print(
            f"#{t.id}\t{when}\t{t.status}\t{t.channel}\t{t.region or '-'}\t{t.question[:60]}"
            f"\t{','.join(t.candidate_ids[:3]) or '-'}"
        )
    print(f"{len(tickets)} question(s)")
    return 0


# -- ask -----------------------------------------------------------------------------------


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    kb = KnowledgeBase.from_directory(knowledge_dir(settings))
    region = find_region(args.region) if args.region else Region()
    hit = kb.matcher.match(args.question, region)
    text = render(hit)
    if args.json:
        payload = {
            "answer": text,
            "entry_id": hit.entry.id if hit.entry else None,
            "parts": [p.entry.id for p in hit.parts if p.entry is not None],
            "declined": hit.declined,
            "confident": hit.outcome is Outcome.CONFIDENT,
            "candidates": [e.id for e in hit.candidates],
            "outcome": hit.outcome.value,
            "confidence": round(hit.confidence, 3),
            "margin": round(hit.margin, 3),
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(text)
    return 0


def register(sub: Any) -> None:
    kb = sub.add_parser("kb", help="知识库：检查、导出导入 Excel、待答问题", description="知识库")
    ksub = kb.add_subparsers(dest="kb_command", required=True)

    check = ksub.add_parser("check", help="检查知识库文件，列出过了复核期和待入库的条目")
    check.add_argument(
        "--dir", default=None, metavar="目录", help="知识库目录（默认：配置的目录）"
    )
    check.set_defaults(func=_check)

    export = ksub.add_parser(
        "export",
        help="把知识库导出成 Excel（中文表头）",
        description="把知识库的全部条目导出成 Excel，改完用 kb import 导回。",
    )
    export.add_argument(
        "file",
        nargs="?",
        default="知识库.xlsx",
        metavar="文件",
        help="输出文件（默认 知识库.xlsx）",
    )
    export.add_argument(
        "--dir", default=None, metavar="目录", help="知识库目录（默认：配置的目录）"
    )
    export.set_defaults(func=_export)

    imp = ksub.add_parser(
        "import",
        help="把改过的 Excel 导回知识库（默认只预览）",
        description="把改过的 Excel 导回知识库：先列出将修改、新增的条目，加 --apply 才写入。"
        "只改写有变化的条目，其它内容、注释和顺序保持不变；表格里没有的条目不会被删除。",
    )
    imp.add_argument("file", metavar="文件", help="kb export 导出并修改过的 Excel 文件")
    imp.add_argument("--apply", action="store_true", help="写入知识库文件（不加只预览）")
    imp.add_argument("--dir", default=None, metavar="目录", help="知识库目录（默认：配置的目录）")
    imp.set_defaults(func=_import)

    ev = ksub.add_parser("eval", help="（开发用）在标注问题集上评估答题准确率")
    ev.add_argument("--set", default=str(DEFAULT_EVAL))
    ev.add_argument("--dev", default=str(DEFAULT_DEV), help="set for tuning the baseline")
    ev.add_argument("--worst", type=int, default=20)
    ev.add_argument("--dir", default=None)
    ev.set_defaults(func=_eval)

    bench = ksub.add_parser("bench", help="（开发用）建索引时间和匹配延迟")
    bench.add_argument("--set", default=str(DEFAULT_EVAL))
    bench.add_argument("--rounds", type=int, default=3)
    bench.add_argument("--dir", default=None)
    bench.set_defaults(func=_bench)

    unanswered = ksub.add_parser("unanswered", help="列出还没人答复的问题")
    unanswered.add_argument("--all", action="store_true", help="也列出已答复的")
    unanswered.set_defaults(func=_unanswered)

    ask = sub.add_parser("ask", help="问机器人一个政策问题")
    ask.add_argument("question", metavar="问题", help="要问的问题")
    ask.add_argument("--region", default="", metavar="地区", help="提问人的地区，如 广西、包头")
    ask.add_argument("--json", action="store_true", help="输出 JSON（给程序用）")
    ask.set_defaults(func=_ask)
