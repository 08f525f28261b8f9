"""The FAQ matcher: lexical, fast and explainable.

Pipeline for one question:

1. Normalise: NFKC, lower case, drop spaces and punctuation, then replace colloquial spellings
   by their canonical word in one longest-first pass (``dict/synonyms.txt``: 头胎 -> 一孩,
   娃 -> 孩子, 赔 -> 理赔, 咋 -> 怎么 ...), then name the situations a story describes without
   naming them (``dict/situations.txt``: 唯一的儿子…走了 is 失独). Knowledge-base variants go
   through the same passes.
2. Segment with jieba plus a domain dictionary (``dict/user.txt``, entry keywords, region names)
   and drop stop words. Character bigrams are kept as a second, typo-tolerant view.
3. Recall: BM25 over entries (all variants and keywords of an entry form one document).
4. Score the best few: idf-weighted coverage of the question's words and bigrams by the entry,
   and rapidfuzz similarity to the entry's closest variant, blended into one confidence in
   [0, 1]. Entries sharing a ``group`` (one question, several regions) compete as one.
5. Decide: confident (high confidence and a clear margin over the runner-up group), unsure
   (2-3 candidates to choose from) or no match. Illegal requests and out-of-scope topics are
   recognised before any policy answer is given.
6. Resolve the region inside the winning group: the region named in the question, else the
   asker's, else the national entry with a note that regions differ.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from operator import add
from pathlib import Path
from typing import cast

import jieba
from rapidfuzz import fuzz, process

from knowledge.alternation import Searcher, compile_alternation, needs
from knowledge.base import Entry
from knowledge.dialect import Dialect
from knowledge.regions import Region, find_region, region_words
from knowledge.scope import ScopeModel, Verdict
from knowledge.segmenting import Tokenizer
from knowledge.typos import TypoCorrector, read_near_forms

logger = logging.getLogger(__name__)

DICT_DIR = Path(__file__).resolve().parent / "dict"
_NUMERAL = frozenset("0123456789零一二两三四五六七八九十百千万第")
_DROP = re.compile(
    r"[\s\u3000,.!?;:'\"()\[\]{}<>，。！？；：、“”‘’（）【】《》…~～·\-—_/\\|@#$%^&*+=`]+"
)

#: A year said digit by digit in Chinese (二零二三年, 二〇二四年), as people dictate it.
_SPOKEN_YEAR = re.compile(r"[零〇一二三四五六七八九]{4}(?=年)")
_DIGIT = str.maketrans("零〇一二三四五六七八九", "00123456789")
_BIRTH_DATE = re.compile(r"(?:20)?(1\d|2\d)年(?:\d{1,2}月份?)?(?:\d{1,2}[日号])?(?:出生|生的|生)")
_CLAUSE_CUT = re.compile(r"([\s\u3000,，。.!！?？;；、~～…]+)")
_ASKING = re.compile(
    r"吗|(?<![这那多])么|嘛|呢|怎|咋|如何|多少|多久|多长|多大|(?<![好十前这那头])几(?![十百千万])|啥|什么|哪|谁|能否|是否|可否|为何|"
    r"(.)不\1|有没有|算不算|对不对|还是(?!.{0,5}了$)|(?<=..)不$|没有?$"
)
#: A question asking several things of one subject in one sentence (出生登记的办理时限、受理机关
#: 和所需材料是什么): the subject ends at its last 的, the things asked are joined by 和 / 及 / 、,
#: and the question word closes the sentence.
#: A message that asks about the law or how to report a prohibited act (代孕在我国合法吗, 发现有人
#:查男女 怎么举报, B超单上为什么不写男女) rather than asking for help doing it: the reply states
#: the law without telling the asker they asked for something illegal.
_ABOUT_LAW = re.compile(
    r"举报|告发|报警|检举|(?:合法|违法|犯法)的?吗|合不合法|违不违法|犯不犯法|算不算违法|是不是违法|"
    r"怎么处罚|怎么处理|如何处罚|如何处理|会被.{0,4}(?:罚|抓|判|处理)|判几年|判刑|坐牢|处罚|"
    r"是规定吗|有没有规定|哪条规定|为什么不能?(?:写|说|告诉|让|给)|法律.{0,4}(?:规定|怎么说)"
)
#: Asking where or from whom to get the prohibited thing (借腹生子合法吗 去哪找人): a request for it,
#: whatever the message also asks about the law, unless it is reporting it (举报电话去哪找).
_REPORTING = re.compile(r"举报|告发|报警|检举|投诉")
_SEEKING = re.compile(
    r"(?:去|上|在)?(?:哪里?|哪儿|哪能|哪家|哪个医院)(?:能|可以)?(?:找|做|办|弄|买)|怎么找|找谁(?:做|办|弄)|"
    r"谁(?:能|会|可以)(?:做|办|弄|帮)|联系方式|怎么联系|有没有人(?:能|会|做|办)|介绍(?:一个|个)|推荐(?:一个|个)|"
    r"想试试|怎么交接|协议(?:咋|怎么)写|具体(?:怎么)?操作"
)
_FACET_CUT = re.compile(r"[\s\u3000,，。!！?？;；]+")
_FACET_JOIN = re.compile(r"以及|及|和|、")
_FACET_TAIL = re.compile(
    r"(分别|各自|各)?(是|为|有)?(什么|多少|哪些|哪几|几|怎样的?|如何|何种|何时)|如何|怎么|怎样"
)
#: Words said between sentences when a message is dictated without punctuation.
_SPOKEN = re.compile(
    r"然后|还有就是|另外还有|顺便问[一]?下|我想知道|我想问[一]?下|我想问问|想问[一]?下"
)
#: Words that announce a question (我想问下国家那个每年发的育儿的钱 + 第三个也有吗): the clause they
#: open is what is asked about, though it has no question word of its own. 我知道 alone tells
#: what is known; 请问 opens a formal question whose subject comes before a comma
#: (请问…结婚的职工，婚假增加多少天).
_ASK_LEAD = re.compile(
    r"^(?:我|我们|俺)?(?:就|是|主要)?(?:(?:想|要)(?:问|请教|咨询|了解|知道)|问|请教|咨询)(?![了过])"
    r"(?:一下|下|问)?(?=.{3})"
)
#: Someone saying they lack something (我们没有, 家里也没有): told, not asked, although 没有 closes
#: many questions (吃了没有).
_LACKING = re.compile(
    r"(?:但是|可是|但|可|我们|我|俺们|俺|咱们|咱|他们|她们|他|她|家里|手里|手上)*(?:都|也|还|就|根本|一直)*没有?"
)
#: Sounds and greetings a dictated sentence starts with (喂, 您好, 那个, 就是).
_LEAD = re.compile(
    r"^(喂(?![奶养药饭食乳母])|哎呀|哎|嗯|呃|额(?![度外头])|那个|就是说|就是|你好|您好|打扰了|打扰一下)+(?=.)"
)
#: Who a claim was heard from, said before it (家里亲戚说国家现在…, 村里人讲…): the claim is what
#: is asked about.
_HEARSAY = re.compile(
    r"^(?:我|我们|我家)?(?:听|听到|看到)?(?:家里|村里|厂里|群里|网上|抖音上?|视频里?|新闻上?)?"
    r"(?:的)?(?:亲戚|邻居|村里人|朋友|同事|别人|人家|家里人|老人|老一辈|他们|有人|大家|婆婆|我妈|我婆婆|领导)?"
    r"(?:都)?(?:说|讲|讲的|说的|讲过|说过|传)(?=.{4})"
)
#: Spaces between syllables typed in pinyin (yu er bu tie zen me ling).
_SPACED_LATIN = re.compile(r"(?<=[a-zA-Z])[ \u3000]+(?=[a-zA-Z])")
#: Greetings said together (喂你好, 你好你好).
_GREETING_RUN = re.compile(r"(喂|你好|您好|在吗|在不在|哈喽|嗨|打扰了|打扰一下)+")
#: A number of days asked for or granted without the word for leave (他只能请三天).
_DAYS_OFF = re.compile(r"(请|休)([\d一二两三四五六七八九十几]+)天(?!假)")
#: A question that only asks whether what was told before it is so.
_VERIFY = re.compile(
    r"(这|那)?(是不是真的|是真的吗|是真的不|真的吗|真的假的|对吗|对不对|是这样吗|是不是这样|"
    r"有这回事吗|有这事吗|有没有这回事|属实吗|可信吗)(啊|呀|呢)?"
)
#: A sentence of an answer that defers to someone else (具体材料以当地派出所答复为准): it names
#: what it does not give.
_DEFERS = re.compile(r"^\s*具体|为准|仅供参考")
_SENTENCE = re.compile(r"[。！？\n]")
#: Characters that make 生 part of another word (生病, 生活, 生意, 生日, 生气): a synonym ending in
#: 生 (去年生, 前几年生: a child born then) is no such synonym before them.
_NOT_BIRTH = frozenset("病活意日气")
#: Clauses that carry nothing: dropped before a long message is read.
BM25_K1, BM25_B = 1.2, 0.75
#: Results of the segmenter's pure functions of a text (``Segmenter.remembered``), and the
#: rankings and corrections of texts (``Matcher._rank``, ``Matcher.correct``), kept across
#: messages: at most this many of each, then the memory starts afresh.
SEEN_MEMORY = 2048
#: How common (jieba's frequency) a word must be for a synonym not to swallow its first
#: character (会员 after 计生协会).
GLUED_WORD = 500
FILLER = frozenset(
    {"请问", "问一下", "问下", "我想问", "我想问问", "我想问一下", "想问一下", "想问问",
     "麻烦问一下", "请教一下", "咨询一下", "我想咨询一下", "打扰了", "打扰一下", "急", "急急急"}
)  # fmt: skip

GREETINGS = frozenset(
    {"你好", "您好", "在吗", "在不在", "在么", "hi", "hello", "哈喽", "嗨", "早上好", "上午好",
     "中午好", "下午好", "晚上好", "早", "早安", "你好呀", "您好呀", "有人吗", "有人在吗", "喂"}
)  # fmt: skip
THANKS = frozenset(
    {"谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "谢了", "谢啦", "好的谢谢", "好的", "好", "知道了",
     "明白了", "懂了", "收到", "ok", "okay", "行", "嗯", "嗯嗯", "好滴", "辛苦了", "麻烦了",
     "谢谢啦", "非常感谢", "太感谢了", "感谢感谢", "谢谢谢谢", "好的知道了",
     # acknowledgements that arrive when nothing is pending (a draft already saved or expired)
     "对", "对的", "是的", "是", "确认", "没问题", "可以", "好嘞", "中"}
)  # fmt: skip


class Outcome(StrEnum):
    CONFIDENT = "confident"
    UNSURE = "unsure"
    NONE = "none"
    REJECT = "reject"  # out of scope
    ILLEGAL = "illegal"
    GREETING = "greeting"
    THANKS = "thanks"


#: Outcomes that are about a policy question (not a greeting, an illegal or off-topic one).
POLICY = frozenset({Outcome.CONFIDENT, Outcome.UNSURE, Outcome.NONE})


@dataclass(frozen=True)
class Params:
    """Blend weights and decision thresholds (tuned on tests/data/faq_dev.yaml)."""

    w_words: float = 0.4  # share of the question's words the entry has (idf-weighted)
    w_variant: float = 0.1  # share of the closest variant's words the question has
    w_bigrams: float = 0.2
    w_fuzzy: float = 0.3
    confident: float = 0.45
    #: ... or this, for a question written in the formal register (是否, 有何, 本人系): its
    #: official words dilute the match with words no variant uses
    formal_confident: float = 0.40
    margin: float = 0.03
    sure: float = 0.75  # overrides an out-of-scope word
    clear: float = 0.8  # confidence + margin at or above this is confident too
    floor: float = 0.38  # below this: no match
    recall: int = 10
    unknown_idf: float = 0.6  # weight of a word no entry uses, as a share of the largest idf
    historical_penalty: float = 0.08
    foreign_share: float = 1.0  # weight of a topic word the index knows only in parts (病假)
    strange_confident: float = 0.6  # a question with a topic no entry knows needs this much
    topic_confidence: float = 0.4  # a clause matching an entry this well alone has a topic
    topic_words: float = 0.4  # ... and that entry knows this share of the clause's words
    long_message: int = 28  # characters: a message this long is reduced to its questions
    max_parts: int = 3  # questions answered from one message
    context_bonus: float = 0.1  # a question read with its topic clause wins ties by this much
    decisive: float = 0.1  # a short message's one question answered with this margin stands
    w_focus: float = 0.2  # an entry whose direct answer gives what the question asks for
    off_topic_share: float = 0.85  # an entry naming none of the question's benefits keeps this
    story_clauses: int = 4  # a message this many clauses long tells a story around its question
    asked_lead: float = 0.1  # a first entry this close to one giving what is asked gives way


@dataclass(frozen=True)
class Scored:
    """One entry's score for a question."""

    entry: Entry
    confidence: float
    words: float
    bigrams: float
    fuzzy: float


