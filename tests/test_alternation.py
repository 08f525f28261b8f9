"""The matcher's faster searches find exactly what the plain ones found.

``knowledge.alternation`` searches a long alternation position by position, the illegal-request
rules are tried only when the message holds a starting character of each of their parts, and
the typo corrector rules spans out by three lookups before building their blanked forms: each
is checked here against the plain formula it replaces, on the knowledge base's own questions,
on strings made of their characters and on hand-made edge cases.
"""

from __future__ import annotations

import random
import re

import pytest

from bot.settings import PACKAGED_KNOWLEDGE
from bot.web.callbench import PREFIXES, SUFFIXES, Traffic, faq_questions, phrasings
from bot.wecom.client import WeComClient
from knowledge.alternation import Alternation, _needs, compile_alternation, starts
from knowledge.base import KnowledgeBase
from knowledge.matcher import DICT_DIR, Matcher, Patterns, _read_lines, expand_classes
from knowledge.typos import MAX_SPAN
from tests.conftest import TEST_AES_KEY, TEST_CORP, TEST_TOKEN


@pytest.fixture(scope="module")
def base() -> KnowledgeBase:
    return KnowledgeBase.from_directory(PACKAGED_KNOWLEDGE)


@pytest.fixture(scope="module")
def matcher(base: KnowledgeBase) -> Matcher:
    return base.matcher


@pytest.fixture(scope="module")
def texts(matcher: Matcher) -> list[str]:
    questions = [matcher.segmenter.clean(q) for q in faq_questions()]
    chars = sorted(set("".join(questions)))
    rng = random.Random(7)
    made = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 30))) for _ in range(1500)]
    words = [
        word
        for name in ("illegal.txt", "out_of_scope.txt", "tasks.txt")
        for word in re.findall(r"[\u4e00-\u9fff]{2,}", (DICT_DIR / name).read_text("utf-8"))
    ]
    glued = ["".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(1500)]
    edges = [
        "",
        "a",
        "^",
        "身份证",
        "关怀基金",
        "公租房",
        "12306",
        "１２万块",
        "给钱给钱",
        "天气天气",
    ]
    return questions + made + glued + edges


def _plain(lines: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{line})" for line in lines))


@pytest.mark.parametrize("name", ["out_of_scope.txt", "tasks.txt", "illegal.txt"])
def test_a_pattern_file_is_searched_as_the_plain_alternation_would(
    name: str, texts: list[str]
) -> None:
    lines = [line for line in expand_classes(_read_lines(DICT_DIR / name)) if " && " not in line]
    plain = _plain(lines)
    fast = compile_alternation(lines)
    assert isinstance(fast, Alternation)  # these files are read position by position
    found = 0
    for text in texts:
        expected = plain.search(text)
        got = fast.search(text)
        assert (got and got.span()) == (expected and expected.span()), text
        spans = [m.span() for m in fast.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)], text
        found += expected is not None
    assert found > 10  # the texts do hit the patterns


@pytest.mark.parametrize("name", ["out_of_scope.txt", "tasks.txt", "illegal.txt"])
def test_a_text_without_what_an_anchored_line_needs_never_matches_it(
    name: str, texts: list[str]
) -> None:
    """At a text's start, an anchored line (^(?!.*保险).*(发烧|咳嗽)) is tried only when the
    text holds one of the characters it needs: a line never matches a text without them."""
    lines = [line for line in expand_classes(_read_lines(DICT_DIR / name)) if " && " not in line]
    anchored = [line for line in lines if starts(line) is None and _needs(_parsed(line))]
    assert anchored  # every file has some
    skipped = 0
    for line in anchored:
        needs, regex = _needs(_parsed(line)), re.compile(line)
        assert needs
        for text in texts:
            if needs.isdisjoint(text):
                assert regex.search(text) is None, (line, text)
                skipped += 1
    assert skipped > 100


def _parsed(line: str) -> list[tuple[object, object]]:
    from re import _parser  # type: ignore[attr-defined]

    return list(_parser.parse(f"(?:{line})").data)


def test_what_a_line_needs() -> None:
    assert _needs(_parsed("^(?!.*(保险|理赔)).*(发烧|咳嗽)")) == frozenset("发咳")
    assert _needs(_parsed("户口迁移|迁户口|^(?!.*保险).*身份证")) == frozenset("户迁身")
    assert _needs(_parsed("^(你好)?(吃了没|在干嘛)$")) == frozenset("吃在")
    assert _needs(_parsed("^.*")) is None  # nothing is needed: any text may match
    assert _needs(_parsed("^(?:a|.b)")) == frozenset("ab")  # . is passed over, b is not
    assert _needs(_parsed("^(?:a|.*)")) is None  # one branch needs nothing


