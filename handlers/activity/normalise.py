"""Folds the spoken, dialect and phone-typed forms leaders write into one written form.

Leaders write the way they speak: Cantonese particles (喺 = 在, 咗 = 了, 嚟 = 来, 琴日 = 昨天),
northern day words (夜来 / 夜儿个 = 昨天, 今儿个 = 今天), 咱 for 我们, and pinyin-input slips
that sound like the word meant (做天 for 昨天). Every activity parser reads the folded text, so
each pattern is written once, in Mandarin. Full-width digits become ASCII.
"""

from __future__ import annotations

import re

from handlers.activity.numbers import normalise_digits
from knowledge.typos import loose, syllable

# Longest forms first so 夜儿个 is folded before 夜个 could be.
_FOLDS: tuple[tuple[str, str], ...] = (
    # Cantonese
    ("同埋", "和"),
    # 仲有 = 还有 (and also: 仲有 资料系宣传折页)
    ("仲有", "还有"),
    ("琴晚", "昨晚"),
    ("寻晚", "昨晚"),
    ("尋晚", "昨晚"),
    ("噚晚", "昨晚"),
    ("头先", "刚才"),
    ("頭先", "刚才"),
    ("月尾", "月底"),
    # 大前日 = 大前天 (three days back), folded whole before its 前日 is read as 前天
    ("大前日", "大前天"),
    ("琴日", "昨天"),
    ("寻日", "昨天"),
    ("尋日", "昨天"),
    ("噚日", "昨天"),
    # 唔系资料嚟㗎 (it was not 资料): 嚟㗎 / 㗎 close the clause and say nothing
    ("嚟㗎", ""),
    ("㗎", ""),
    ("喺", "在"),
    ("咗", "了"),
    ("嚟", "来"),
    ("哋", "们"),
    ("今朝", "今天"),
    # 系唔系 / 系毋系 = 是不是 (asks), folded whole before 唔系 / 毋系 become 不是
    ("系唔系", "是不是"),
    # Hakka 毋着 = 不对
    ("毋着", "不对"),
    ("系毋系", "是不是"),
    ("唔系", "不是"),
    # 系100蚊定系200蚊: 定系 = 还是 (one or the other, asked)
    ("定系", "还是"),
    # 改做前日 = 改成前天
    ("改做", "改成"),
    # 系咁 / 就系咁 = 是这样 (that's it); 唔该晒 / 多谢晒 = 谢谢
    ("就系咁", "就是这样"),
    ("系咁", "是这样"),
    ("唔该晒", "谢谢"),
    ("多谢晒", "谢谢"),
    ("谢谢晒", "谢谢"),
    ("系喺", "是在"),
    ("就系", "就是"),
    ("其实系", "其实是"),
    ("实际系", "实际是"),
    ("应该系", "应该是"),
    ("都系", "都是"),
    # 唔该改返 = please change it back (a request, no value)
    ("唔该改返", ""),
    ("改返", "改"),
    ("唔该", "谢谢"),
    # 不系 (mixed Hakka) = 不是; 因该 typed for 应该
    ("不系", "不是"),
    ("因该", "应该"),
    ("唔使", "不用"),
    ("冇问题", "没问题"),
    ("冇错", "没错"),
    # 冇几多人 (not many people) is said, not asked: folded before 几多 becomes 多少
    ("冇几多", "没几个"),
    ("有冇", "有没有"),
    ("冇", "没"),
    ("今个月", "这个月"),
    # 而家 / 依家 = 现在 (now): 而家啱喇 is 现在对了
    ("而家", "现在"),
    ("依家", "现在"),
    ("啱啱", "刚刚"),
    ("唔啱", "不对"),
    # 啱晒 = all right (晒 = all of it); 就咁啦 / 就咁样 = 就这样吧
    ("啱晒", "全对"),
    ("啱", "对"),
    ("就咁样", "就这样"),
    ("就咁", "就这样"),
    ("计埋", "算进去"),
    ("先得闲", "才有空"),
    ("得闲", "有空"),
    ("唔好意思", "不好意思"),
    ("唔记得", "不记得"),
    ("唔知", "不知道"),
    ("唔", "不"),
    ("几多", "多少"),
    ("嗰", "那"),
    ("嘅", "的"),
    ("隔篱", "隔壁"),
    ("上昼", "上午"),
    ("下昼", "下午"),
    # Hakka (梅州, 河源): 今晡日 = 今天, 昨晡日 = 昨天, 前晡日 = 前天
    ("今晡日", "今天"),
    ("昨晡日", "昨天"),
    ("前晡日", "前天"),
    # Hakka 毋 = 不 (毋系 = 不是, 毋好意思), 𠊎 = 我, 𠊎兜 = 我们 (毋庸 / 毋须 stay as written)
    ("毋系", "不是"),
    ("毋庸", "毋庸"),
    ("毋须", "毋须"),
    ("毋", "不"),
    ("𠊎兜", "我们"),
    ("𠊎", "我"),
    # 删咗佢 = 删了它 (佢 = it; elsewhere 佢 / 佢哋 are people, read by notices)
    ("删咗佢", "删了它"),
    ("删佢", "删它"),
    ("唔要佢", "不要它"),
    # northern 黑夜 = 晚上: 夜来黑夜报的 is 昨天晚上报的
    ("黑夜", "晚上"),
    # 仲 = 还 before a verb (仲办咗十二份关爱保险, 仲有宣传资料八十份)
    ("仲有冇", "还有没有"),
    ("仲有", "还有"),
    ("仲办", "还办"),
    ("仲发", "还发"),
    ("仲派", "还派"),
    ("仲送", "还送"),
    ("仲做", "还做"),
    ("仲搞", "还搞"),
    ("仲去", "还去"),
    # northern spoken day words
    ("夜儿个", "昨天"),
    ("昨儿个", "昨天"),
    ("前儿个", "前天"),
    ("今儿个", "今天"),
    ("夜来", "昨天"),
    ("夜个", "昨天"),
    ("昨个", "昨天"),
    ("昨儿", "昨天"),
    ("今儿", "今天"),
    ("今个", "今天"),
    # northern 整 = 搞: 日子整错了 is 日子搞错了
    ("整错", "搞错"),
    # southern 讲 = 说: 人数讲错了 is 人数说错了
    ("讲错", "说错"),
    # pinyin-input slips for 昨天 (zuotian)
    ("做天", "昨天"),
    ("作天", "昨天"),
    ("坐天", "昨天"),
    # look-alike slips: 曰 (yue) for 日 in day words
    ("今曰", "今日"),
    ("昨曰", "昨日"),
    ("前曰", "前日"),
    # slips of the same kind in activity words: 获动 for 活动 (宣专 for 宣传: see _SLIP_WORDS)
    ("讲坐", "讲座"),
    ("将座", "讲座"),
    # 小足会 (xiaozu hui): 足 typed for 组
    ("小足会", "小组会"),
    # Cantonese 边个 / 边度 / 边位 = 哪个 / 哪里 / 哪位 (系边个组搞嘅 asks whose)
    ("边个", "哪个"),
    ("边度", "哪里"),
    ("边位", "哪位"),
    ("获动", "活动"),
    ("活东", "活动"),
    ("开站", "开展"),
    ("小祖会", "小组会"),
    ("小祖长", "小组长"),
    # more slips of the same sound: 版了 (ban) for 办了, 组只 for 组织, 陪训 for 培训
    ("版了", "办了"),
    ("组只", "组织"),
    ("陪训", "培训"),
    # northern 整了个 = 搞了个
    ("整了个", "搞了个"),
    # 廿 = 二十, 卅 = 三十
    ("廿", "二十"),
    ("卅", "三十"),
    # 咱 / 咱们 = 我们
    ("咱们", "我们"),
    ("咱", "我们"),
    # 月头 = 月初; 昨黑(夜) = 昨晚 (northern); 前晚 = 前天晚上
    ("月头", "月初"),
    # northern 后晌 = 下午, 拢共 = 总共; 昨添 typed for 昨天
    ("后晌", "下午"),
    ("拢共", "总共"),
    ("昨添", "昨天"),
    # 会圆 typed for 会员 (same sound; no word of its own)
    ("会圆", "会员"),
    ("昨黑夜", "昨晚"),
    ("昨黑", "昨晚"),
    ("前晚", "前天晚上"),
    # 四十多口子人 (northern): 口子 counts people
    ("口子人", "个人"),
    # 参家 typed for 参加 (same sound; no word of its own)
    ("参家", "参加"),
    # 青春其 typed for 青春期 (same sound)
    ("青春其", "青春期"),
    # northern 一满 = 一共 (一满办了四十份); Hakka / Cantonese 夜昏 = 晚上
    ("一满", "一共"),
    ("夜昏", "晚上"),
    # Min (潮汕, 雷州, 闽南) and Hakka day words: 今旦 = 今天, 明旦 = 明天, 下晡 / 上晡 = 下午 /
    # 上午 (今晡日 is folded above, before its 晡 could be read here)
    ("今旦", "今天"),
    ("明旦", "明天"),
    ("下晡", "下午"),
    ("上晡", "上午"),
    # Min 按呢 = 这样 (就按呢 = 就这样, that's it); 多谢 = 谢谢 (多谢晒 is folded above)
    ("按呢", "这样"),
    ("多谢", "谢谢"),
)
_FOLD = re.compile("|".join(re.escape(old) for old, _ in _FOLDS))
# Cantonese 都几 + adjective is "quite" (人都几多嘅 = quite a crowd, 都几热闹): said, not asked
# (几多 alone asks how many); only where the clause ends after it, so 都几多人 still asks
_QUITE_MANY = re.compile(r"都几多(?=[嘅噶㗎啊呀喔啦喇咯]|\s|[，,。！!]|$)")
_TO = dict(_FOLDS)


