"""``xiehui kb ...`` (check, export, import, eval, bench, unanswered) and ``xiehui ask``."""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.container import knowledge_dir
from bot.settings import Settings
from handlers.core.messages import SHANGHAI
from knowledge.answers import render
from knowledge.base import (
    DEFAULT_REVIEW_DAYS,
    Entry,
    Issue,
    KnowledgeBase,
    load_directory,
    parse_entry,
    validate,
)
from knowledge.evaluation import (
    Answer,
    Baseline,
    FactItem,
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


# -- export / import -----------------------------------------------------------------------


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    files, issues = load_directory(_directory(args, settings))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "knowledge"
    sheet.append(list(COLUMNS))
    count = 0
    for topic_file in files:
        for entry in topic_file.entries:
            sheet.append(
                [
                    topic_file.path.name, entry.topic, entry.id, entry.group, entry.region,
                    entry.status, "\n".join(entry.facts), "\n".join(entry.questions),
                    "\n".join(entry.keywords), entry.answer, entry.source,
                    entry.reviewed.isoformat(), entry.review_days,
                ]
            )  # fmt: skip
            count += 1
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(args.file)
    print(f"exported {count} entries to {args.file}")
    for issue in issues:
        print(issue)
    return 0


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, _literal)


def dump_topic_file(path: Path, header: dict[str, Any], entries: list[Entry]) -> None:
    """Write a topic file (header keys, then the entries in order)."""
    default_days = int(header.get("review_days") or DEFAULT_REVIEW_DAYS)
    data = dict(header)
    data["entries"] = [_entry_yaml(e, default_days) for e in entries]
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


def _entry_yaml(entry: Entry, default_days: int) -> dict[str, Any]:
    out = entry.to_yaml()
    out.pop("review_days", None)
    if entry.review_days != default_days:
        out["review_days"] = entry.review_days
    return out


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from openpyxl import load_workbook

    directory = _directory(args, settings)
    workbook = load_workbook(args.file, read_only=True, data_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    if not rows:
        print("empty sheet")
        return 1
    header = [str(h or "").strip() for h in rows[0]]
    existing, issues = load_directory(directory)
    headers: dict[str, dict[str, Any]] = {
        f.path.name: {"topic": f.topic, "title": f.title, "review_days": f.review_days}
        for f in existing
    }
    by_topic = {f.topic: f.path.name for f in existing}
    grouped: dict[str, list[Entry]] = {}
    for number, row in enumerate(rows[1:], start=2):
        raw = {
            header[i]: ("" if v is None else str(v)) for i, v in enumerate(row) if i < len(header)
        }
        if not any(raw.values()):
            continue
        name = raw.get("file") or by_topic.get(raw.get("topic", ""), "")
        if name not in headers:
            issues.append(Issue("error", f"row {number}", f"unknown file/topic {name!r}"))
            continue
        fields: dict[str, Any] = {k: v for k, v in raw.items() if k in COLUMNS and v != ""}
        for key in ("questions", "keywords", "facts"):
            if key in fields:
                fields[key] = [s.strip() for s in fields[key].splitlines() if s.strip()]
        fields["reviewed"] = str(fields.get("reviewed", ""))[:10]
        entry = parse_entry(
            fields,
            topic=str(headers[name]["topic"]),
            file=name,
            default_review_days=int(headers[name]["review_days"]),
            issues=issues,
        )
        if entry is not None:
            grouped.setdefault(name, []).append(entry)
    all_entries = [e for entries in grouped.values() for e in entries]
    issues += validate(all_entries)
    errors = [i for i in issues if i.level == "error"]
    for issue in errors:
        print(issue)
    if errors:
        print(f"not imported: {len(errors)} errors")
        return 1
    for name, entries in grouped.items():
        dump_topic_file(directory / name, headers[name], entries)
    print(f"imported {len(all_entries)} entries into {len(grouped)} files")
    return 0


# -- eval / bench --------------------------------------------------------------------------


def _eval(args: argparse.Namespace, settings: Settings) -> int:
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
    logging.getLogger("handlers.core.router").setLevel(logging.WARNING)
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
    kb = sub.add_parser("kb", help="the FAQ knowledge base")
    ksub = kb.add_subparsers(dest="kb_command", required=True)

    check = ksub.add_parser("check", help="validate the files, list overdue and pending entries")
    check.add_argument("--dir", default=None, help="knowledge directory (default: configured)")
    check.set_defaults(func=_check)

    export = ksub.add_parser("export", help="write all entries to an Excel sheet")
    export.add_argument("file")
    export.add_argument("--dir", default=None)
    export.set_defaults(func=_export)

    imp = ksub.add_parser("import", help="read an edited Excel sheet back into the topic files")
    imp.add_argument("file")
    imp.add_argument("--dir", default=None)
    imp.set_defaults(func=_import)

    ev = ksub.add_parser("eval", help="accuracy on a labelled question set, and the baseline")
    ev.add_argument("--set", default=str(DEFAULT_EVAL))
    ev.add_argument("--dev", default=str(DEFAULT_DEV), help="set for tuning the baseline")
    ev.add_argument("--worst", type=int, default=20)
    ev.add_argument("--dir", default=None)
    ev.set_defaults(func=_eval)

    bench = ksub.add_parser("bench", help="index build time and match latency")
    bench.add_argument("--set", default=str(DEFAULT_EVAL))
    bench.add_argument("--rounds", type=int, default=3)
    bench.add_argument("--dir", default=None)
    bench.set_defaults(func=_bench)

    unanswered = ksub.add_parser("unanswered", help="list the unanswered-question queue")
    unanswered.add_argument("--all", action="store_true", help="include answered ones")
    unanswered.set_defaults(func=_unanswered)

    ask = sub.add_parser("ask", help="ask the FAQ one question")
    ask.add_argument("question")
    ask.add_argument("--region", default="", help="the asker's region, e.g. 广西 or 包头")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=_ask)