@dataclass(frozen=True)
class Clause:
    """One piece of a message between spaces or punctuation (cleaned, typos corrected)."""

    text: str
    asking: bool  # a question word or mark (吗, 多少, 能不能, 给钱不, ？)
    anchored: bool = False  # a family-planning word (计生, 产假, 叶酸 …)
    region: Region = field(default_factory=Region)  # a place the clause names
    raw: str = ""  # the clause as typed (cleaned, typos not corrected)
    #: a question that pointed back at what the story named, written with it (``_pointed``):
    #: it says what it is about and is read on its own
    pointed: bool = False


_Memo = dict[str, tuple[list["Scored"], list[str]]]


@dataclass(frozen=True)
class _Scope:
    """What holds for the whole message while its parts are decided."""

    region: Region
    source: str
    anchored: bool  # a family-planning word
    off_topic: bool  # an out-of-scope word and no family-planning word
    memo: _Memo  # rankings already computed for this message, by text
    formal: bool = False  # written in the formal register (是否, 有何, 依据…): ``_FORMAL``


@dataclass(frozen=True)
class FaqHit:
    """The matcher's decision for one question (what the FAQ route acts on)."""

    outcome: Outcome
    entry: Entry | None = None
    confidence: float = 0.0
    margin: float = 0.0
    candidates: tuple[Entry, ...] = ()
    candidate_notes: tuple[str, ...] = ()
    region: Region = field(default_factory=Region)
    region_source: str = ""  # text | asker | "" (none known)
    note: str = ""
    ranked: tuple[Scored, ...] = ()
    #: One confident hit per question when the message asks two or more (this hit is the
    #: first of them); empty for a single question.
    parts: tuple[FaqHit, ...] = ()
    #: Questions of the same message that are out of scope (answered with a short note).
    declined: int = 0
    #: How far along the pregnancy the asker says it was (怀孕三个月, 四个多月, 未满4个月):
    #: an answer whose rule depends on it gives the asker's branch only.
    months: float | None = None
    #: An illegal hit whose message asks about the law or how to report the act, not for help
    #: doing it (see ``_ABOUT_LAW``).
    about_law: bool = False

    @property
    def top_entry(self) -> Entry | None:
        """The best entry whatever the outcome (for evaluation and hand-off hints)."""
        if self.entry is not None:
            return self.entry
        return self.candidates[0] if self.candidates else None


#: Words only a question written like a letter to an office uses (是否, 有何, 何时, 本人系).
_FORMAL = re.compile(
    r"是否|有何|何种|何时|何处|何地|为何|可否|能否|本人|依据|敬请|烦请|现行|享有|应当|应由|予以|"
    r"所需|如有|若有|咨询|出台|规定"
)
#: Words of a question comparing two places (各, 分别, 哪个长, 一样吗).
_COMPARING = re.compile(r"各|分别|哪个|哪边|哪里的|区别|不同|不一样|一样吗|一样不|差别|比较|对比")
#: 他 / 她 standing for one person (not 他们, 其他, 他人).
_PRONOUN = re.compile(r"(?<![其吉])[他她](?![们人])")
#: Family-planning words that name no benefit or service of their own (a birth order, the
#: association, the local names of the family-planning insurance): they do not say which entry
#: a question is about.
_GENERIC_ANCHOR = re.compile(
    r"计生|计划生育|[头一二三四]胎|[一二三四]孩|独生子女|独生子|独生女|超生|关爱保险|爱心保险"
)
#: A benefit pointed back to (这个补贴, 那个保险, 这种假): said after the story that names it.
_THIS_ONE = re.compile(
    r"(?:这个|那个|这种|那种|这项|那项|该)(?P<head>补贴|补助|保险|奖励|扶助金|扶助|津贴|假|检查|筛查)"
)
#: A question that opens by pointing back at one thing the story named (这是查什么的, 那个要
#: 多少钱) or at two of them (这两个各在什么时候做, 俩都要做吗).
_POINTED = re.compile(r"^(?:这|那)(?:个|种|项)?(?=是|要|得|能|该|算|在|怎么|咋|什么|啥|多|几|哪)")
_BOTH = re.compile(r"^(?:这|那)?(?:两个|两样|两项|两种|俩)(?:都|各自|各|分别)?")
#: A document a formal question cites before saying what it asks about (《…条例》（2016年修改）
#: 对独生子女父母奖励费…有何规定): the subject is what follows 对 / 关于, not the document.
_CITED = re.compile(
    r"(?:根据|按照|依据|按)?(?:《[^》]{2,40}》|[\u4e00-\u9fff]{2,30}?(?:条例|办法|实施方案|指导意见))"
    r"(?:[（(][^）)]{0,12}[）)])?(?:中|里)?(?=对|关于)"
)
#: What a question may ask for that an answer states as a figure (``dict/focus.txt``): an
#: answer either gives one or does not.
_FIGURES = frozenset({"money", "time", "count", "age", "phone"})
#: Units that, with numerals, make a word that only says how much or when (一个月, 3岁, 几次).
_UNITS = frozenset("个岁周天月年次项份元块万号日时分")


def _stand_in(named: Sequence[tuple[str, str]], pronoun: re.Match[str]) -> str:
    """The family member named last that ``pronoun`` can stand for (``Matcher.resolve_pronouns``)."""
    for word, pronouns in reversed(named):
        if pronoun.group() in pronouns:
            return word
    return pronoun.group()


def _keep(text: str, asked: Sequence[str]) -> list[str]:
    """The texts later questions may lean on: ``text`` and the one before it."""
    return [text, *[t for t in asked if t != text][:1]]


def _repeats(hit: FaqHit, hits: Sequence[FaqHit]) -> bool:
    """Whether ``hit`` gives an answer one of ``hits`` already gives."""
    if hit.entry is None:
        return False
    key = hit.entry.group_key
    return any(
        h.outcome is Outcome.CONFIDENT and h.entry is not None and h.entry.group_key == key
        for h in hits
    )


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _compile_any(patterns: Iterable[str]) -> Searcher | None:
    return compile_alternation(patterns)


#: Separates the parts of a co-occurrence rule in a pattern file.
TOGETHER = " && "
#: A word class of a pattern file: ``@CHILD = 孩子|婴儿|…`` defines it, ``{CHILD}`` uses it.
_CLASS_LINE = re.compile(r"^@([A-Z][A-Z_]*)\s*=\s*(.+)$")
_CLASS_USE = re.compile(r"\{([A-Z][A-Z_]*)\}")


def expand_classes(lines: Sequence[str]) -> list[str]:
    """The pattern lines with word classes written out (class definitions removed).

    A rule describes what an unlawful plan needs (a child, money, the child going to someone
    else) by concept; each concept is one class, defined once and shared by every rule that
    needs it, so a new way of saying one concept is added in one place for all of them.
    A class may use classes defined before it; an unknown class is an error."""
    classes: dict[str, str] = {}
    out: list[str] = []

    def expand(line: str) -> str:
        def one(found: re.Match[str]) -> str:
            name = found.group(1)
            if name not in classes:
                raise ValueError(f"pattern line uses an undefined word class {{{name}}}: {line}")
            return f"(?:{classes[name]})"

        return _CLASS_USE.sub(one, line)

    for line in lines:
        defined = _CLASS_LINE.match(line)
        if defined is not None:
            classes[defined.group(1)] = expand(defined.group(2).strip())
        else:
            out.append(expand(line))
    return out