# Cantonese 系 (= 是) as the copula of a correction or an answer (日期错咗 系3号, 系隔篱组搞嘅):
# at the start of a clause, never inside a word (联系, 关系, 系统)
# and after the field it gives the value of (类型系义诊, 日期系3号), and before a count said of
# a thing (资料系200份, 测血压系一百二十人次; never 联系 / 关系 before a phone number)
_HAI = re.compile(
    r"(?:^|(?<=[\s，,。！!；;的])|(?<=类型|日期|日子|时间|地点|地方|人数|物品|资料|东西|礼品|保险|手册|折页))"
    r"系(?![统列数谱])(?=[\d\u4e00-\u9fff])|(?<![联关体维干派院科文学])系(?=\d{1,4}(?!\d)|[一二两三四五六七八九十百])"
)
# 办左12份 / 派左100张: 左 typed for 咗 (= 了) after a verb, before a count
_ZO_SLIP = re.compile(r"(?<=[办派发送搞做开嚟来到])左(?=[\d一二两三四五六七八九十几])")

# 琴日个小组会 (Cantonese): 个 after a day word is 的 (yesterday's meeting), not a count
# (刚刚个活动对: the activity just reported)
_DAY_GE = re.compile(r"(?<=昨天|今天|前天|昨晚|刚才|刚刚)个(?=[\u4e00-\u9fff])(?![个把])")
# Min 许 = 那 before a measure word (许个 / 许条 = 那个 / 那条); never in 也许, 或许, 允许,
# 不许, 容许, 少许, 些许, 几许, 期许, 默许, 准许, 特许, 应许, nor 许个愿 (to make a wish)
_HI_THAT = re.compile(r"(?<![也或允不容少些几期默准特应])许(?=[个条次场回](?!愿))")
# 对个 / 着个 closing a clause (Hakka, Min): 个 is the particle 的, never a count (a count
# names what it counts after 个)
_GE_END = re.compile(r"(?<=[对着])个(?=$|[\s，,。！!~～])")