def test_edge_cases_of_the_alternation() -> None:
    lines = [r"^(?!.*不)要钱", r"(?<!关怀)基金", r"\d+万", "天气|下雨", r"b超?", "^(?!.*红).*包"]
    fast, plain = compile_alternation(lines), _plain(lines)
    assert isinstance(fast, Alternation)
    for text in [
        "要钱",
        "不要钱",
        "我要钱",
        "关怀基金",
        "公益基金",
        "12万",
        "b",
        "b超",
        "下雨天气",
        "",
        "包",
        "红包",
        "要包",
        "基金包",
        "天包",
    ]:
        assert [m.span() for m in fast.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text
        expected = plain.search(text)
        got = fast.search(text)
        assert (got and got.group()) == (expected and expected.group()), text


@pytest.mark.parametrize(
    "lines",
    [
        [".{2}钱", "天气"],  # any character first
        ["(?i:abc)", "天气"],  # flags
        [r"(a)b\1", "天气"],  # a back reference: group numbers would change
        ["x*", "天气"],  # may match nothing
        [r"\w+钱"],  # a class whose characters are not listed
    ],
)
def test_a_pattern_whose_start_cannot_be_read_is_used_as_compiled(lines: list[str]) -> None:
    compiled = compile_alternation(lines)
    assert isinstance(compiled, re.Pattern)
    assert compiled.pattern == _plain(lines).pattern


def test_starts_reads_the_first_characters() -> None:
    assert starts("(孩子|小孩)(送|卖)") == frozenset("孩小")
    assert starts("(?<!关怀)基金|红包") == frozenset("基红")
    assert starts("^(?!.*不).*钱") is None  # anchored: any text may match at its start
    assert starts(".钱") is None
    assert "٣" in (starts(r"\d+万") or frozenset())  # \d is every Unicode decimal digit


def test_illegal_rules_hold_exactly_where_every_part_matches(
    matcher: Matcher, texts: list[str]
) -> None:
    rules = matcher.segmenter.illegal
    held = 0
    for text in texts:
        plain = any(all(part.search(text) for part in rule) for rule in rules.together)
        assert rules.rule_in(text) == plain, text
        held += plain
    assert held > 10


def test_a_rule_with_a_part_of_unknown_start_is_still_tried(tmp_path: object) -> None:
    patterns = Patterns(None, ((re.compile("."), re.compile("^[^给]")),))
    assert patterns.ungated == (0,)
    assert patterns.rule_in("不给钱")
    assert not patterns.rule_in("给钱")


def test_a_rule_part_anchored_at_the_start_is_gated_by_what_it_needs() -> None:
    patterns = Patterns(None, ((re.compile("^(?!.*医生).*(打掉|流掉)"), re.compile("女孩")),))
    assert patterns.gates == ((frozenset("打流"), frozenset("女")),)
    assert patterns.rule_in("查出是女孩想打掉")
    assert not patterns.rule_in("医生说女孩要打掉")
    assert not patterns.rule_in("查出是女孩")


def test_the_typo_prefilter_rules_out_only_spans_no_word_is_near(
    matcher: Matcher, texts: list[str]
) -> None:
    typos = matcher.typos

    def plain(span: str) -> bool:
        return span not in typos.words and any(
            span[:k] + "?" + span[k + 1 :] in typos._blanked for k in range(len(span))
        )

    rng = random.Random(5)
    chars = sorted(set("".join(texts)))
    spans = [
        t[i : i + n] for t in texts[:2000] for n in range(1, 8) for i in range(len(t) - n + 1)
    ]
    for word in sorted(typos.words):
        k = rng.randrange(len(word))
        spans.append(word[:k] + rng.choice(chars) + word[k + 1 :])
    near = 0
    for span in spans:
        assert typos._near_some(span) == plain(span), span
        near += plain(span)
    assert near > 100


def test_the_bench_sends_distinct_question_texts() -> None:
    client = WeComClient(TEST_TOKEN, TEST_AES_KEY, TEST_CORP, 1000002)
    traffic = Traffic(client, faq_questions())
    per_server = 1000 + 20_000 + 3000  # warm-up, wrk, the fixed-rate run
    assert phrasings(traffic.questions) >= per_server
    start = 10**15 + 12345
    texts = [traffic.text(start + n) for n in range(per_server)]
    assert len(set(texts)) == per_server
    questions = set(traffic.questions)
    for number in (start, start + 1, start + len(questions) * 9 + 17):
        text = traffic.text(number)
        assert any(
            text.startswith(p)
            and text.endswith(s)
            and text[len(p) : len(text) - len(s)] in questions
            for p in PREFIXES
            for s in SUFFIXES
        ), text


def test_corrections_are_the_same_when_every_length_is_tried(
    matcher: Matcher, texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typos = matcher.typos
    fast = [typos.correct(text) for text in texts]
    every = sum(1 << size for size in range(2, MAX_SPAN + 1))  # every length's bit
    monkeypatch.setattr(typos, "_sizes", lambda text: [every] * len(text))
    assert [typos.correct(text) for text in texts] == fast
    assert sum(a != b for a, b in zip(fast, texts, strict=True)) > 20  # typos were corrected


def test_answers_read_with_their_disclaimers_remembered_are_the_same(base: KnowledgeBase) -> None:
    from knowledge.answers import _without_disclaimers, entry_text

    fresh = _without_disclaimers.__wrapped__
    split = 0
    for entry in base.entries:
        answer = entry.answer.strip()
        assert _without_disclaimers(answer) == fresh(answer)
        assert _without_disclaimers(answer) == fresh(answer)  # the remembered one
        split += bool(fresh(answer)[1])
        text = entry_text(entry)
        assert text.endswith(f"（更新于 {entry.reviewed:%Y-%m}）")
    assert split > 5  # some answers do carry a disclaimer


@pytest.mark.parametrize("year", [999, 1000, 2025, 9999])
def test_a_source_line_spells_the_review_month_as_strftime_does(
    year: int, base: KnowledgeBase
) -> None:
    from dataclasses import replace
    from datetime import date

    entry = base.entries[0]
    for month in (1, 9, 10, 12):
        reviewed = date(year, month, 1)
        line = replace(entry, reviewed=reviewed).source_line()
        assert line == f"来源：{entry.source}（更新于 {reviewed:%Y-%m}）"