@dataclass(frozen=True)
class Patterns:
    """One pattern file: phrases and co-occurrence rules.

    A plain line is a regular expression for a phrase; it is looked for inside one clause (the
    text between the asker's spaces and punctuation), so two neighbouring clauses never make a
    phrase together (还来得及买吗 + 要不要准生证 is no 买准生证). A line ``A && B && C`` is a
    co-occurrence rule: it holds when every part matches somewhere in the message, in any order
    (a child, money and handing the child over, told in different sentences).
    """

    phrase: Searcher | None = None
    together: tuple[tuple[re.Pattern[str], ...], ...] = ()
    #: Per rule, the characters each part needs, where they are known (``alternation.needs``:
    #: its starting characters, or for an anchored part such as ``^(?!.*医生).*(打掉|流掉)``
    #: those of what every match of it consumes, 打 流): a message holding none of one part's
    #: cannot hold the rule, which a set intersection tells before any pattern is searched.
    gates: tuple[tuple[frozenset[str], ...], ...] = field(init=False, repr=False, compare=False)
    #: The same as bits: rule ``r`` owns the ``width`` bits from ``r * width``, one per gated
    #: part (``width``: the most gated parts of a rule); ``char_bits``: a character -> the
    #: bits of the parts that need it; ``filler``: the bits of no part (a rule with fewer
    #: parts, or none), always lit. A message's characters light the parts that need them,
    #: and the rules all of whose bits are lit (a few shifts and ANDs for all the rules at
    #: once) are the ones searched. ``ungated``: rules with no known part (always searched).
    char_bits: dict[str, int] = field(init=False, repr=False, compare=False)
    width: int = field(init=False, repr=False, compare=False)
    filler: int = field(init=False, repr=False, compare=False)
    firsts: int = field(init=False, repr=False, compare=False)  # each rule's first bit
    ungated: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        gates = tuple(
            tuple(chars for chars in map(needs, (p.pattern for p in rule)) if chars is not None)
            for rule in self.together
        )
        width = max(map(len, gates), default=0) or 1
        char_bits: dict[str, int] = {}
        filler = firsts = 0
        for index, gate in enumerate(gates):
            firsts |= 1 << index * width
            for part in range(width):
                bit = 1 << index * width + part
                if part >= len(gate):
                    filler |= bit
                    continue
                for char in gate[part]:
                    char_bits[char] = char_bits.get(char, 0) | bit
        object.__setattr__(self, "gates", gates)
        object.__setattr__(self, "char_bits", char_bits)
        object.__setattr__(self, "width", width)
        object.__setattr__(self, "filler", filler)
        object.__setattr__(self, "firsts", firsts)
        object.__setattr__(self, "ungated", tuple(i for i, g in enumerate(gates) if not g))

    @classmethod
    def read(cls, path: Path) -> Patterns:
        lines = expand_classes(_read_lines(path))
        phrases = [line for line in lines if TOGETHER not in line]
        rules = tuple(
            tuple(re.compile(part.strip()) for part in line.split(TOGETHER))
            for line in lines
            if TOGETHER in line
        )
        return cls(_compile_any(phrases), rules)

    def phrase_in(self, texts: Iterable[str]) -> re.Match[str] | None:
        """The first phrase found in one of ``texts`` (each one clause)."""
        if self.phrase is None:
            return None
        for text in texts:
            found = self.phrase.search(text)
            if found is not None:
                return found
        return None

    def rule_in(self, text: str) -> bool:
        """Whether a co-occurrence rule holds for the whole message ``text``."""
        char_bits = self.char_bits
        lit = self.filler
        for char in set(text):
            lit |= char_bits.get(char, 0)
        # the rules whose bits are all lit, as the first bit of each
        held = lit
        for shift in range(1, self.width):
            held &= lit >> shift
        held &= self.firsts
        together, width = self.together, self.width
        while held:  # a rule holds or not whatever the order they are tried in
            low = held & -held
            held ^= low
            for part in together[(low.bit_length() - 1) // width]:
                if part.search(text) is None:
                    break
            else:
                return True
        return False


#: Whether a :class:`Segmenter` leaves jieba's process-wide dictionary loaded once it has its
#: copy (see :func:`serve_lean`).
_KEEP_SHARED_DICTIONARY = True


def serve_lean() -> None:
    """For a serving process (``xiehui serve`` and each of its workers), before the knowledge
    base is built: a :class:`Segmenter` frees jieba's process-wide dictionary once it has its
    own copy. That dictionary is only the clean source of the next copy; its table is about
    15 MB of a worker's RSS. A serving process builds one Segmenter, and another only when the
    knowledge files change, which then loads jieba's dictionary again from jieba's cache
    (about 0.5 s, in the background check). Tests and tools build many and keep it."""
    global _KEEP_SHARED_DICTIONARY
    _KEEP_SHARED_DICTIONARY = False


class Segmenter:
    """Normalisation and word segmentation with the domain dictionary (built once per store).

    jieba's own tokenizer instance is used (not the module-level default) so adding words here
    never changes segmentation elsewhere in the process.
    """

    def __init__(self, dict_dir: Path = DICT_DIR) -> None:
        jieba.setLogLevel(logging.WARNING)
        # jieba loads its main dictionary once per process (about 0.5 s); each Segmenter takes a
        # private copy of it (about 10 ms) so its domain words stay its own.
        base = jieba.dt
        if not base.initialized:
            base.initialize()
        self.tokenizer = Tokenizer()
        self.tokenizer.FREQ = dict(base.FREQ)
        self.tokenizer.total = base.total
        self.tokenizer.initialized = True
        if not _KEEP_SHARED_DICTIONARY:
            with base.lock:
                base.FREQ, base.total, base.initialized = {}, 0, False
        self.synonyms: dict[str, str] = {}
        for line in _read_lines(dict_dir / "synonyms.txt"):
            canonical, *variants = line.split()
            self.tokenizer.add_word(canonical, 2000)
            self.synonyms.setdefault(canonical.lower(), canonical)
            for variant in variants:
                self.synonyms.setdefault(variant.lower(), canonical)
        keys = sorted(self.synonyms, key=len, reverse=True)
        self._synonym_re = re.compile("|".join(map(re.escape, keys))) if keys else None
        for line in _read_lines(dict_dir / "user.txt"):
            word, *rest = line.split()
            self.tokenizer.add_word(word, int(rest[0]) if rest and rest[0].isdigit() else 1000)
        for word in region_words():
            self.tokenizer.add_word(word, 3000)
        self.stopwords = frozenset(
            w for line in _read_lines(dict_dir / "stopwords.txt") for w in line.split()
        )
        self.region_pattern = re.compile(
            "|".join(map(re.escape, sorted(region_words(), key=len, reverse=True)))
        )
        self.dialect = Dialect.read(dict_dir / "cantonese.txt")
        self.illegal = Patterns.read(dict_dir / "illegal.txt")
        self.out_of_scope = _compile_any(_read_lines(dict_dir / "out_of_scope.txt"))
        self.tasks = _compile_any(_read_lines(dict_dir / "tasks.txt"))
        self.scope = ScopeModel.read(dict_dir / "scope_model.txt")
        in_scope = _read_lines(dict_dir / "in_scope.txt")
        # a few dozen words: re's own search (it skips to their first characters) is faster
        self.in_scope = re.compile("|".join(f"(?:{p})" for p in in_scope)) if in_scope else None
        self.near_forms = read_near_forms(dict_dir / "near_forms.txt")
        self.situations: list[tuple[str, re.Pattern[str]]] = []
        for line in _read_lines(dict_dir / "situations.txt"):
            name, _, pattern = line.partition("\t")
            self.situations.append((name.strip(), re.compile(pattern.strip())))
        self.focus: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = []
        for line in _read_lines(dict_dir / "focus.txt"):
            name, asked, given = line.split("\t")
            self.focus.append((name, re.compile(asked), re.compile(given)))
        # Family members, longest first, with the pronouns that can stand for them.
        people: list[tuple[str, str]] = []
        for line in _read_lines(dict_dir / "persons.txt"):
            pronouns, *words = line.split()
            people += [(word, pronouns) for word in words]
        people.sort(key=lambda wp: len(wp[0]), reverse=True)
        self.people = dict(people)
        self.person_pattern = (
            re.compile("|".join(re.escape(w) for w, _ in people)) if people else None
        )
        self.attributes = frozenset(
            w for line in _read_lines(dict_dir / "attributes.txt") for w in line.split()
        )
        self.first: list[tuple[str, re.Pattern[str]]] = []
        for line in _read_lines(dict_dir / "first.txt"):
            group, _, pattern = line.partition(" ")
            self.first.append((group, re.compile(pattern.strip())))
        # Plain words of the dictionaries: what a misspelt question may be corrected to.
        self.lexicon: set[str] = set(self.synonyms) | set(self.synonyms.values())
        self.lexicon.update(line.split()[0] for line in _read_lines(dict_dir / "user.txt"))
        self.lexicon.update(w for line in in_scope for w in line.split("|") if w.isalpha())
        # (phrases only: the short everyday words of co-occurrence rules, 报晚 or 写多, would
        # turn right words into them, 报完 into 报晚)
        for line in _read_lines(dict_dir / "illegal.txt"):
            if (
                TOGETHER not in line
                and not _CLASS_LINE.match(line)
                and not _CLASS_USE.search(line)
            ):
                self.lexicon.update(re.findall(r"[\u4e00-\u9fff]{2,}", line))
        self._known: set[str] = set()
        self._seen: dict[tuple[str, str], object] = {}

    def add_words(self, words: Iterable[str]) -> None:
        for word in words:
            word = self.clean(word)
            if len(word) >= 2 and word not in self._known:
                self._known.add(word)
                self.tokenizer.add_word(word, 1500)
        self._seen.clear()

    @staticmethod
    def clean(text: str) -> str:
        """NFKC, lower case, no spaces or punctuation."""
        return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())

    def forget(self) -> None:
        """Start a new message. ``normalise``, ``words`` and ``off_clause`` remember their
        results (a message's clauses and their combinations are read many times over, and
        messages share clauses): the memory starts afresh once it holds ``SEEN_MEMORY``
        results, so it stays small."""
        if len(self._seen) >= SEEN_MEMORY:
            self._seen.clear()

    def remembered(self, kind: str, text: str, compute: Callable[[str], object]) -> object:
        """``compute(text)``, computed once while remembered (see ``forget``); ``kind`` names
        what is computed, a function of the text and this segmenter's dictionaries only."""
        key = (kind, text)
        known = self._seen.get(key)
        if known is None:
            known = self._seen[key] = compute(text)
        return known

    def normalise(self, text: str) -> str:
        """Cleaned, synonyms replaced, region names removed (regions are resolved apart).

        A birth date is reduced to its year (2023年10月生的 -> 2023年出生) so the synonym
        table can tell a child born before the subsidy started (以前出生)."""
        return cast(str, self.remembered("n", text, self._normalise))

    def _normalise(self, text: str) -> str:
        cleaned = self.region_pattern.sub("", self.clean(text))
        cleaned = _SPOKEN_YEAR.sub(lambda m: m.group().translate(_DIGIT), cleaned)
        cleaned = _BIRTH_DATE.sub(lambda m: f"20{m.group(1)}年出生", cleaned)
        cleaned = _DAYS_OFF.sub(r"\1\2天假", cleaned)
        if self._synonym_re is not None:
            cleaned = self._synonym_re.sub(partial(self._synonym, cleaned), cleaned)
        return self._named_situations(cleaned)

    def situation(self, text: str) -> bool:
        """Whether ``text`` describes a situation without naming it (``dict/situations.txt``)."""
        cleaned = self.clean(text)
        normalised = self.normalise(text)
        return any(name in normalised and name not in cleaned for name, _ in self.situations)

    def _named_situations(self, text: str) -> str:
        """``text`` with the name of each situation it describes without naming it written
        after the description (``dict/situations.txt``: 独生子女前年出车祸走了 is 失独)."""
        for name, pattern in self.situations:
            if name in text:
                continue
            found = pattern.search(text)
            if found is not None:
                text = text[: found.end()] + name + text[found.end() :]
        return text

    def _synonym(self, text: str, found: re.Match[str]) -> str:
        """The canonical word for a synonym found in ``text``; but a synonym whose last
        character starts a common word with the character after it (计生协会 + 员: 会员) gives
        that character back, when the rest is a synonym too (计生协 + 会员, not 计生协 + 员)."""
        key, end = found.group(), found.end()
        if (
            len(key) > 2
            and end < len(text)
            and key[:-1] in self.synonyms
            and self.tokenizer.FREQ.get(text[end - 1 : end + 1], 0) >= GLUED_WORD
        ):
            return self.synonyms[key[:-1]] + key[-1]
        if key.endswith("生") and text[end : end + 1] in _NOT_BIRTH:
            # 前几年生病走了 tells of an illness, not of a child born years ago
            return key
        return self.synonyms[key]

    def words(self, normalised: str) -> list[str]:
        """Content words. A two-character word jieba guesses for an unknown string that
        starts or ends with a stop word (人买 in 哪些人买的) is split back into characters."""
        return list(cast(list[str], self.remembered("w", normalised, self._words)))

    def _words(self, normalised: str) -> list[str]:
        out: list[str] = []
        freq = self.tokenizer.FREQ
        for word in self.tokenizer.lcut(normalised, HMM=True):
            if (
                len(word) == 2
                and not freq.get(word)
                and (word[0] in self.stopwords or word[1] in self.stopwords)
            ):
                out.extend(c for c in word if c not in self.stopwords)
            elif word not in self.stopwords and word.strip():
                out.append(word)
        return out

    def bigrams(self, normalised: str) -> list[str]:
        chars = [c for c in normalised if c not in self.stopwords]
        if len(chars) == 1:
            return chars
        return [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]


@dataclass
class _Doc:
    entry: Entry
    words: dict[str, int]
    bigrams: frozenset[str]
    length: int
    variants: tuple[str, ...]
    variant_words: tuple[frozenset[str], ...] = ()
    gives: frozenset[str] = frozenset()  # what the direct answer gives (dict/focus.txt)
    details: frozenset[str] = frozenset()  # ... and what the whole answer gives
    body: frozenset[str] = frozenset()  # ... and its lines that are not a disclaimer