# Hakka / Cantonese 个 as 的 after a verb: 发个系健康手册 (发的是…), 上昼报个讲座 (the lecture
# reported this morning; 报个 alone, 想报个活动, stays a count)
_VERB_GE = re.compile(
    r"(?<=[发派送办搞])个(?=系(?![统列数谱]))|"
    # 走访个是计生特殊家庭 (the visited were…): 个 after a visit, before 系 / 是
    r"(?<=走访|慰问|看望|探望)个(?=[系是](?![统列数谱]))|"
    r"(?<=(?:上午|下午|晚上|昨天|今天|前天|昨晚)报)个(?=[\u4e00-\u9fff])"
)

# 11各人: 各 typed for 个 after a number (只人: see _ZHI_PEOPLE)
_GE_SLIP = re.compile(r"(?<=[\d一二两三四五六七八九十几多来余])各(?=人)")


# The rest of a place name after a character that could be a slip (二分子村): a slip rule never
# touches a character that a village, community or town name goes on from.
_IN_PLACE_NAME = r"(?=[\u4e00-\u9fff]{0,3}(?:村|社区|嘎查|屯|镇|乡|苏木))"

# 资料70分: 分 typed for 份 (same sound) after a count, never in a time (3点20分) or 分钟, nor
# inside a place name (二分子村 is a village of 固阳县, no 二份子村)
_FEN_SLIP = re.compile(
    rf"(?P<count>[\d一二两三四五六七八九十百千]+[多余几]?)分(?![钟之])(?!{_IN_PLACE_NAME})"
)


def _fen(match: re.Match[str]) -> str:
    before = match.string[max(0, match.start() - 1) : match.start()]
    if before in ("点", "时", ":", "：", "百", "万"):
        return match.group(0)
    return match.group("count") + "份"


# 响袁山贝村: 响 typed for 喺 (= 在) before a place, never in 影响
_HEUNG = re.compile(r"(?<!影)响(?=[\u4e00-\u9fff]{1,8}?(?:村|社区|镇|嘎查|街道|苏木|乡))")
# Phones set to traditional characters: the ones reports are written with
_TRADITIONAL = str.maketrans(
    "號會員開來發參與戶張場講衛區鎮鄉計協動組織舉辦熱宣傳資議夥歲個們醫護療經時間讓錢單慶節係確認",
    "号会员开来发参与户张场讲卫区镇乡计协动组织举办热宣传资议伙岁个们医护疗经时间让钱单庆节系确认",
)
# 来咗四十零人: Cantonese "N十零" before people counted is "N十多" (forty-odd), never 一百零五
# (一百零个学生: the same after a round hundred; 一百零五 is a hundred and five)
_LING_SOME = re.compile(
    r"(?<=[一二两三四五六七八九]十|[一二两三四五六七八九]百)零(?=[个人位名只])"
)
# 四十外人 / 三百外份 (Teochew): 外 after a round number is "多" (forty-odd)
_WAI_SOME = re.compile(
    r"(?:(?<=[一二两三四五六七八九]十|[一二两三四五六七八九]百|[一二两三四五六七八九]千|\d0)"
    r"|(?<=(?<![\d一二两三四五六七八九十])百))外"
    r"(?=[个人位名只份本张盒包袋户次元块]|$|[\s，,。；;！!])"
)
# 来有百外人 (Teochew): 来有 before a count is 来了 (原来有 / 本来有 say what there was)
_LAI_YOU = re.compile(r"(?<![原本后])来有(?=[\d一二两三四五六七八九十百几])")
# 三十几侪人 (Hakka): 侪 counts people, after a count
_SAI_PEOPLE = re.compile(r"(?<=[\d一二两三四五六七八九十百千几多来余零])侪(?=人)")
# 阮村 / 阮社区 (Teochew 阮 = 我们): our own village, as 我们村 says
_UN_OURS = re.compile(r"阮(?=村|社区|嘎查|屯|组)(?!村长|村医)")
# 四十大几个 (forty-odd, nearer fifty): 大几 after a round ten is "多"
_DA_JI = re.compile(r"(?<=[一二两三四五六七八九]十)大几(?=[个人位名只]|$|[\s，,。；;！!])")
# 来了十五只人 (Hakka, Cantonese): 只 counts people too, before 人
_ZHI_PEOPLE = re.compile(
    r"(?<=[\d一二两三四五六七八九十百千几多来余零])只"
    # (三十几只细人仔: Hakka children, 细人仔 / 细人 / 细妹; 细路 in Cantonese)
    r"(?=人|学生|姐妹|妇女|群众|会员|家长|村民|老人|细佬哥|细人|细路|细妹|后生)"
)
# 学生八十几只 (Hakka): 只 counting the people just named, ending the clause
_PEOPLE_ZHI = re.compile(
    r"(?P<who>学生|姐妹|妇女|群众|会员|家长|村民|老人|后生|来了|到了)(?P<n>[\d一二两三四五六七八九十百千零几多来余]+)只"
    r"(?=$|[\s，,。；;！!])"
)
# 洗衣粉二十三带: 带 typed for 袋 (same sound) after a count that ends the clause
_DAI_SLIP = re.compile(
    r"(?<=[\d一二两三四五六七八九十百千])(?<![这那近周附全]一)带(?=$|[\s，,。；;、！!])"
)
# 一共侧了150多人次: 侧 typed for 测 (same sound) right before a count measured
_CE_SLIP = re.compile(
    r"侧(?=了?\s*[\d一二两三四五六七八九十百几]+\s*(?:多|余|来|几)?\s*(?:个)?人次)"
)
# 每户慰问金五百 一共一千五: money said without its unit is in yuan; once a message says so,
# a bare total at the end of a clause (一共一千五 / 总共一千) is money too
_BARE_MONEY = re.compile(
    r"(?P<head>(?:慰问金|助学金|救助金|理赔金|理赔款|保费|礼金|红包|现金|善款)"
    r"(?:每户|每人|每家|每位|各)?(?:是|有|共)?)"
    r"(?P<num>[\d一二两三四五六七八九十百千]+)"
    r"(?=$|[\s，,。；;！!]|每)"
)
_BARE_TOTAL = re.compile(
    r"(?P<head>(?:一共|总共|合计|共计)(?:是|有)?)(?P<num>[\d一二两三四五六七八九十百千]+)"
    r"(?=$|[\s，,。；;！!])"
)
# 收保费1250蚊: Cantonese 蚊 is the spoken yuan, after a count
_MAN = re.compile(r"(?<=[\d一二两三四五六七八九十百千万])蚊")