class Matcher:
    """An index over the entries of one knowledge-base snapshot."""

    def __init__(
        self,
        entries: Sequence[Entry],
        segmenter: Segmenter | None = None,
        params: Params | None = None,
    ) -> None:
        self.segmenter = segmenter or Segmenter()
        self.params = params or Params()
        self.segmenter.add_words(k for e in entries for k in e.keywords)
        self.docs: list[_Doc] = []
        self.index: dict[str, int] = {e.id: i for i, e in enumerate(entries)}
        self.groups: dict[str, list[int]] = {}
        word_df: dict[str, int] = {}
        bigram_df: dict[str, int] = {}
        self.postings: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            texts = [self.segmenter.normalise(q) for q in entry.questions]
            texts += [self.segmenter.normalise(k) for k in entry.keywords]
            counts: dict[str, int] = {}
            bigrams: set[str] = set()
            for text in texts:
                for word in self.segmenter.words(text):
                    counts[word] = counts.get(word, 0) + 1
                bigrams.update(self.segmenter.bigrams(text))
            questions = texts[: len(entry.questions)]
            variants = tuple(self._fuzzy_form(t) for t in questions)
            variant_words = tuple(frozenset(self.segmenter.words(t)) for t in questions)
            direct = entry.answer.strip().split("\n")[0]
            focus = self.segmenter.focus
            gives = frozenset(name for name, _, given in focus if given.search(direct))
            details = frozenset(name for name, _, given in focus if given.search(entry.answer))
            stated = "。".join(
                part for part in _SENTENCE.split(entry.answer) if not _DEFERS.search(part)
            )
            body = frozenset(name for name, _, given in focus if given.search(stated))
            doc = _Doc(
                entry,
                counts,
                frozenset(bigrams),
                sum(counts.values()),
                variants,
                variant_words,
                gives,
                details,
                body,
            )
            self.docs.append(doc)
            self.groups.setdefault(entry.group_key, []).append(index)
            for word in counts:
                word_df[word] = word_df.get(word, 0) + 1
                self.postings.setdefault(word, []).append(index)
            for bigram in bigrams:
                bigram_df[bigram] = bigram_df.get(bigram, 0) + 1
                self.postings.setdefault("#" + bigram, []).append(index)
        n = max(len(self.docs), 1)
        self.avg_length = sum(d.length for d in self.docs) / n if self.docs else 1.0
        self.max_idf = math.log(1 + n)
        self.word_idf = {w: self._idf(df, n) for w, df in word_df.items()}
        self.bigram_idf = {b: self._idf(df, n) for b, df in bigram_df.items()}
        # A word's BM25 weight in each entry that has it (it depends on the entry, not on the
        # question).
        k1, b = BM25_K1, BM25_B
        self.word_weights: dict[str, list[tuple[int, float]]] = {}
        for word, idf in self.word_idf.items():
            in_entries = []
            for index in self.postings[word]:
                doc = self.docs[index]
                tf = doc.words[word]
                norm = tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc.length / self.avg_length))
                in_entries.append((index, idf * norm))
            self.word_weights[word] = in_entries
        self.variant_idf = [
            tuple({w: self.word_idf.get(w, 0.0) for w in v} for v in d.variant_words)
            for d in self.docs
        ]
        self.variant_totals = [
            tuple(sum(self.word_idf.get(w, 0.0) for w in v) or 1.0 for v in d.variant_words)
            for d in self.docs
        ]
        # Per entry, word -> its share of each variant (idf / that variant's total, 0.0 in a
        # variant without it): a question's share of every variant is then the sum of its
        # words' vectors, one vector addition per word the entry has (adding 0.0 changes no
        # sum, so each variant's sum is the one added up word by word).
        self.variant_shares: list[dict[str, tuple[float, ...]]] = []
        for weights, totals in zip(self.variant_idf, self.variant_totals, strict=True):
            shares: dict[str, list[float]] = {}
            for number, (variant, total) in enumerate(zip(weights, totals, strict=True)):
                for word, idf in variant.items():
                    shares.setdefault(word, [0.0] * len(weights))[number] = idf / total
            self.variant_shares.append({w: tuple(v) for w, v in shares.items()})
        # Dictionary words first, then keywords, then any word of a variant (variants may hold
        # typos of their own), the more entries the likelier.
        # Words jieba invents for unknown strings (typos inside variants) are left out.
        freq = self.segmenter.tokenizer.FREQ
        vocabulary = {w: word_df[w] / (n + 1) for w in self.word_idf if freq.get(w)}
        vocabulary.update({self.segmenter.clean(k): 2.0 for e in entries for k in e.keywords})
        vocabulary.update(dict.fromkeys(self.segmenter.lexicon, 3.0))
        self._heads: dict[str, list[str]] = {}  # head noun -> vocabulary words ending in it
        self._known_text: dict[str, str] = {}  # entry id -> the text ``_knows`` looks in
        self._rankings: dict[str, tuple[list[Scored], list[str]]] = {}  # see ``_rank``
        self._corrected: dict[str, str] = {}  # see ``correct``
        self.typos = TypoCorrector(
            vocabulary, self.segmenter.near_forms, freq, self.segmenter.synonyms
        )

    def _known_pieces(self, words: Iterable[str]) -> tuple[list[str], list[str]]:
        """Split a word the index does not know into parts it does know ("能休" -> "休").

        jieba sometimes glues a function word to a content word; the glued form is unknown to
        every entry and would count against all of them. A word that is not such a glue (its
        parts leave content characters over, as in 流感疫苗 -> 疫苗 + 流感, or it has no function
        word in it at all, as in 病假 -> 病 + 假) is a topic the knowledge base does not know:
        its known parts are kept and the word itself is returned as foreign, so it still counts
        against every entry.
        """
        out: list[str] = []
        foreign: list[str] = []
        stop = self.segmenter.stopwords
        for word in words:
            if word in self.word_idf or len(word) < 2:
                out.append(word)
                continue
            parts = [
                p
                for p in self.segmenter.tokenizer.lcut_for_search(word)
                if p != word and p in self.word_idf and p not in stop
            ]
            if parts:
                covered = set("".join(parts))
                glued = all(c in covered or c in stop or c in _NUMERAL for c in word)
            else:
                parts = [c for c in word if c in self.word_idf and c not in stop]
                glued = any(c in stop or c in _NUMERAL for c in word)
            out.extend(parts or [word])
            if parts and not glued:
                foreign.append(word)
        return out, foreign

    @staticmethod
    def _idf(df: int, n: int) -> float:
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _fuzzy_form(self, normalised: str) -> str:
        return "".join(self.segmenter.words(normalised))

    # -- scoring ---------------------------------------------------------------------------

    def rank(self, text: str) -> list[Scored]:
        """Entries scored for ``text``, best first (only the recalled few)."""
        return self._rank(text)[0]

    def _rank(self, text: str, memo: _Memo | None = None) -> tuple[list[Scored], list[str]]:
        """``rank`` and the question's strange words: topics no entry knows (车险, 病假).

        ``memo`` keeps the rankings of one message's texts (its clauses are ranked more than
        once while its parts are decided)."""
        if memo is not None:
            known = memo.get(text)
            if known is None:
                # rankings depend on the text and this index only: kept across messages too
                rankings = self._rankings
                known = rankings.get(text)
                if known is None:
                    if len(rankings) >= SEEN_MEMORY:
                        rankings.clear()
                    known = rankings[text] = self._rank(text)
                memo[text] = known
            return known
        seg = self.segmenter
        normalised = seg.normalise(text)
        pieces, foreign = self._known_pieces(seg.words(normalised))
        words = list(dict.fromkeys(pieces))
        strange = list(dict.fromkeys(foreign + [w for w in words if self._is_strange(w)]))
        bigrams = list(dict.fromkeys(seg.bigrams(normalised)))
        if not words and not bigrams:
            return [], strange
        params = self.params
        # Sums per entry in lists (every weight is positive: an entry is hit once its BM25
        # sum is not 0), each summed in the same order as ever; ``hit``: the entries hit, in
        # the order they were first hit, which breaks ties in the recall.
        size = len(self.docs)
        bm25 = [0.0] * size
        word_hit = [0.0] * size
        bigram_hit = [0.0] * size
        hit: list[int] = []
        unknown = self.max_idf * params.unknown_idf
        word_total = sum(self.word_idf.get(w, unknown) for w in words)
        word_total = word_total + unknown * params.foreign_share * len(set(foreign)) or 1.0
        bigram_total = sum(self.bigram_idf.get(g, unknown) for g in bigrams) or 1.0
        for word in words:
            idf = self.word_idf.get(word)
            if idf is None:
                continue
            for index, weight in self.word_weights[word]:
                if not bm25[index]:
                    hit.append(index)
                bm25[index] += weight
                word_hit[index] += idf
        for bigram in bigrams:
            idf = self.bigram_idf.get(bigram)
            if idf is None:
                continue
            share = 0.3 * idf
            for index in self.postings.get("#" + bigram, ()):
                if not bm25[index]:
                    hit.append(index)
                bigram_hit[index] += idf
                bm25[index] += share
        if not hit:
            return [], strange
        recalled = sorted(hit, key=bm25.__getitem__, reverse=True)[: params.recall]
        query_form = "".join(words)
        query_words = set(words)
        wants = [name for name, asked, _ in seg.focus if asked.search(text)]
        scored = []
        for index in recalled:
            doc = self.docs[index]
            # (a variant no word of the question is in keeps 0.0, below any share)
            per_variant: Sequence[float] = ()
            shares = self.variant_shares[index]
            for word in query_words:
                vector = shares.get(word)
                if vector is not None:
                    per_variant = list(map(add, per_variant, vector)) if per_variant else vector
            cover_v = max(per_variant, default=0.0)
            cover_w = word_hit[index] / word_total
            cover_b = bigram_hit[index] / bigram_total
            best = process.extractOne(query_form, doc.variants, scorer=fuzz.ratio)
            fuzzy = best[1] / 100 if best else 0.0
            confidence = (
                params.w_words * cover_w
                + params.w_variant * cover_v
                + params.w_bigrams * cover_b
                + params.w_fuzzy * fuzzy
            )
            confidence = min(confidence, 1.0)
            if wants:
                # An answer that gives what is asked for (an amount, a count, papers) first,
                # in its direct answer or at least in its details. The score may pass 1.0, so
                # that of two perfect matches it still comes first; a decision reports at most
                # 1.0 (``_decide``).
                given = sum((w in doc.gives) + (w in doc.details) for w in wants) / 2
                confidence *= 1 + params.w_focus * given / len(wants)
            scored.append(Scored(doc.entry, confidence, cover_w, cover_b, fuzzy))
        topics = self._topics(text)
        if topics:
            # The benefit or service the question names (育儿补贴, 产假, 特扶) is what it is
            # about: an entry that knows none of them matched on the words around it (发到几岁
            # of 独生子女保健费) and gives way to one that does.
            share = params.off_topic_share
            scored = [
                s
                if self._knows(s.entry, topics)
                else Scored(s.entry, s.confidence * share, s.words, s.bigrams, s.fuzzy)
                for s in scored
            ]
        scored.sort(key=lambda s: s.confidence, reverse=True)
        return scored, strange

    def _topics(self, text: str) -> set[str]:
        """The benefits and services ``text`` names (family-planning words that are not a
        birth order or the association itself)."""
        return {w for w in self.anchors(text) if not _GENERIC_ANCHOR.fullmatch(w)}

    def _knows(self, entry: Entry, words: set[str]) -> bool:
        """Whether ``entry`` (its variants, keywords or answer) names one of ``words``."""
        known = self._known_text.get(entry.id)
        if known is None:
            doc = self.docs[self.index[entry.id]]
            seg = self.segmenter
            known = "".join(doc.variants) + "".join(doc.words) + seg.normalise(entry.answer)
            known += entry.answer
            self._known_text[entry.id] = known
        return any(w in known for w in words)

    def _is_strange(self, word: str) -> bool:
        """A content word no entry uses (not a glued function word, not a number)."""
        stop = self.segmenter.stopwords
        return (
            len(word) >= 2
            and word not in self.word_idf
            and not any(c in stop for c in word)
            and not all(c in _NUMERAL for c in word)
        )

    def correct(self, cleaned: str) -> str:
        """A cleaned question with misspelt domain words rewritten (region names kept) and
        words typed in pinyin written in characters."""
        known = self._corrected.get(cleaned)
        if known is None:
            if len(self._corrected) >= SEEN_MEMORY:
                self._corrected.clear()
            known = self._corrected[cleaned] = self._correct(cleaned)
        return known

    def _correct(self, cleaned: str) -> str:
        cleaned = self.typos.romanised(cleaned)
        protected = [m.span() for m in self.segmenter.region_pattern.finditer(cleaned)]
        return self.typos.correct(cleaned, protected)

    def classify(
        self, text: str, fixed: str | None = None, clauses: Sequence[Clause] | None = None
    ) -> Outcome | None:
        """Greeting, thanks or an illegal request, recognised before any matching
        (``fixed``: the cleaned text with typos corrected, and ``clauses`` its clauses, when
        already known). An illegal phrase is looked for clause by clause, a co-occurrence rule
        over the whole message (``Patterns``)."""
        cleaned = self.segmenter.clean(text)
        if cleaned in GREETINGS or (len(cleaned) <= 6 and cleaned.rstrip("啊呀哈") in GREETINGS):
            return Outcome.GREETING
        if cleaned in THANKS or cleaned.rstrip("啊呀哈了！!") in THANKS:
            return Outcome.THANKS
        illegal = self.segmenter.illegal
        if clauses is None:
            clauses = self.clauses(text) if self.cuts(text) else []
        if fixed is None:
            fixed = "".join(c.text for c in clauses) if clauses else self.correct(cleaned)
        pieces = [c.raw for c in clauses] + [c.text for c in clauses] if clauses else [cleaned]
        if not clauses:
            pieces.append(fixed)
        pieces = list(dict.fromkeys(pieces))  # a clause typed right is looked at once
        if (
            illegal.phrase_in(pieces)
            or illegal.rule_in(cleaned)
            or (fixed != cleaned and illegal.rule_in(fixed))
        ):
            return Outcome.ILLEGAL
        return None

    # -- clauses ---------------------------------------------------------------------------

    @staticmethod
    def facets(text: str) -> str:
        """``text`` with each sentence that asks two to four things of one subject written as
        one question per thing (新生儿出生登记的办理时限、受理机关和所需材料是什么 -> 新生儿出生登记的
        办理时限是什么 新生儿出生登记的受理机关是什么 …), so that each gets its answer; other
        sentences unchanged."""
        out: list[str] = []
        last = 0
        for found in [*_FACET_CUT.finditer(text), None]:
            end = found.start() if found else len(text)
            sentence = text[last:end]
            out.append(Matcher._facet_sentence(sentence))
            if found:
                out.append(found.group())
                last = found.end()
        return "".join(out)

    @staticmethod
    def _facet_sentence(sentence: str) -> str:
        join = _FACET_JOIN.search(sentence)
        if join is None:
            return sentence
        of = sentence.rfind("的", 0, join.start())
        if of < 2:
            return sentence
        head, body = sentence[: of + 1], sentence[of + 1 :]
        joins = list(_FACET_JOIN.finditer(body))
        tail = _FACET_TAIL.search(body, joins[-1].end())
        if tail is None:
            return sentence
        things = _FACET_JOIN.split(body[: tail.start()])
        if not 2 <= len(things) <= 4 or any(not 2 <= len(t) <= 10 for t in things):
            return sentence
        if any("的" in t for t in things[1:]):
            return sentence
        return " ".join(head + thing + body[tail.start() :] for thing in things)

    def cuts(self, text: str) -> bool:
        """Whether ``text`` is more than one clause: it has spaces or punctuation, or it is a
        long message dictated in one breath (…然后孩子刚生完然后个税那个是不是可以扣…)."""
        stripped = text.strip()
        return _CLAUSE_CUT.search(stripped) is not None or (
            len(stripped) >= self.params.long_message and _SPOKEN.search(stripped) is not None
        )

    def _pieces(self, text: str) -> list[tuple[str, str]]:
        """(piece, the mark after it): cut at spaces and punctuation, and a long piece also at
        the words people say between sentences when dictating (然后, 还有就是)."""
        pieces = _CLAUSE_CUT.split(unicodedata.normalize("NFKC", text))
        out: list[tuple[str, str]] = []
        for raw, mark in zip(pieces[::2], [*pieces[1::2], ""], strict=False):
            if len(raw) < self.params.long_message:
                out.append((raw, mark))
                continue
            spoken = [p for p in _SPOKEN.split(raw) if p]
            out += [(p, "") for p in spoken[:-1]] + [(spoken[-1], mark)] if spoken else []
        return out

    def clauses(self, text: str) -> list[Clause]:
        """The message cut at spaces and punctuation, greetings and filler dropped. A bare
        "is that so" (是不是真的, 对吗) makes the claim told before it the question
        (我老公厂里说他只能请三天 是不是真的 asks how long his leave is)."""
        out: list[Clause] = []
        for raw, mark in self._pieces(text):
            cleaned = _LEAD.sub("", self.segmenter.clean(raw))
            if (
                not cleaned
                or cleaned in GREETINGS
                or cleaned in THANKS
                or cleaned in FILLER
                or _GREETING_RUN.fullmatch(cleaned)
            ):
                continue
            if _VERIFY.fullmatch(cleaned) and out and not out[-1].asking:
                # the claim is what is asked about, not who it was heard from
                claim = out[-1]
                heard = _HEARSAY.match(claim.text)
                if heard is not None and heard.end() >= 2:
                    claim = replace(claim, text=claim.text[heard.end() :])
                out[-1] = replace(claim, asking=True)
                continue
            fixed = self.correct(cleaned)
            asking = (
                "?" in mark
                or "？" in mark
                or _ASKING.search(fixed) is not None
                or _ASK_LEAD.match(cleaned) is not None
            ) and _LACKING.fullmatch(fixed) is None
            anchored = self.segmenter.in_scope is not None and bool(
                self.segmenter.in_scope.search(fixed)
            )
            out.append(Clause(fixed, asking, anchored, find_region(cleaned), cleaned))
        return out

    def has_topic(self, clause: Clause, memo: _Memo | None = None) -> bool:
        """A family-planning word, or the clause alone matches an entry well and that entry
        knows most of its words (能请几天护理假, not 让我下礼拜就回去上班)."""
        if clause.anchored:
            return True
        ranked, _ = self._rank(clause.text, memo)
        return bool(ranked) and (
            ranked[0].confidence >= self.params.topic_confidence
            and ranked[0].words >= self.params.topic_words
        )

    def topic_strength(self, clause: Clause, memo: _Memo | None = None) -> float | None:
        """How well a clause carries a topic (None: it carries none). A family-planning word
        beats any match."""
        if not self.has_topic(clause, memo):
            return None
        if clause.anchored:
            return 2.0
        ranked, _ = self._rank(clause.text, memo)
        return ranked[0].confidence if ranked else 0.0

    @staticmethod
    def story_region(clauses: Sequence[Clause], asker: Region | None) -> Region:
        """The region a long message is about: the asker's own when the message names it
        (孩子户口落在我们玉林村里, not the 东莞 where the parents work), else the one a
        question clause names, else the first one named."""
        named = [c.region for c in clauses if not c.region.is_empty]
        if not named:
            return Region()
        if asker is not None and not asker.is_empty:
            for region in named:
                if region.province == asker.province and (
                    not asker.city or region.city in ("", asker.city)
                ):
                    return asker if asker.city else region
        asked = [c.region for c in clauses if c.asking and not c.region.is_empty]
        return asked[0] if asked else named[0]

    def off_clause(self, text: str) -> bool:
        """Whether a piece of text is about something the assistant does not cover.

        An out-of-scope word makes it so unless a family-planning word comes after it: the
        question's topic is what it ends on (独生子女考公务员能加分吗 is about the exam,
        坐高铁摔伤了关爱保险赔不赔 about the insurance). A request for a piece of work (a joke,
        a text to post, a baby's name: ``dict/tasks.txt``) is out of scope whatever it is
        about."""
        return cast(bool, self.segmenter.remembered("o", text, self._off_clause))

    def _off_clause(self, text: str) -> bool:
        seg = self.segmenter
        if seg.tasks is not None and seg.tasks.search(text):
            return True
        if seg.out_of_scope is None:
            return False
        outside = [m.end() for m in seg.out_of_scope.finditer(text)]
        if not outside:
            return False
        inside = [m.end() for m in seg.in_scope.finditer(text)] if seg.in_scope else []
        return not inside or max(outside) > max(inside)

    def resolve_pronouns(self, clauses: Sequence[Clause]) -> list[Clause]:
        """Question clauses with 他 / 她 replaced by the family member the message named last
        that the pronoun can stand for (我老公在另一个厂 … 他有几天假: 老公有几天假)."""
        pattern = self.segmenter.person_pattern
        if pattern is None:
            return list(clauses)
        out: list[Clause] = []
        named: list[tuple[str, str]] = []  # (word, pronouns) in the order they were named
        told = ""  # the message before this clause
        for clause in clauses:
            text = clause.text
            if clause.asking and named:
                text = _PRONOUN.sub(partial(_stand_in, tuple(named)), text)
            if clause.asking and told:
                text = _THIS_ONE.sub(partial(self._named_before, told), text)
            pointed = self._pointed(text, told) if clause.asking and told else [text]
            told += clause.text
            if pointed == [text]:
                out.append(replace(clause, text=text) if text != clause.text else clause)
            else:
                out += [replace(clause, text=t, pointed=True) for t in pointed]
            named += [
                (m.group(), self.segmenter.people[m.group()])
                for m in pattern.finditer(clause.text)
            ]
        return out

    def _pointed(self, text: str, told: str) -> list[str]:
        """A question naming no service of its own that opens by pointing back (这是查什么的,
        这两个各在什么时候做) asked of the service(s) the story named last (糖耐是查什么的; nt什么
        时候做 + 唐筛什么时候做): one question per thing pointed at."""
        pattern = self.segmenter.in_scope
        if pattern is None or self._topics(text):
            return [text]
        both = _BOTH.match(text)
        one = None if both else _POINTED.match(text)
        if both is None and one is None:
            return [text]
        things: list[str] = []
        for found in pattern.finditer(told):
            thing = found.group()
            if not _GENERIC_ANCHOR.fullmatch(thing):
                things = [t for t in things if t != thing] + [thing]
        if both is not None and len(things) >= 2:
            rest = text[both.end() :]
            return [thing + rest for thing in things[-2:]]
        if one is not None and things:
            return [things[-1] + text[one.end() :]]
        return [text]

    def _named_before(self, told: str, this: re.Match[str]) -> str:
        """The benefit ``this`` (这个补贴, 那个保险) points back to: the last word of the
        knowledge base's vocabulary ending in the same head that ``told`` names (育儿补贴 in
        我婆婆说育儿补贴发到上小学 … 这个补贴到底发到几岁); unchanged when there is none."""
        head = this.group("head")
        names = self._heads.get(head)
        if names is None:
            names = sorted(
                (w for w in self.word_idf if w.endswith(head) and len(w) > len(head)),
                key=len,
                reverse=True,
            )
            self._heads[head] = names
        best, where = "", -1
        for name in names:
            found = told.rfind(name)
            if found > where:
                best, where = name, found
        return best or this.group()

    def anchors(self, text: str) -> set[str]:
        """The family-planning words of a text, in their usual spelling (独女 is 独生子女)."""
        pattern = self.segmenter.in_scope
        if pattern is None:
            return set()
        found = {m.group() for m in pattern.finditer(self.segmenter.normalise(text))}
        return {self.segmenter.normalise(m.group()) for m in pattern.finditer(text)} | found

    def _ignores(self, hit: FaqHit, story: str, question: str) -> bool:
        """Whether the story names a family-planning word that neither the question nor the
        answer ``hit`` gives for it has."""
        if not story:
            return False
        return self._unknown(hit, self.anchors(story) - self.anchors(question))

    def _unknown(self, hit: FaqHit, words: set[str]) -> bool:
        """Whether the answer ``hit`` gives knows none of ``words`` (family-planning words)."""
        if hit.entry is None or not words:
            return False
        doc = self.docs[self.index[hit.entry.id]]
        known = "".join(doc.variants) + "".join(doc.words)
        return not any(word in known for word in words)

    def own_topic(self, text: str) -> bool:
        """Whether a question names a topic of its own, rather than only what it wants to know
        about one (要带什么证件, 交给谁, 一共有多少项, 这个一个月能领多少: ``dict/attributes.txt``);
        the family members a story names are no topic either (我和老婆怎么分 asks how the
        deduction before it is split)."""
        seg = self.segmenter
        return any(
            word not in seg.attributes
            and word not in seg.people
            and not all(c in _NUMERAL or c in _UNITS for c in word)
            for word in seg.words(seg.normalise(text))
        )

    def _questions(self, clauses: Sequence[Clause], scope: _Scope) -> list[FaqHit]:
        """One decision per question clause, each read with the topic it leans on.

        The topic a question may lean on is the story told since the previous question (its
        last few topic clauses together, 没想起来家里有计生意外保险 + 现在过去一年多了, else its
        last one), else the previous question, else the story's strongest topic clause. A question that names no topic of its
        own (要带什么证件, 这个能不能赔, 还来得及吗) is read with it; after an out-of-scope
        topic (车险能赔吗 + 要多久到账) it is out of scope too. A question with a topic of its
        own is tried alone and with it; the reading with the more confident answer wins, unless
        it only repeats an answer already given (南宁生三孩产假几天 + 男方能休几天 asks about
        the husband).
        """
        hits: list[FaqHit] = []
        story: list[tuple[str, float]] = []  # topic clauses since the last question
        earlier: list[tuple[str, float]] = []  # topic clauses told before that question
        story_off = False  # the last of them is out of scope
        asked: list[str] = []  # the last question with a topic, and the last one answered
        for clause in clauses:
            off = self.off_clause(clause.text)
            if not clause.asking:
                if off:
                    story.append((clause.text, -1.0))
                    story_off = True
                else:
                    weight = self.topic_strength(clause, scope.memo)
                    if weight is not None:
                        story.append((clause.text, weight))
                        story_off = False
                continue
            topics = self._contexts(story, asked, earlier)
            told = any(w >= 0 for _, w in story)  # topics[0] is a story, not a question
            earlier = story or earlier
            leaning_off = story_off
            # Out of scope alone but not after the story told before it (生的时候打无痛 +
            # 医保给报销不): the story says what it is about.
            off = off and self.off_clause("".join(t for t, _ in story) + clause.text)
            story, story_off = [], False
            if off:
                hits.append(FaqHit(Outcome.REJECT))
                asked = []
                story_off = True
                continue
            answered = frozenset(
                h.entry.group_key for h in hits if h.outcome is Outcome.CONFIDENT and h.entry
            )
            if clause.pointed:
                hit = self._decide(clause.text, scope)
                hits.append(hit)
                asked = _keep(clause.text, asked)
                continue
            if not self.own_topic(clause.text):
                # leaning on a question just answered in scope (领了育儿补贴影响低保不 + 是不是
                # 每年都要申请), the out-of-scope word that question names is no topic of it
                after_answer = not told and bool(hits) and hits[-1].outcome is Outcome.CONFIDENT
                if leaning_off or (
                    not after_answer and any(self.off_clause(t + clause.text) for t in topics[:1])
                ):
                    hits.append(FaqHit(Outcome.REJECT))
                    continue
                texts = [t + clause.text for t in topics] or [clause.text]
                hit, read = self._first(
                    texts, scope, subject=self._subject(topics[0]) if topics else ""
                )
                hit, read = self._past_answered(hit, read, texts[0], scope, answered)
                first_sure = hit.outcome is Outcome.CONFIDENT
                # 失独特扶要什么条件 + 一个月多少钱: the second question asks for something the
                # first answer does not give.
                hit, read = self._reread_lacking(hit, read, texts, clause.text, scope, answered)
                if not first_sure and hit.candidates:
                    # 报案打什么电话 + 理赔要准备什么材料: read with the question before it, a
                    # menu listing what the question alone answers with certainty, on the
                    # subject of the answer before it.
                    alone = self._decide(clause.text, scope)
                    listed = {c.group_key for c in hit.candidates}
                    subjects = {
                        _topic_of(h.entry.id)
                        for h in hits
                        if h.outcome is Outcome.CONFIDENT and h.entry is not None
                    }
                    if (
                        alone.outcome is Outcome.CONFIDENT
                        and alone.entry is not None
                        and alone.entry.group_key in listed
                        and alone.entry.group_key not in answered
                        and _topic_of(alone.entry.id) in subjects
                        and alone.confidence >= self.params.sure
                    ):
                        hit, read = alone, clause.text
                top = hit.top_entry
                if answered and top is not None and top.group_key in answered:
                    # 出事以后多久之内必须报案 + 过了时间还能赔吗: read with the question before
                    # it, it only repeats that answer; alone it is clearly another question of
                    # the same subject (whether a late claim is still paid).
                    alone = self._decide(clause.text, scope)
                    other = alone.entry
                    if (
                        alone.outcome is Outcome.CONFIDENT
                        and other is not None
                        and other.group_key not in answered
                        and _topic_of(other.id) == _topic_of(top.id)
                        and alone.confidence >= self.params.sure
                    ):
                        hit, read = alone, clause.text
                hit, read = self._past_repeat(hit, read, texts, clause.text, scope, answered)
                hits.append(hit)
                if hit.outcome is Outcome.CONFIDENT:
                    asked = _keep(read[-48:], asked)
                continue
            alone = self._decide(clause.text, scope)
            texts = [t + clause.text for t in topics[:2]]
            texts += self._on_subjects(topics, clause.text, texts)
            joined, read = self._first(
                texts, scope, subject=self._subject(topics[0]) if topics else ""
            )
            # 婴幼儿照护扣除的起止时间 + 是否需要提交纸质材料: read with the question before it,
            # it asks what that answer does not give; another entry of the same subject may.
            joined, read = self._reread_lacking(
                joined, read, texts, clause.text, scope, answered, alone
            )
            if topics and _repeats(joined, hits):
                joined, read = self._on_subject(
                    joined, read, topics[0], clause.text, scope, answered, alone
                )
            if (
                topics
                and joined.outcome is Outcome.CONFIDENT
                and not _repeats(joined, hits)
                and (
                    alone.outcome is not Outcome.CONFIDENT
                    # alone, a near tie between two answers (能上关爱保险吗: what it covers or
                    # who can join?) that the story settles (娃才两个月)
                    or alone.margin < self.params.margin
                    # the story names a family-planning subject the answer alone knows
                    # nothing of (我是独女 + 能请几天护理假 is not about fathers' leave); a
                    # question before it is no story (柳州二胎产假多少天 + 育儿补贴怎么领 asks
                    # how to apply, whatever the child)
                    or (told and self._ignores(alone, topics[0], clause.text))
                    or joined.confidence >= alone.confidence - self.params.context_bonus
                )
            ):
                hits.append(joined)
            else:
                hits.append(alone)
                read = clause.text
            # what the next questions may lean on: this question, as it was read
            asked = _keep(read[-48:], asked)
        return hits

    def _past_answered(
        self, hit: FaqHit, read: str, likeliest: str, scope: _Scope, answered: frozenset[str]
    ) -> tuple[FaqHit, str]:
        """``hit`` (read from ``read``), unless the likeliest reading of the question
        (``likeliest``: with the question before it) is a near tie led by an answer already
        given; then that reading without the answered groups, when it is confident
        (还能领育儿补贴吗 + 每年都要申请吗 asks about renewing the claim, not about a two-year-old
        child's feeding, which the story alone would be read as)."""
        if not answered or (read == likeliest and hit.outcome is Outcome.CONFIDENT):
            return hit, read
        lead = self._decide(likeliest, scope)
        top = lead.top_entry
        if lead.outcome is not Outcome.UNSURE or top is None or top.group_key not in answered:
            return hit, read
        again = self._decide(likeliest, scope, answered)
        if again.outcome is Outcome.CONFIDENT:
            return again, likeliest
        return hit, read

    def _subject(self, text: str) -> str:
        """The family-planning words ``text`` names that say what it is about (育儿补贴 in
        育儿补贴一年多少), in the order it names them; not the generic ones (计生, 二胎)."""
        pattern = self.segmenter.in_scope
        if pattern is None:
            return ""
        found = [m.group() for m in pattern.finditer(text)]
        return "".join(dict.fromkeys(w for w in found if not _GENERIC_ANCHOR.fullmatch(w)))

    def _on_subjects(
        self, topics: Sequence[str], question: str, texts: Sequence[str]
    ) -> list[str]:
        """The question read with only the family-planning words of what it leans on most
        likely (育儿假 + 到底能休几天, when the story around them, 单位说就三天 + 娃一岁半了,
        leaves every reading a near tie), after the readings ``texts`` already tried."""
        subject = self._subject(topics[0]) if topics else ""
        if not subject or subject in question:
            return []
        text = subject + question
        return [] if text in texts else [text]

    def _on_subject(
        self,
        hit: FaqHit,
        read: str,
        leaned: str,
        question: str,
        scope: _Scope,
        answered: frozenset[str],
        alone: FaqHit,
    ) -> tuple[FaqHit, str]:
        """``hit`` (read from ``read``: the question with what it leans on, ``leaned``), which
        only repeats an answer already given; unless the question read with the subject of
        ``leaned`` alone (育儿补贴 + 要交税不), without the answers given, is confident and at
        least as confident as the question alone (which reads 交税 as the parents' income tax)."""
        subject = self._subject(leaned)
        if not subject or subject in question:
            return hit, read
        text = subject + question
        again = self._decide(text, scope, answered)
        if again.outcome is Outcome.CONFIDENT and (
            alone.outcome is not Outcome.CONFIDENT or again.confidence >= alone.confidence
        ):
            return again, text
        return hit, read

    def _past_repeat(
        self,
        hit: FaqHit,
        read: str,
        texts: Sequence[str],
        question: str,
        scope: _Scope,
        answered: frozenset[str],
    ) -> tuple[FaqHit, str]:
        """``hit`` (read from ``read``), unless it only repeats an answer already given to an
        earlier question of the message: a second question is asked because the first answer
        does not answer it (领了育儿补贴影响低保不 + 是不是每年都要申请 asks about renewing the
        claim; 无创几周能做 + 两个有啥不一样 asks how it differs from amniocentesis). Then the
        question is read again without the answered groups, with the texts it leans on and
        alone; the reading with the story is taken when the question alone points at the same
        answer (its answer or one of its choices), the reading alone when it is confident and of
        the same subject. A question asking for what the answer given already states (一个月多少钱
        after the special assistance's amount), or pointing alone at that answer (乌海那边一天补
        多少), keeps it."""
        top = hit.top_entry
        if (
            not answered
            or hit.outcome is not Outcome.CONFIDENT
            or top is None
            or top.group_key not in answered
        ):
            return hit, read
        if self._states(top, question):
            # 特扶 + 一个月多少钱 (or 什么条件能领): the answer given already states it
            return hit, read
        alone = self._decide(question, scope)
        first = alone.top_entry
        if first is None or first.group_key in answered:
            # alone too it points at the answer given (乌海那边一天补多少 after 包头失独老人住院
            # 有补贴吗: that answer, for 乌海), or at nothing
            return hit, read
        again, read_again = self._first([t for t in texts if t != question], scope, answered)
        pointed = {e.group_key for e in (alone.top_entry, *alone.candidates) if e is not None}
        if again.outcome is Outcome.CONFIDENT and again.entry is not None:
            if again.entry.group_key in pointed:
                return again, read_again
        elif (
            again.outcome is Outcome.UNSURE
            and again.candidates
            and alone.top_entry is not None
            and again.candidates[0].group_key == alone.top_entry.group_key
            and again.margin >= self.params.margin
        ):
            # read with its story and alone, the question points first at the same answer
            # (两个有啥不一样 after 医生让做无创或者羊穿): that is the answer, not a menu
            note = again.candidate_notes[0] if again.candidate_notes else ""
            chosen = replace(
                again,
                outcome=Outcome.CONFIDENT,
                entry=again.candidates[0],
                note=note,
                candidates=(),
                candidate_notes=(),
            )
            return chosen, read_again
        if (
            alone.outcome is Outcome.CONFIDENT
            and alone.entry is not None
            and _topic_of(alone.entry.id) == _topic_of(top.id)
        ):
            # alone, another answer of the same subject (需要准备哪些材料 alone is the insurance
            # claim's papers, not the birth registration's)
            return alone, question
        return hit, read

    def _reread_lacking(
        self,
        hit: FaqHit,
        read: str,
        texts: Sequence[str],
        question: str,
        scope: _Scope,
        answered: frozenset[str],
        alone: FaqHit | None = None,
    ) -> tuple[FaqHit, str]:
        """``hit`` (read from ``read``) for a question leaning on ``texts``; but when its answer
        is one already given to an earlier question of the message (``answered``) and lacks
        what ``question`` asks for (``lacks``), the texts are read again without the answered
        groups. A question with a topic of its own (``alone``: its reading without them) takes
        that second reading only when it is confident and about as confident as ``alone``."""
        top = hit.top_entry
        if not answered or top is None or top.group_key not in answered:
            return hit, read
        if not self.lacks(top, question):
            return hit, read
        again, read_again = self._first(texts, scope, answered)
        if alone is None:
            return again, read_again
        if again.outcome is Outcome.CONFIDENT and (
            alone.outcome is not Outcome.CONFIDENT
            or again.confidence >= alone.confidence - self.params.context_bonus
        ):
            return again, read_again
        return hit, read

    def _states(self, entry: Entry, question: str) -> bool:
        """Whether ``entry``'s answer states, in a line that is no disclaimer, everything
        ``question`` asks for (``dict/focus.txt``); False when it asks for none of these."""
        wants = [name for name, asked, _ in self.segmenter.focus if asked.search(question)]
        return bool(wants) and all(w in self.docs[self.index[entry.id]].body for w in wants)

    def lacks(self, entry: Entry, question: str) -> bool:
        """Whether ``question`` asks for something (an amount, a count …, ``dict/focus.txt``)
        that ``entry``'s direct answer does not give; False when it asks for none of these."""
        wants = [name for name, asked, _ in self.segmenter.focus if asked.search(question)]
        gives = self.docs[self.index[entry.id]].gives
        return any(w not in gives for w in wants)

    def _first(
        self,
        texts: Sequence[str],
        scope: _Scope,
        exclude: frozenset[str] = frozenset(),
        subject: str = "",
    ) -> tuple[FaqHit, str]:
        """The first confident reading of ``texts`` (most likely first), else the most
        confident one, and the text it was read from (no texts: no match). A reading that
        drops the family-planning words of the likeliest text (``subject``: 育儿假) for an
        answer of another field that knows none of them (孩子两岁了 + 到底是几天: breastfeeding
        to two years) is set aside while another reading may answer."""
        readings: list[tuple[FaqHit, str]] = []
        aside: list[tuple[FaqHit, str]] = []
        words = set(self.anchors(subject)) if subject else set()
        ranked = self._rank(subject, scope.memo)[0] if words else []
        field = ranked[0].entry.topic if ranked else ""
        for text in texts:
            hit = self._decide(text, scope, exclude)
            if (
                hit.outcome is Outcome.CONFIDENT
                and hit.entry is not None
                and field
                and hit.entry.topic != field
                and not any(w in text for w in words)
                and self._unknown(hit, words)
            ):
                aside.append((hit, text))
                continue
            if hit.outcome is Outcome.CONFIDENT:
                return hit, text
            agreed = self._agreed(hit, readings)
            if agreed is not None:
                return agreed, text
            readings.append((hit, text))
        if aside and not any(h.outcome is Outcome.UNSURE for h, _ in readings):
            return aside[0]
        if not readings:
            return FaqHit(Outcome.NONE), ""
        return max(readings, key=lambda r: r[0].confidence)

    def _agreed(self, hit: FaqHit, readings: Sequence[tuple[FaqHit, str]]) -> FaqHit | None:
        """``hit`` made confident when it and the reading before it (``readings``) are both
        near misses that lead with the same answer by a clear margin (育儿假只有五天 + 我们孩子
        两岁了 + 到底是几天, and 育儿假只有五天 + 到底是几天: both Guangdong's parental leave
        first): two readings agreeing settle what one alone leaves open."""
        if not readings:
            return None
        before = readings[-1][0]
        if not all(
            h.outcome is Outcome.UNSURE and h.candidates and h.margin >= self.params.margin
            for h in (hit, before)
        ):
            return None
        if hit.candidates[0].group_key != before.candidates[0].group_key:
            return None
        note = hit.candidate_notes[0] if hit.candidate_notes else ""
        return replace(
            hit,
            outcome=Outcome.CONFIDENT,
            entry=hit.candidates[0],
            note=note,
            candidates=(),
            candidate_notes=(),
        )

    @staticmethod
    def _contexts(
        story: Sequence[tuple[str, float]],
        asked: Sequence[str],
        earlier: Sequence[tuple[str, float]] = (),
    ) -> list[str]:
        """The texts a question may lean on, most likely first (see ``_questions``): the
        story told since the previous question, that question, the story told before it."""
        out: list[str] = []
        told = [(t, w) for t, w in story if w >= 0]
        if told:
            out.append("".join(t for t, _ in told[-3:])[-48:])
            out.append(told[-1][0])
        out.extend(asked)
        before = [(t, w) for t, w in earlier if w >= 0] if not told else []
        if before:
            out.append("".join(t for t, _ in before[-3:])[-48:])
        if told:
            # then each topic clause of the story alone, the strongest first (护士说要打乙肝和
            # 卡介苗 + 这个要钱吗, when 我家条件不太好 came between them)
            out.extend(t for t, _ in sorted(told, key=lambda tw: tw[1], reverse=True)[:3])
        return list(dict.fromkeys(out))

    def focus(self, clauses: Sequence[Clause], memo: _Memo | None = None) -> str:
        """A long message reduced to what matters: its question and topic clauses (the
        family story around them, 我儿子儿媳妇都在东莞厂里打工, is left out)."""
        kept = [c.text for c in clauses if c.asking or self.has_topic(c, memo)]
        return "".join(kept or [c.text for c in clauses])

    # -- deciding --------------------------------------------------------------------------

    def match(self, text: str, asker_region: Region | None = None) -> FaqHit:
        """Decide what to answer for ``text`` asked by someone from ``asker_region``.

        A message with two or more questions on different topics gets one hit per part
        (``FaqHit.parts``); a long message is answered from its question clauses. A sentence
        asking several things of one subject (``facets``) is also read as one question per
        thing, and that reading is kept when it answers more of them.
        """
        self.segmenter.forget()
        # Cantonese (我仔出世 仲可以攞…冇) is read as the Mandarin the dictionaries are written in.
        text = self.segmenter.dialect.mandarin(text)
        cited = _CITED.search(text)
        read = text[: cited.start()] + text[cited.end() :] if cited else text
        # pinyin typed syllable by syllable (yu er bu tie) is one run of letters, not clauses
        read = _SPACED_LATIN.sub("", read)
        hit = self._match(text, read, asker_region)
        asked = self.facets(read)
        if asked != read and hit.outcome in POLICY:
            split = self._match(text, asked, asker_region)
            if len(_answers(split)) > len(_answers(hit)):
                hit = split
        if hit.outcome is Outcome.CONFIDENT:
            months = pregnancy_months(self.segmenter.clean(text))
            if months is not None:
                parts = tuple(replace(p, months=months) for p in hit.parts)
                hit = replace(hit, months=months, parts=parts)
        return self._judged(text, hit)

    def scope_text(self, text: str) -> str:
        """The form of a message the scope model reads (``knowledge.scope``): cleaned, typos
        corrected, synonyms replaced, region names removed."""
        seg = self.segmenter
        return seg.normalise(self.correct(seg.clean(_SPACED_LATIN.sub("", text))))

    def _judged(self, text: str, hit: FaqHit) -> FaqHit:
        """``hit``, unless the scope model (``knowledge.scope``) declines the message: then the
        polite out-of-scope reply, never the illegal one (only the phrase rules accuse)."""
        if hit.outcome not in POLICY:
            return hit
        confident = hit.confidence if hit.outcome is Outcome.CONFIDENT else None
        answered = hit.outcome is not Outcome.NONE
        verdict = self.segmenter.scope.verdict(self.scope_text(text), confident, answered)
        if verdict is Verdict.OUT:
            return FaqHit(Outcome.REJECT, confidence=hit.confidence, ranked=hit.ranked)
        return hit

    def _match(self, text: str, asked: str, asker_region: Region | None) -> FaqHit:
        """``match`` for ``text`` read as ``asked`` (the same, or its facets)."""
        memo: _Memo = {}
        cleaned = self.segmenter.clean(text)
        clauses = self.clauses(asked) if self.cuts(asked) else []
        # Typos are corrected clause by clause (a correction never spans two clauses).
        if clauses:
            fixed = "".join(c.text for c in clauses)
        else:
            fixed = self.correct(cleaned if asked == text else self.segmenter.clean(asked))
        special = self.classify(text, fixed, clauses)
        if special is not None:
            about_law = (
                special is Outcome.ILLEGAL
                and _ABOUT_LAW.search(cleaned) is not None
                and (_SEEKING.search(cleaned) is None or _REPORTING.search(cleaned) is not None)
            )
            return FaqHit(special, about_law=about_law)
        named = find_region(text)
        region, source = (named, "text") if not named.is_empty else (asker_region or Region(), "")
        if not named.is_empty:
            source = "text"
        elif not region.is_empty:
            source = "asker"
        if len(clauses) >= 2 and source == "text":
            region = self.story_region(clauses, asker_region)
        scope = self._scope(fixed, region, source, memo)
        hit = self._lead_with(self._read(fixed, clauses, scope), fixed, scope)
        hit = self._compare_regions(hit, cleaned)
        return self._complete(hit, fixed, clauses, scope)

    def _complete(
        self, hit: FaqHit, fixed: str, clauses: Sequence[Clause], scope: _Scope
    ) -> FaqHit:
        """A question that asks for two things of one topic (生头胎国家有补助没得 咋个领: an
        amount and how to apply; 出生登记要多久内办 要带什么材料: a deadline and papers) whose one
        answer gives only the first gets a second part: the entry of the same topic, among those
        the question matches, whose direct answer gives what is missing."""
        entry = hit.entry
        if hit.outcome is not Outcome.CONFIDENT or entry is None or hit.parts:
            return hit
        # what its questions in scope ask for (赡养老人一个月能扣多少 beside it is declined)
        asked = (
            "".join(c.text for c in clauses if c.asking and not self.off_clause(c.text))
            if clauses
            else fixed
        )
        wants = [name for name, pattern, _ in self.segmenter.focus if pattern.search(asked)]
        body = self.docs[self.index[entry.id]].body
        missing = {w for w in wants if w not in body}
        if not missing:
            return hit
        topic = _topic_of(entry.id)
        ranked, _ = self._rank(fixed, scope.memo)
        # Its questions read with the answer's subject (咋个领 names no topic: 育儿补贴 + 咋个领
        # picks how to apply), then the message as a whole.
        choices = [s for s in ranked if s.confidence >= self.params.floor]
        if entry.keywords and asked != fixed:
            choices = self._rank(entry.keywords[0] + asked, scope.memo)[0] + choices
        for scored in choices:
            other = scored.entry
            if (
                other.group_key == entry.group_key
                or _topic_of(other.id) != topic
                or not missing & self.docs[self.index[other.id]].gives
            ):
                continue
            extra, note = self.resolve(other.group_key, ranked, scope.region)
            part = replace(hit, entry=extra, note=note, candidates=(), candidate_notes=())
            return replace(hit, parts=(hit, part))
        return hit

    def _compare_regions(self, hit: FaqHit, cleaned: str) -> FaqHit:
        """A question comparing regions (我妹在柳州生头胎 我在佛山生二胎 产假各多少天, 广西和广东
        产假哪个长) gets the rule of each region it names, one part each."""
        if (
            hit.outcome is not Outcome.CONFIDENT
            or hit.entry is None
            or hit.parts
            or not _COMPARING.search(cleaned)
        ):
            return hit
        places: dict[str, Region] = {}
        for found in self.segmenter.region_pattern.finditer(cleaned):
            place = find_region(found.group())
            if place.province and place.province not in places:
                places[place.province] = place
        if len(places) < 2:
            return hit
        group = hit.entry.group_key
        parts: list[FaqHit] = []
        for place in places.values():
            entry, note = self.resolve(group, hit.ranked, place)
            if all(p.entry is not entry for p in parts):
                parts.append(
                    replace(hit, entry=entry, note=note, region=place, region_source="text")
                )
        if len(parts) < 2:
            return hit
        return replace(parts[0], parts=tuple(parts[: self.params.max_parts]))

    def _read(self, fixed: str, clauses: Sequence[Clause], scope: _Scope) -> FaqHit:
        """The decision for a message: one question, several, or a long story."""
        memo = scope.memo
        tasks = self.segmenter.tasks
        if tasks is not None and tasks.search(fixed):
            # 讲个笑话吧 关于生二胎的, a prize "from the association": out of scope, whatever
            # family-planning words the message has.
            return FaqHit(Outcome.REJECT)
        asking = [c for c in clauses if c.asking]
        # A long story whose out-of-scope word is only in the story (头一个今年上小学了 … 我们家
        # 老二能领多少) is read clause by clause like one with a family-planning word, when a
        # question names a subject of its own that an entry knows well enough to override an
        # out-of-scope word (该找谁去要 or 能报吗 only leans on the story).
        told_off = (
            len(clauses) >= self.params.story_clauses
            and any(
                self.own_topic(c.text)
                and (self.topic_strength(c, memo) or 0.0) >= self.params.sure
                for c in asking
            )
            and not any(self.off_clause(c.text) for c in asking)
        )
        if len(clauses) <= 1 or (scope.off_topic and not scope.anchored and not told_off):
            # One question, or an out-of-scope word and no family-planning word: the whole
            # message decides (车险能赔吗 要多久到账 is about car insurance).
            return self._decide(fixed, scope)
        # With a family-planning word, out-of-scope words are weighed clause by clause: one in
        # the family story (老伴也是种地的) says nothing about the question, one in a question
        # of its own (顺便问下年假有几天) leaves that question out.
        scope = replace(scope, off_topic=False)
        resolved = self.resolve_pronouns(clauses)
        hits = self._questions(resolved, scope) if asking else []
        # A question naming a place of its own (包头有没有… + 乌海那边一天给多少) is answered for
        # that place.
        hits = [
            self._for_place(hit, clause.region, scope.region)
            for hit, clause in zip(hits, [c for c in resolved if c.asking], strict=False)
        ]
        declined = sum(h.outcome is Outcome.REJECT for h in hits)
        if hits and declined == len(hits):
            return FaqHit(Outcome.REJECT)
        parts: list[FaqHit] = []
        for hit in hits:
            if hit.outcome is Outcome.CONFIDENT and hit.entry is not None:
                key, entry_id = hit.entry.group_key, hit.entry.id
                if all(
                    p.entry is None or p.entry.group_key != key or p.entry.id != entry_id
                    for p in parts
                ):
                    parts.append(hit)
        if len(parts) >= 2:
            return replace(
                parts[0], parts=tuple(parts[: self.params.max_parts]), declined=declined
            )
        if parts and declined:
            # 南宁头胎产假多少天 顺便问下我年假有几天: the one question in scope is answered.
            return replace(parts[0], declined=declined)
        long = len(clauses) >= 3 or len(fixed) >= self.params.long_message
        if not long:
            whole = self._decide(fixed, scope)
            placed = [
                p
                for p in parts
                if p.region != scope.region
                and p.entry is not None
                and whole.entry is not None
                and p.entry.group_key == whole.entry.group_key
            ]
            if whole.outcome is Outcome.CONFIDENT and placed:
                # the same question, answered for the place its question names
                return placed[0]
            if whole.outcome is Outcome.CONFIDENT or not parts:
                return whole
            # 计生保险 + 出了事多久内要报案: the one question, when it is answered decisively.
            return parts[0] if parts[0].margin >= self.params.decisive else whole
        # Its one question, read with the story it leans on; unless the answer knows nothing of
        # a family-planning word of the story (我是独生子 … 公司给不给护理假 is not about
        # fathers' leave) that the message read as one question does answer. With no question
        # understood: the question and topic clauses together, then the whole message.
        told = self.anchors("".join(c.text for c in clauses if not c.asking)) - self.anchors(
            "".join(c.text for c in asking)
        )
        if parts and not self._unknown(parts[0], told):
            return parts[0]
        hit = self._decide(self.focus(clauses, memo), scope)
        if hit.outcome is not Outcome.CONFIDENT:
            hit = self._decide(fixed, scope)
        if parts and (hit.outcome is not Outcome.CONFIDENT or self._unknown(hit, told)):
            return parts[0]
        if hit.outcome is not Outcome.CONFIDENT and not parts:
            hit = self._pairs(clauses, scope) or hit
        return hit

    def _pairs(self, clauses: Sequence[Clause], scope: _Scope) -> FaqHit | None:
        """A long story no reading answers, read once more as each question with each clause
        of the story that names a family-planning word, that clause reduced to the words the
        knowledge base knows (今天才想起来还没上户口 + 会不会罚 is 还没上户口会不会罚): the most
        confident of these readings, if one is confident."""
        seg = self.segmenter
        told = []
        for clause in clauses:
            if not clause.asking and clause.anchored:
                known = [w for w in seg.words(seg.normalise(clause.text)) if w in self.word_idf]
                told.append("".join(known) or clause.text)
        best: FaqHit | None = None
        for question in (c for c in clauses if c.asking):
            for story in told:
                hit = self._decide(story + question.text, scope)
                if hit.outcome is Outcome.CONFIDENT and (
                    best is None or hit.confidence > best.confidence
                ):
                    best = hit
        return best

    def _for_place(self, hit: FaqHit, place: Region, region: Region) -> FaqHit:
        """``hit`` answered for ``place``, the region its own question names, when that is
        another than the message's ``region``."""
        if (
            hit.outcome is not Outcome.CONFIDENT
            or hit.entry is None
            or place.is_empty
            or (place.province, place.city) == (region.province, region.city)
        ):
            return hit
        entry, note = self.resolve(hit.entry.group_key, hit.ranked, place)
        return replace(hit, entry=entry, note=note, region=place, region_source="text")

    def _lead_with(self, hit: FaqHit, fixed: str, scope: _Scope) -> FaqHit:
        """Put the answer a question of this kind needs first (``dict/first.txt``): an
        accident followed by 能赔吗 is answered "is it covered" before how to claim."""
        if not scope.anchored or scope.off_topic or hit.outcome not in POLICY:
            return hit
        normalised = self.segmenter.normalise(fixed)
        for group, pattern in self.segmenter.first:
            if group not in self.groups or not pattern.search(normalised):
                continue
            current = hit.parts or ((hit,) if hit.outcome is Outcome.CONFIDENT else ())
            if current and current[0].entry is not None and current[0].entry.group_key == group:
                return hit
            ranked, _ = self._rank(fixed, scope.memo)
            entry, note = self.resolve(group, ranked, scope.region)
            lead = FaqHit(
                Outcome.CONFIDENT,
                entry=entry,
                confidence=hit.confidence,
                margin=hit.margin,
                region=scope.region,
                region_source=scope.source,
                note=note,
                ranked=hit.ranked,
            )
            rest = [p for p in current if p.entry is not None and p.entry.group_key != group]
            if not rest:
                return lead
            return replace(lead, parts=(lead, *rest)[: self.params.max_parts])
        return hit

    def _scope(self, fixed: str, region: Region, source: str, memo: _Memo) -> _Scope:
        seg = self.segmenter
        anchored = seg.in_scope is not None and seg.in_scope.search(fixed) is not None
        off_topic = self.off_clause(fixed)
        formal = _FORMAL.search(fixed) is not None
        return _Scope(region, source, anchored, off_topic, memo, formal)

    def _decide(self, fixed: str, scope: _Scope, exclude: frozenset[str] = frozenset()) -> FaqHit:
        """The outcome for one (cleaned, corrected) question text (``exclude``: groups whose
        answer is already given for another question of the message)."""
        params = self.params
        region, source = scope.region, scope.source
        anchored, off_topic = scope.anchored, scope.off_topic
        ranked, strange = self._rank(fixed, scope.memo)
        if exclude:
            ranked = [s for s in ranked if s.entry.group_key not in exclude]
        groups = self._group_order(ranked)
        if not groups:
            if off_topic:
                return FaqHit(Outcome.REJECT)
            return FaqHit(Outcome.NONE, region=region, region_source=source)
        groups = self._asked_first(fixed, groups, ranked)
        top_key, top_conf = groups[0]
        second = groups[1][1] if len(groups) > 1 else 0.0
        margin = top_conf - second
        if off_topic and (top_conf < params.sure or self._foreign_subject(fixed, ranked[0])):
            return FaqHit(Outcome.REJECT, confidence=top_conf, margin=margin, ranked=tuple(ranked))
        shown = min(top_conf, 1.0)  # scores may pass 1.0 (``_rank``); a decision reports ≤ 1
        # every decision below is this one with its outcome and entries (built once, not
        # built and then copied by ``replace``)
        decided = partial(
            FaqHit,
            confidence=shown,
            margin=min(margin, shown),
            region=region,
            region_source=source,
            ranked=tuple(ranked),
        )
        if strange and not anchored and top_conf < params.strange_confident:
            # 车险, 病假, 工会会费: a topic the knowledge base does not cover, whatever the
            # shared words; no answer and no numbered list, the question goes to a person.
            # A family-planning word (计生保险 in 在超市摔了计生保险能赔吗) makes the strange
            # word incidental.
            resolved = [self.resolve(k, ranked, region) for k, _ in groups[:3]]
            return decided(Outcome.NONE, candidates=tuple(e for e, _ in resolved))
        formal = scope.formal or _FORMAL.search(fixed) is not None
        confident = params.formal_confident if formal else params.confident
        if (
            (top_conf >= confident and margin >= params.margin)
            or (top_conf >= params.floor and top_conf + margin >= params.clear)
            or (top_conf >= confident and self._same_answer(fixed, groups, ranked))
        ):
            entry, note = self.resolve(top_key, ranked, region)
            return decided(Outcome.CONFIDENT, entry=entry, note=note)
        if top_conf >= params.floor:
            keep = [k for k, c in groups[:3] if c >= max(params.floor * 0.8, top_conf - 0.2)]
            if len(keep) < 2 and len(groups) > 1:
                keep = [k for k, _ in groups[:2]]
            resolved = [self.resolve(k, ranked, region) for k in keep]
            return decided(
                Outcome.UNSURE,
                candidates=tuple(e for e, _ in resolved),
                candidate_notes=tuple(n for _, n in resolved),
            )
        resolved = [self.resolve(k, ranked, region) for k, _ in groups[:3]]
        return decided(Outcome.NONE, candidates=tuple(e for e, _ in resolved))

    def _foreign_subject(self, fixed: str, top: Scored) -> bool:
        """Whether the out-of-scope words of a question are what it is about and the best
        entry knows none of them (种粮补贴什么时候发 matches 育儿补贴什么时候发 well, but the
        subsidy asked about is another one)."""
        pattern = self.segmenter.out_of_scope
        if pattern is None:
            return False
        outside = {m.group() for m in pattern.finditer(fixed) if m.group()}
        return bool(outside) and not self._knows(top.entry, outside)

    def _asked_first(
        self, fixed: str, groups: list[tuple[str, float]], ranked: Sequence[Scored]
    ) -> list[tuple[str, float]]:
        """``groups`` with the runner-up first when the first one's direct answer gives none
        of what the question asks for (an age, an amount, days …) and the runner-up, close
        behind on the same subject, gives all of it (南宁关爱保险多大的人能保: who can join, from
        3 months to 64, not what the insurance covers); the two swap their scores."""
        if len(groups) < 2:
            return groups
        (first, top), (other, next_) = groups[0], groups[1]
        if top - next_ >= self.params.asked_lead:
            return groups
        asked_for = [name for name, asked, _ in self.segmenter.focus if asked.search(fixed)]
        wants = [name for name in asked_for if name in _FIGURES]
        if not wants:
            return groups
        entries = {s.entry.group_key: s.entry for s in reversed(ranked)}
        a, b = entries.get(first), entries.get(other)
        if a is None or b is None or a.topic != b.topic:
            return groups
        gives_a = self.docs[self.index[a.id]].gives
        gives_b = self.docs[self.index[b.id]].gives
        # the first gives nothing asked for (特扶金多少钱 + 什么条件能领: the conditions answer
        # gives what its own question asks and stays)
        if any(w in gives_a for w in asked_for) or not all(w in gives_b for w in wants):
            return groups
        # the figure asked for decides between the two: no menu for it
        rest = [(first, min(next_, top - self.params.margin)), *groups[2:]]
        return [(other, top), *sorted(rest, key=lambda kv: kv[1], reverse=True)]

    def _same_answer(
        self, fixed: str, groups: Sequence[tuple[str, float]], ranked: Sequence[Scored]
    ) -> bool:
        """Whether a near tie is no real choice: the entries within the margin of the first
        are all of one subject (t3.precheck) and the first one's direct answer gives what the
        question asks for (免费孕检一共几项: each of them says 19项), so a menu would only make
        the asker pick between answers that say the same thing."""
        wants = [name for name, asked, _ in self.segmenter.focus if asked.search(fixed)]
        if not wants or len(groups) < 2:
            return False
        top = groups[0][1]
        close = [key for key, conf in groups if top - conf < self.params.margin]
        entries = {s.entry.group_key: s.entry for s in reversed(ranked)}
        subjects = {_topic_of(entries[key].id) for key in close if key in entries}
        if len(subjects) != 1:
            return False
        first = entries.get(groups[0][0])
        if first is None:
            return False
        gives = self.docs[self.index[first.id]].gives
        return all(
            want in gives and want in self.docs[self.index[entries[key].id]].gives
            for want in wants
            for key in close
            if key in entries
        )

    @staticmethod
    def _group_order(ranked: Sequence[Scored]) -> list[tuple[str, float]]:
        best: dict[str, float] = {}
        for item in ranked:
            key = item.entry.group_key
            if item.confidence > best.get(key, -1.0):
                best[key] = item.confidence
        return sorted(best.items(), key=lambda kv: kv[1], reverse=True)

    # -- regions ---------------------------------------------------------------------------

    def group_entries(self, key: str) -> list[Entry]:
        return [self.docs[i].entry for i in self.groups.get(key, [])]

    def resolve(
        self, group_key: str, ranked: Sequence[Scored], region: Region
    ) -> tuple[Entry, str]:
        """The entry of a group that applies to ``region``, and a note for the reply.

        Never crosses cities: a 包头 asker gets a 包头 entry, else the 内蒙古 entry, else the
        national one, never 呼和浩特's. When only another region's rule exists, the note says
        so before the answer (以下是广西的规定，您所在的包头请咨询…).
        """
        members = self.group_entries(group_key)
        scores = {s.entry.id: s.confidence for s in ranked}

        def best(entries: list[Entry]) -> Entry | None:
            if not entries:
                return None
            return max(
                entries,
                key=lambda e: (
                    scores.get(e.id, 0.0)
                    - (self.params.historical_penalty if e.status == "historical" else 0.0)
                ),
            )

        if not region.is_empty:
            if region.city:
                found = best([e for e in members if e.place.city == region.city])
                if found:
                    return found, ""
            found = best(
                [e for e in members if not e.place.city and e.place.province == region.province]
            )
            if found:
                return found, ""
            national = best([e for e in members if e.is_national])
            if national is not None:
                if len(members) == 1:
                    return national, ""
                note = f"暂未收录{region.label()}的专门规定，以上是全国规定，当地可能另有规定。"
                return national, note
            chosen = best(members) or members[0]
            return chosen, elsewhere_note(chosen, region)
        national = best([e for e in members if e.is_national])
        if national is not None:
            note = ""
            if any(not e.is_national for e in members):
                note = "各地规定有差别。回复您所在的省份，如“广西”，可查看当地规定。"
            return national, note
        chosen = best(members) or members[0]
        return chosen, elsewhere_note(chosen, region)