# Activity words whose first character begins no other word a report uses, so a second
# character that sounds like the right one is a slip of the pinyin keyboard (宣转 / 宣专 for
# 宣传, 培寻 for 培训). 讲座 and 义诊 are not among them: 讲错 and 义正 are words of their own.
# 走 begins other words (走了, 走进), none of them sounding like 走访: 走方 / 走放 are 走访.
_SLIP_WORDS = ("宣传", "培训", "慰问", "走访")
_SLIP_HEADS = re.compile("|".join(f"(?<={w[0]})(?!{w[1]})[\u4e00-\u9fff]" for w in _SLIP_WORDS))
_SLIP_MEANT = {w[0]: w[1] for w in _SLIP_WORDS}
# initials next to each other on the keyboard, typed one for the other (zhuan for chuan)
_NEIGHBOUR_INITIALS = (("z", "c"),)


def sounds_like(typed: str, meant: str) -> bool:
    """``typed`` reads as ``meant`` once the sounds southern speakers blur (zh/z, ch/c, -ng/-n)
    are set aside, or with an initial typed as its neighbour on the keyboard (z for c)."""
    a, b = loose(syllable(typed)), loose(syllable(meant))
    if not a or not b:
        return False
    if a == b:
        return True
    return a[1:] == b[1:] and (
        (a[0], b[0]) in _NEIGHBOUR_INITIALS or (b[0], a[0]) in _NEIGHBOUR_INITIALS
    )


def _slip(match: re.Match[str]) -> str:
    head = match.string[match.start() - 1]
    meant = _SLIP_MEANT[head]
    return meant if sounds_like(match.group(0), meant) else match.group(0)


# Words left in pinyin by the input method (zuotian在那良村搞宣传, 搞了jiangzuo)
_PINYIN_WORDS = {
    "zuotian": "昨天",
    "jintian": "今天",
    "qiantian": "前天",
    "jiangzuo": "讲座",
    "xuanchuan": "宣传",
    "yizhen": "义诊",
    "huodong": "活动",
    "zoufang": "走访",
    "weiwen": "慰问",
    "peixun": "培训",
    "baoxian": "保险",
    "laile": "来了",
    "huiyuan": "会员",
    "dajia": "大家",
    "kaihui": "开会",
    "daole": "到了",
    "cunweihui": "村委会",
}
# A whole message typed in pinyin without picking the characters (renshu cuo le shi 20 ren):
# its syllables and words, read only when every word of the message is one of them
_PINYIN_SENTENCE_WORDS = {
    **_PINYIN_WORDS,
    "renshu": "人数",
    "riqi": "日期",
    "didian": "地点",
    "leixing": "类型",
    "cuole": "错了",
    "cuo": "错",
    "le": "了",
    "shi": "是",
    "bushi": "不是",
    "budui": "不对",
    "bu": "不",
    "dui": "对",
    "duide": "对的",
    "queren": "确认",
    "ren": "人",
    "ge": "个",
    "fen": "份",
    "hao": "号",
    "gai": "改",
    "gaicheng": "改成",
    "cheng": "成",
    "chexiao": "撤销",
    "meiwenti": "没问题",
    "haode": "好的",
}
_PINYIN_SENTENCE = re.compile(r"(?i)^[a-z\d\s,.!?]+$")


def _pinyin_sentence(text: str) -> str:
    words = re.findall(r"(?i)[a-z]+|\d+|[,.!?]", text)
    if not words or not all(
        w.isdigit() or w in ",.!?" or w.lower() in _PINYIN_SENTENCE_WORDS for w in words
    ):
        return text
    if sum(1 for w in words if w.isalpha()) < 2:
        return text
    return "".join(_PINYIN_SENTENCE_WORDS.get(w.lower(), w) if w.isalpha() else w for w in words)