#: Where to ask about a topic when the knowledge base has only another region's rule.
ASK_WHERE = {
    "T1": "当地卫生健康部门或单位人事部门",
    "T2": "当地计生协或村协保员",
    "T3": "当地卫生健康部门或妇幼保健院",
    "T4": "当地计生协",
}


_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_COUNT = r"(\d{1,2}|十[一二]?|[一二两三四五六七八九])"
#: How long a pregnancy lasted, said next to it: 怀孕三个多月, 怀了4个月, 未满4个月流产,
#: 孕12周, 四个月的时候没保住.
_MONTHS = re.compile(
    rf"(?P<bound>未满|不满|不到|不足|快|满|超过|过了)?{_COUNT}(?P<unit>个多?半?月|多个月|周|星期)(?P<more>多)?"
)
_CARRYING = re.compile(r"怀|孕")  # said before the count: 怀孕三个月, 孕10周
_LOST = re.compile(r"流产|小产|没保住|流掉|胎停|引产|清宫")  # said after it: 三个月流产了
_BORN = re.compile(r"孩子|宝宝|娃|老大|出生|岁")  # 孩子三个月了: the child's age


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word.startswith("十"):
        return 10 + (_CN_DIGITS.get(word[1:], 0) if len(word) > 1 else 0)
    return _CN_DIGITS[word]