# 35ge学生: the measure word typed in pinyin right after a count
_GE_PINYIN = re.compile(r"(?i)(?<=\d)ge(?![a-z])")
# 26ren: the people counted in pinyin
_REN_PINYIN = re.compile(r"(?i)(?<=\d)ren(?![a-z])")
# 一百出头 / 二十出头 / 一百挂零 = 一百多 / 二十多; 百零个 (a hundred and some, never 一百零五)
_CHU_TOU = re.compile(
    r"(?<=[\d十百千])(?:出头|挂零)|(?<=[十百])零(?=[个人只位名张份本户盒包袋瓶])"
)
# 测了血压 / 量了血糖: the check, one word
_CHECKED = re.compile(r"(?<=[测量])了(?=血压|血糖|血脂|体温)")
# 发得两百多份 / 来得有五十几个 (southwestern Mandarin 得 = 了 after a verb, before a count)
_DE_DONE = re.compile(r"(?<=[发来搞办送派到])得(?=有?[\d一二两三四五六七八九十百几])")
# 关爱保线 / 计生保线: 线 typed for 险 (same final) after 保
_BAO_XIAN = re.compile(r"(?<=爱保|生保|庭保|外保|合保|买保|办保|上保)线")
_PINYIN = re.compile(r"(?i)(?<![a-z])(" + "|".join(_PINYIN_WORDS) + r")(?![a-z])")
# northern 搁 = 在 before a place (前天搁红星村整了个义诊)
_GE_AT = re.compile(r"搁(?=[\u4e00-\u9fff]{1,8}?(?:村|社区|嘎查|屯|镇|乡|苏木|街道))")
# Hakka 哩 = 了 after a verb (搞哩计生特殊家庭慰问 慰问哩6户); elsewhere a particle (对着哩)
_LI_DONE = re.compile(r"(?<=[搞办开发送派问访到来做讲])[哩咧](?=[\u4e00-\u9fff\d])")
# 一百几十 = 一百多 (a hundred and some tens); 三十好几 = 三十多
_SOME_TENS = re.compile(r"(?<=[一二两三四五六七八九]百)几十|(?<=十)好几")

# 搞了一个那个叫什么家庭健康的培训 (voice input): a speaker searching for the name, no question
_WHATS_IT_CALLED = re.compile(
    r"(?:那个)?叫(?:什么|啥)(?:来着)?(?=[\u4e00-\u9fff]{2,10}?的?(?:培训|讲座|活动|宣传|义诊|会|课))"
)


def fold(text: str) -> str:
    """The text with digits made ASCII and dialect / spoken forms made standard."""
    text = normalise_digits(text).translate(_TRADITIONAL)
    if _PINYIN_SENTENCE.match(text):
        text = _pinyin_sentence(text)
    text = _QUITE_MANY.sub("都挺多", text)
    text = _FOLD.sub(lambda match: _TO[match.group(0)], text)
    text = _HEUNG.sub("在", text)
    text = _VERB_GE.sub("的", text)
    text = _HAI.sub("是", text)
    text = _ZO_SLIP.sub("了", text)
    text = _FEN_SLIP.sub(_fen, text)
    text = _MAN.sub("元", text)
    text = _ZHI_PEOPLE.sub("个", text)
    text = _PEOPLE_ZHI.sub(r"\g<who>\g<n>个", text)
    text = _LING_SOME.sub("多", text)
    text = _WAI_SOME.sub("多", text)
    text = _LAI_YOU.sub("来了", text)
    text = _SAI_PEOPLE.sub("个", text)
    text = _UN_OURS.sub("我们", text)
    text = _DA_JI.sub("多", text)
    text, money = _BARE_MONEY.subn(r"\g<head>\g<num>元", text)
    if money:
        text = _BARE_TOTAL.sub(r"\g<head>\g<num>元", text)
    text = _DAI_SLIP.sub("袋", text)
    text = _CE_SLIP.sub("测", text)
    text = _SLIP_HEADS.sub(_slip, text)
    text = _DAY_GE.sub("的", text)
    text = _HI_THAT.sub("那", text)
    text = _GE_END.sub("的", text)
    text = _WHATS_IT_CALLED.sub("", text)
    text = _PINYIN.sub(lambda m: _PINYIN_WORDS[m.group(1).lower()], text)
    text = _GE_PINYIN.sub("个", text)
    text = _REN_PINYIN.sub("人", text)
    text = _CHU_TOU.sub("多", text)
    text = _CHECKED.sub("", text)
    text = _DE_DONE.sub("了", text)
    text = _BAO_XIAN.sub("险", text)
    text = _GE_AT.sub("在", text)
    text = _LI_DONE.sub("了", text)
    text = _SOME_TENS.sub("多", text)
    return _GE_SLIP.sub("个", text)