def pregnancy_months(cleaned: str) -> float | None:
    """How many months pregnant the asker says it was, when a count of months or weeks is said
    just after a pregnancy word or just before a loss (怀孕四个多月 … 没保住: 4.5; 未满4个月流产:
    3.9; 孕10周: 2.3; not 孩子三个月了); None when no such count is said, or two different ones."""
    found: set[float] = set()
    for match in _MONTHS.finditer(cleaned):
        before = cleaned[max(0, match.start() - 6) : match.start()]
        after = cleaned[match.end() : match.end() + 6]
        if _BORN.search(before[-3:]) or not (_CARRYING.search(before) or _LOST.search(after)):
            continue
        count = _count(match.group(2))
        unit = match.group("unit")
        value = count / 4.35 if unit in ("周", "星期") else float(count)
        if "多" in unit or "半" in unit or match.group("more"):
            value += 0.5
        bound = match.group("bound") or ""
        if bound in ("未满", "不满", "不到", "不足", "快"):
            value -= 0.1
        elif bound in ("超过", "过了"):
            value += 0.1
        found.add(value)
    return found.pop() if len(found) == 1 else None


def _answers(hit: FaqHit) -> tuple[FaqHit, ...]:
    """The confident answers of a decision, one per question it answers."""
    if hit.parts:
        return hit.parts
    return (hit,) if hit.outcome is Outcome.CONFIDENT else ()


def _topic_of(entry_id: str) -> str:
    """The topic an entry id names (t1.subsidy.amount.national: t1.subsidy)."""
    return ".".join(entry_id.split(".")[:2])


def elsewhere_note(entry: Entry, region: Region) -> str:
    """The note that comes before another region's rule (以下是广西的规定，您所在地区请咨询…)."""
    where = ASK_WHERE.get(entry.topic, "当地有关部门")
    place = entry.place.label()
    if region.is_empty:
        return f"以下是{place}的规定，其他地区请咨询{where}。"
    return f"以下是{place}的规定，您所在的{region.label()}请咨询{where}。"
