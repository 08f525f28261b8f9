"""What reads like an activity but is not a report of one the sender's group has done.

Leaders write about activities in many ways besides reporting one: they announce what is coming
("下个星期一到星期三在常乐村搞健康宣传周"), invite ("诚邀各位会员参加…"), ask the association's
staff for something ("麻烦刘老师再给我们组寄100本宣传册过来"), pass on what another group did
("王霞她们组上个月办了40份关爱保险"), or complain about an activity without reporting it
("上个月义诊医生来得太晚了 大家等了一个多小时"). Such a message has the date, the place and the
numbers of a report, so counting those alone takes it for one, and the bot shows a confirmation
card for something nobody reported.

:func:`not_a_report` looks at how the message is said rather than at which whole sentences
appear:

- who did it: the sender's group (我们 / 我组, or nobody named) or somebody else (她们组, 人家,
  江口村那边, 听说 / 有人说 …);
- tense and aspect: a clause that says something was done carries 了 / 过 / 完 / 已 / 共; a
  clause that names a coming day (下个星期一, 周日) or a plan (要搞, 定了, 每个组来5个人) without
  that is a notice;
- the speech act: a request (麻烦 / 帮我 / 发我 / 寄过来), an invitation (诚邀 / 欢迎 / 都可以来 /
  报名) or a complaint (开得太长了, 根本不够发, 还没下来) is not a report, unless the message also
  counts who came or what was handed out the way a report does.

It returns the reason and how much it counts against a report; the report score of
:mod:`handlers.activity.parser` subtracts that weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = r"[\u4e00-\u9fff]"
_NUM = r"(?:\d+|[一二两三四五六七八九十百千][一二两三四五六七八九十百千]*)"

# A clause ends at punctuation or a space (phone messages separate clauses with spaces).
_CLAUSE = re.compile(r"[^\s，,。；;！!？?、：:]+")

# Said to be done: perfective 了 (not 了解), experiential 过 (not 过来 / 过去 / 过年 / 过节),
# 完, 已(经), a total (共 / 一共 / 共计), attendance taken.
_DONE = re.compile(
    r"(?<!为)了(?!解)|(?<![少多超不])过(?![来去年节])|完|已|共|到会|实到|到场|结束|圆满|顺利|"
    # 社区居民80人参加 (formal prose often has no 了), not 预计40人参加 / 大概来50人
    r"(?<![计约概来派出\d一二两三四五六七八九十百千])"
    # (40名育龄妇女参加: who came named between the count and the verb)
    rf"{_NUM}\s*(?:多|余)?\s*(?:人|名)[^\s，,。；;、]{{0,6}}?(?:参加|参与|到会)"
)

# How a report counts: people who came or things handed out, with a report's units. Durations
# (一个多小时) and vague counts (好几个人) are not such counts.
_REPORT_COUNT = re.compile(
    rf"(?<![几好第]){_NUM}\s*(?:多|余|来|几)?\s*(?:(?:个|名|位)?\s*"
    r"(?:人(?!家)|户|份|本|盒|袋|条|张|册|支|瓶|件|套|斤|桶|箱|元|块钱|人次)|名(?!额|单|字|次))"
)

# What a group does at an activity, and that verb said to be done (开了 / 搞了 / 发放了).
_DID_VERB = r"(?:搞|办|开|发|走访|慰问|测|组织|举办|开展|送|报)"
_DID = re.compile(r"(?:搞|办|开|发|发放|举办|举行|开展|组织|走访|慰问|召开|测)了")

# -- somebody else did it ------------------------------------------------------------------------

# Hearsay: what the sender heard, not what the sender's group did.
_HEARSAY = re.compile(
    rf"听说|据说|听(?!取|宣讲|宣传)[^\s，,。；;取课]{{1,6}}?[说讲](?![座课解授了述得])|有人说|"
    # someone said that a place or another group did it (not 老人说我们村这次义诊办得好)
    # (我说一下: the speaker tells it, no hearsay)
    rf"说(?![我咱]|一下|下|个)[^\s，,。；;]{{0,6}}?(?:村|社区|嘎查|镇|她们|他们)[^\s，,。；;]{{0,8}}?{_DID_VERB}|"
    r"朋友圈|群里(?:看|说|发的)|(?<!观)看群里|听闻|"
    # (累计听讲140人次: listeners counted, no hearsay)
    rf"(?<![加来场真们众民生员长])听讲(?![座课的]|\s*(?:共|达)?\s*{_NUM})|"
    # the news said so: 看到新闻说五华县计生协昨天… / 新闻报道说…
    r"(?:看到|看了|听)新闻|新闻(?:上|里)?(?:说|讲|报道)|报道说|上了?(?:电视|新闻|报纸)|"
    # compared with the sender's own group, or praised: another group's activity
    r"比(?:我们|我组|我村)|[^\s，,。；;]{0,6}(?:组长|她们|他们|人家|老师)(?:组|村)?(?:真|好|太|挺)?(?:厉害|能干|牛|勤快|积极|有办法)|"
    # 据镇里说 (not 据统计 / 据了解); told me: 组长跟我说她们…; seen: 我看到那良村昨天在发…
    r"据[^\s，,。；;统了]{1,4}?[说讲]|(?:跟|对|和|给)我(?:说|讲)|告诉我|"
    rf"(?:看到|看见)[^\s，,。；;]{{0,8}}?{_DID_VERB}|"
    rf"(?:好像|似乎|貌似)(?={_CJK}{{0,3}}(?:昨天|前天|今天|上周|上个?月|这个月|已经|也|都|{_DID_VERB}))|"
    rf"说(?:她们|他们|人家|那边){_CJK}{{0,16}}?(?:{_DID_VERB}|来了|到了)"
)
# What a group holds, named as an event (邻村嘎查昨天会员活动管奶茶: the neighbours' activity).
_EVENT = r"(?:会员活动|小组会|讲座|义诊|宣传|培训|体检|慰问)"
# Another group as the doer: 王霞她们组 / 她们这个月 / 人家常乐村 / 江口村那边 / 隔壁村 at the
# start of a clause (not 为他们送去 / 和他们村一起), followed by what they did.
# 五通社区那边 as the doer: a leader reports the own group's activity as 在五通社区….
# Cantonese: 佢哋 (folded 佢们), 隔篱, 人哋 (folded 人们) before a place.
_OTHERS = (
    r"(?:她们|他们|佢们|佢|人家|别人|隔壁|隔篱|邻村|邻居村|外村|别的村|别的组|其他组|那边|"
    r"人们(?=[\u4e00-\u9fff]{1,4}(?:村|社区|嘎查))|"
    # another body at the head of the message (学校琴日搞咗个讲座 / 妇联今天在社区搞了宣传)
    r"(?<![\u4e00-\u9fff])(?:学校|妇联|民政所|民政局|派出所|司法所|党支部|团委|医保局|人社局))"
)
_OTHERS_DID = re.compile(
    rf"(?:^|[\s，,。；;!！])[^\s，,。；;!！为给向帮跟和与同对让教带替陪在到去来请]{{0,5}}?"
    rf"{_OTHERS}(?:组|村|社区|嘎查|那边)?{_CJK}{{0,8}}?(?:{_DID_VERB}|{_EVENT})"
)

# -- still to come -------------------------------------------------------------------------------

# A coming day: 下个星期一, 周日 (not 上周日, nor 这周六 / 本周一, which may be past, nor the
# weekday of a date: 5月13日星期三), 大后天, 明年. 下周 / 明天 / 后天 are already
# read as notices by the parser; they are here too so this module stands on its own.
_COMING_DAY = re.compile(
    r"下个?(?:星期|礼拜|周)|下个?月|下旬(?=要|准备|打算)|明天|后天|大后天|明年|听日|听朝|后日|"
    # (上个礼拜五 / 这个星期三: the 个 between is no coming day either)
    r"(?<![上下这本日号(（\d])(?<!上个)(?<!这个)(?P<weekday>(?:周|星期|礼拜)[一二三四五六日天末])"
)
# A plan said in so many words: decided, to be done, a quota for each group.
_PLAN = re.compile(
    r"定(?:在|于)|到时候|到时|届时|将于|拟(?:于|在|定于)|"
    # the verbs, not the nouns (讨论下半年会员活动计划, 做好准备)
    r"打算|(?<!做好)(?<!作好)准备(?!工作|充分|就绪)|计划(?=在|于|去|搞|办|开|发|[\d一二两三四五六七八九十下明本这今年月])|"
    r"想(?:在|搞|办|开|请|去)|"
    r"(?<![主需重只想不])要(?=去|搞|开|办|发|在|于|到|给|组织|举办|开展|举行|领)|预计|预定|"
    # a quota or a deadline: 每个组至少搞两次, 11月30日前在本村开展
    # (为每户家庭开展健康评估: what was done for each, no quota)
    r"(?<![为给向对])每(?:个|位)?(?:组|村|人|户|社区|嘎查|苏木|镇|乡|街道)[^\s，,。；;]{0,3}?(?:来|出|派|带|准备|交|搞|开展|办|报)|"
    r"(?:\d+[日号]|月底|年底|月初)前"
)

# A notice by its heading (关于开展会员活动日的通知：…) or a forwarded piece (【转】…, 转发：…).
_NOTICE = re.compile(
    # (转一下 / 转下 at the head, spoken: passed on, as 转发： is)
    r"^(?:关于[^\s，,。；;]{0,24}的)?通知[：:\s]|^【?转(?:发|载)?】|^转(?:发|载)?[：:]|"
    r"^转(?:发|载)?一?下[\s，,：:]|"
    # 镇计生办通知：… / 群里转的：… / 县里公众号的文章
    r"^[^\s，,。；;：:]{1,10}通知[：:]|转的[：:]|公众号|"
    # 转自自治区计生协网站：… / 这是科右前旗那边发的简报
    r"^转自[^\s，,。；;：:]{0,16}[：:]|简报[，,：:\s]|"
    # what the office above asks, at the head of the message (县计生协要求6月底前每个组完成2次…)
    # (not 按照县里要求，…开展了: what the report was done by)
    r"^(?!按照|根据|依据|遵照|按|落实)[^\s，,。；;]{0,8}?"
    r"(?:计生协|计生办|卫健局|卫健委|政府|镇里|县里|旗里|乡里)(?:要求|通知|部署|下发|印发)"
)
# Moved, put off or called off: 挪到村部活动室了, 要延后了, 改期 (a report says what was done instead).
_MOVED = re.compile(
    r"挪到|挪在|改到|改在|移到|调到|换到|推迟|延后|延期|顺延|改期|往后推|推后|取消了"
)
# Moved, then held on the new day, with what came of it (原定9月5日的会员活动推迟至9月12日举行…
# 到会会员31人 / 改期至11月5日举行。当日…筛查86人次 / 小组会就挪到今天了…到了21人): a report
# of the day it was moved to
_HELD_AFTER_MOVE = re.compile(
    r"(?:推迟|顺延|延期|延后|改期|挪|改|调|移|往后推|推后)[^。；;！!？?]{0,8}?(?:至|到|在|于)"
    r"[^。；;！!？?]{0,30}?(?:举行|举办|开展|开的|搞的|办的|开了|搞了|办了|了)"
)


def held_after_move(body: str) -> bool:
    """Said to have been moved to another day and held then, with who came or what was done
    counted after it (a notice of a move counts nothing)."""
    moved = _HELD_AFTER_MOVE.search(body)
    return bool(moved and _REPORT_COUNT.search(body, moved.end()))


# A quota: 不少于30人, 至少1场, 唔少过50人 (folded 不少过), 起码能来一百人.
_QUOTA = re.compile(rf"不少于|不低于|不少过|不得少于|至少|起码|最少|(?:须|必须|务必|应)于?{_NUM}")
# A wish or a supposition: 要是县里能派医生下来…就好了, 如果…的话.
_SUPPOSED = re.compile(r"要是|如果|假如|假若|假设|倘若|若是|万一|就好了|的话")
# After now, said at the start of a clause: 以后下去走访方便多了.
_LATER = re.compile(r"(?:^|[\s，,。；;])(?:以后|今后|往后|将来)")
# The own group set against another: 我们组才刚开始动员, 咱们社区小 顶多来30个.
_OWN_CONTRAST = re.compile(
    r"(?:我们|咱们|我组|咱组|俺们)(?:组|村|社区|嘎查)?[^，,。；;]{0,5}?(?:才|还没|顶多|最多|撑死|估计|"
    r"差远了|差得远|比不上|没法比|要不要也|也学学)"
)
# Said outright not to be the own group's (不是我们组搞的, 唔系我哋组搞嘅 folded).
_NOT_OURS_SAID = re.compile(
    r"(?:不是|并非|不算)(?:我们|我|咱们)(?:组|村|社区|嘎查|小组|协会|计生协)?(?:搞|办|开|组织|举办|去|做)的|"
    # 不算我们的活动 / 我们计生协没参与 / 是村委会自己组织的
    r"不算(?:我们|咱们)(?:组|协会|计生协)?的活动|"
    r"(?:我们|咱们)?(?:计生协|协会|小组|组)(?:都)?(?:没|没有|未)(?:参与|参加|插手)|"
    r"是(?:村委会?|居委会?|学校|镇里|乡里|旗里|县里)自己(?:组织|搞|办)的|"
    # 跟我们协会没关系吧 / 同计生协没关系 / 跟计生协一点关系没有: none of the association's
    r"(?:跟|和|与|同)(?:我们|咱们|我)?(?:协会|计生协|计生|组|小组|村)?[^\s，,。；;]{0,3}?"
    r"(?:(?:没|没有|无)(?:啥|什么|任何|一点|半点)?关系|关系(?:都|也)?没有?)|"
    # 不是协会组织的 / 不算我们的: the group or the association named without a pronoun
    r"(?:不是|并非|不算)(?:我们|咱们)?(?:计生协|协会|小组)(?:搞|办|开|组织|举办|做)的|"
    r"不算(?:我们|咱们)(?:组|协会|计生协)?的(?![\u4e00-\u9fff])|"
    # 我们小组没人参加 / 我们协会没人参与 / 我们计生协没有安排 / 协会今次没份 / 事先都不知道:
    # the own side said to have had no part in it
    r"(?:(?:我们|咱们|俺们)(?:计生协|协会|小组|组|会员小组)?|(?<![\u4e00-\u9fff])(?:计生协|协会))"
    r"[^\s，,。；;]{0,4}?(?:都|也|根本|完全)?(?:(?:没|没有|未|无)(?:人|有人|一个人)?"
    r"(?:参与|参加|插手|去|份|安排|组织|派人|出人|到场)|不(?:知道|晓得))"
)
# The association above, named at the head of a clause (县计生协昨天在廉州镇搞了宣传): with the
# own group set against it, its work, not the sender's.
_ABOVE = re.compile(
    rf"(?:^|[\s，,。；;])(?:县|镇|乡|市|旗|区)(?:计生协|计生办|卫健局|卫生院){_CJK}{{0,10}}?{_DID_VERB}"
)
# Another place, over there (钦州那边11月搞了好多场关爱保险宣传): not the own group.
_OVER_THERE = re.compile(rf"(?:^|[\s，,。；;]){_CJK}{{1,6}}那边[^\s，,。；;]{{0,8}}?{_DID_VERB}")
# Another group named by its number at the head of a clause (三组上周办了15份): not the own group.
_NUMBERED_GROUP = re.compile(
    rf"(?:^|[\s，,。；;])(?<![我们咱])[一二三四五六七八九十\d]+组{_CJK}{{0,12}}?{_DID_VERB}"
)
# Another place's event spoken of as known: 五通社区那个讲座来了120个学生.
_THAT_EVENT = re.compile(
    rf"(?:^|[\s，,。；;]){_CJK}{{1,6}}(?:村|社区|嘎查|镇)那(?:个|场|次){_EVENT}"
)
# A year's work in a word (这一年咱们嘎查搞了那么多活动): no one activity.
_YEAR = re.compile(
    r"(?:这一年|一年来|今年|全年)[^\s，,。；;]{0,10}?(?:那么多|这么多|好多|很多|不少)"
)

# A target for a period and how far the group has got: 今年每个村要办30份关爱保险 我们才办了12份
# (a running total set against a quota, no one activity reported).
# 给我们村分了30份关爱保险的任务 才办了10份: a quota and how far the group has got
_QUOTA_SO_FAR = re.compile(r"任务[，,\s]*(?:才|只|还差)")
_TARGET = re.compile(
    rf"(?:今年|全年|本年度|这个月|本月|这季度|本季度)[^\s，,。；;]{{0,8}}?(?:要|得|须|任务是?|指标是?)"
    rf"[^\s，,。；;]{{0,4}}?{_NUM}"
)
_SO_FAR = re.compile(r"才|只|还差|还剩|累计|一共才|总共才")

# Decided, whatever the aspect: 定了 元旦前在村部开年终总结会.
_DECIDED = re.compile(r"(?:^|[\s，,。；;])定了|初步定|敲定")

# -- a speech act that is no report ---------------------------------------------------------------

# Asked to log the report itself (唔该帮我登记 / 麻烦登记一下 / 帮我报上去): no other request
_LOG_THIS = re.compile(
    r"(?:麻烦|劳驾|谢谢|请)?(?:你|您)?(?:帮(?:我|我们|忙)?|给我)?(?:登记|记录|记一下|录入|上报|报上去)"
    r"(?:一下|下)?(?:吧|哈|啊|哦|呀)?$"
)
_REQUEST = re.compile(
    r"麻烦|劳驾|请(?:协会|帮|您|你|老师|于|志愿者|会员|组长|小组长)|提前[^\s，,。；;]{0,4}到|帮(?:我|我们)|帮忙(?=看|查|问|弄|改|删|登记|报|申请|一下)|"
    r"(?:发|寄|传|转)(?:给)?我|"
    r"给我们?(?:组|村)?(?:再)?(?:寄|发|送|补|派)|[寄送拿带]过来|能不能|能否"
)
_INVITATION = re.compile(
    # 欢迎 to come, not 受到群众热烈欢迎
    r"诚邀|邀请(?:各位|大家|您|你)|欢迎(?=大家|各位|广大|您|你|有|[^\s，,。；;]{0,8}(?:参加|前来|光临|来))|"
    r"都可以来|可以来|都能来|有空(?:的)?(?:都|就)?来|"
    # 一起去 asked of the hearer, not 和村医一起去石埠村 (who went)
    r"一(?:起|齐)(?:来|去)(?=$|[吗吧啊呀哦\s])|来帮忙|报名|名额|得闲|你能来|您能来|来不来|(?<!邀)请(?:各|大家|全体|广大)|"
    # addressed to those who are to come: 各组长带本组会员参加 / 各位会员准时到
    r"^各(?:位|组|村|小组)?(?:组长|会员|志愿者|小组长)?[^\s，,。；;]{0,6}?(?:带|参加|到场|准时|安排|通知)"
)
# A complaint: something went wrong, with no report of who came or what was handed out.
_COMPLAINT = re.compile(
    r"(?:得|太)(?:太|好|很|特别|非常)?(?:晚|迟|长|久|短|小|少|差|慢|吵|挤|远|累|折腾|乱|贵|难|大|多|冷|热)|"
    r"没(?:发|来|到)(?:几|多少)|"
    r"根本(?:不|没)|不够(?:发|用)|没拿到|听不清|看不清|装不下|不准|一直坏|(?<![高兴乐开心笑])坏了|坏在|掉色|"
    r"还没(?:下来|到|发|批)|没人管|质量(?:太|很|不|差)|说好的|白跑|累得要命|要命|"
    r"有意见|意见很大|[排等]了?(?:好久|半天|很久)|排队排了|等了[^\s，,。；;]{0,6}(?:小时|钟头|分钟|个钟)|"
    # 医生来晚了两个钟 群众等到发火: who came late and who lost patience
    r"来(?:得)?晚了|迟到|(?:等|气)(?:到|得)(?:发火|冒火|生气|骂人)|发火|发脾气"
)
# A complaint said outright, whatever is counted beside it.
_OUTRIGHT_COMPLAINT = re.compile(
    r"根本不够|不够发|还没(?:发|拨|批)下来|说好的[^\s，,。；;]{0,8}(?:还没|没有?)"
)
# Nothing was done: 一户都没走成, 没搞成.
# Still to do: 我们还差15户没走.
_FAILED = re.compile(
    r"一[户个人场次]都没|没(?:走|搞|办|开|做|弄)成|都没(?:来|到|开|搞)|泡汤|搞黄了|"
    # a session not held (家长课堂停了一期 / 小组会停了一次 / 这个月停办)
    rf"停了\s*{_NUM}?\s*(?:期|次|场|回|个月)|停办|停开|暂停了?(?:一|1)?(?:期|次|场|回)?|"
    rf"还差\s*{_NUM}\s*(?:户|人|份|场|次|个)?(?:没|未)"
)
# The bot's own records: what was reported, wrong in a record, statistics and exports.
_RECORDS = re.compile(
    r"(?:上报|报|登记|录入?)的(?:那|这|走访|宣传|活动|义诊|讲座|会)|报错|写错|记错|记成|录错|填错|"
    r"活动统计|统计表|统计里|报表|记录(?!了)|台账|上报情况|开展情况|报送|漏报|撤回|删掉|删除|导出|"
    r"我要(?:看|查|导|改|删|撤)"
)
# A record named as such, whatever else the message says: 上次报的义诊来了45人 不是15人 corrects a
# record, 把昨天那条走访删了 removes one; a year's or a county's tally is no one activity.
_A_RECORD = re.compile(
    r"(?<![补上])报的(?:那|这|义诊|走访|宣传|活动|讲座|会)|报错|写错|记错|记成|录错|填错|"
    r"(?:那|这|上一?)条(?!街|路|河|沟|巷)|把[^\s，,。；;]{0,8}?(?:删|撤)|"
    r"(?:十四五|十三五|十五五)期间|供[^\s，,。；;]{0,8}参考|"
    r"(?:去年|今年|全年|累计|全县|全镇|全市|全旗|全区)[^\s，,。；;]{0,14}?"
    r"(?:\d+|[一二两三四五六七八九十百几]+)\s*(?:次|场)"
)
# Not an association activity: a party meeting, a village assembly, a film.
# (a meeting of another body on its own business: 低保评议会, 业主大会, 家长会, 分红会, 招聘会,
# 防台风会议, 人大代表培训, 村民小组开会选组长)
_OTHER_EVENT = re.compile(r"党员大会|党员会|党课|村民大会|村民代表大会|放电影|选举|换届")
_OTHERS_BUSINESS = re.compile(
    r"选(?:组长|村长|主任|代表)|评议会|业主(?:大会|会)?|家长会|分红|招聘会|防(?:台风|汛)|"
    r"人大代表|政协委员|村民小组(?:开会|会议)"
)
# What only the association's work is about (培训 / 宣传 / 健康 are said of other bodies' work too).
_ASSOCIATION_CORE = re.compile(
    r"计生|会员|义诊|走访|慰问|关爱保险|计生保险|药具|优生|育儿|避孕|孕|青春|计划生育|婴幼儿"
)
_ASSOCIATION = re.compile(r"计生|会员|宣传|义诊|讲座|走访|慰问|保险|药具|健康|培训|咨询")
# Private life, not an association activity: relatives, a banquet.
# (我请个假: the sender away from a meeting, not one held)
_PRIVATE = re.compile(
    r"亲戚|喜酒|请酒|摆酒|酒席|婚礼|满月|孙子|孙女|客人|家宴|寿宴|大寿|做寿|那口子|拜山|扫墓|成家人|一家人|"
    r"(?:摆|请|办|开)了?[\d一二两三四五六七八九十几]+桌|我(?:要|得|想)?请(?:个|几天)?假|"
    # a family's feast or move (杀猪 / 新屋入伙 / 升学宴)
    r"杀(?:年)?猪|入伙|乔迁|升学宴|谢师宴|生日宴|满月酒|"
    # the family's livestock (家里的羊下了3个羔子)
    r"(?:家里|我家|俺家)的?(?:羊|牛|猪|母猪|马|狗|鸡|鸭)|羔子|下崽|产羔|接羔|"
    # (我去县里体检了 血压有点高: the sender's own health; 那口子 = the sender's spouse)
    r"(?:我|俺)(?:去|到)[^\s，,。；;]{0,6}(?:体检|看病|住院)"
)


@dataclass(frozen=True)
class NotAReport:
    """Why a message is not a report of something done, and how much that counts against it."""

    reason: str  # others | plan | request | invitation | complaint | records | private
    weight: float
    evidence: str


_WEIGHTS = {
    "others": 0.7,
    "plan": 0.6,
    "request": 0.6,
    "invitation": 0.6,
    "complaint": 0.6,
    "private": 0.5,
    "records": 0.6,
}


_TOLD = re.compile(r"要求|强调|指出|号召|提出|倡导|鼓励|动员|部署")
_OWN_HEAD = re.compile(r"(?:我们|咱们|俺们|我)(?:组|小组|村|协会)?")


def _clauses(body: str) -> list[str]:
    return _CLAUSE.findall(body)


def _undone_clause(pattern: re.Pattern[str], body: str) -> str | None:
    """The first clause where ``pattern`` matches and nothing is said to be done."""
    told = False
    for clause in _clauses(body):
        # what a meeting asked or urged (会议强调，要在全村…) is its content, not a plan
        # (…要求每个组完成2次 我们组打算15号搞一次: the group's own plan after what was asked)
        told = (told or _TOLD.search(clause) is not None) and not _OWN_HEAD.match(clause)
        found = pattern.search(clause)
        if found and not told and not _DONE.search(clause):
            return found.group(0)
    return None


def _found(reason: str, evidence: str) -> NotAReport:
    return NotAReport(reason, _WEIGHTS[reason], evidence)


# A coming day named for what it is, in a clause of its own before the report (听日就中秋喇 /
# 明天就过年了 / 后天就是重阳节): an occasion, no plan
_OCCASION_AHEAD = re.compile(
    r"^(?:明天|明日|听日|后天|后日|下周|下个?(?:星期|礼拜)|下个?月|过两天|过几天)"
    rf"就(?:是|要|到|系)?{_CJK}{{1,6}}?(?:了|喇|啦|咯|嘞|喽|啰)?$"
)


def without_occasion(body: str) -> str:
    """``body`` without a first clause that only names a coming occasion (听日就中秋喇), when a
    clause follows it that says something was done: that clause is the report's."""
    clauses = list(_CLAUSE.finditer(body))
    if len(clauses) < 2 or not _OCCASION_AHEAD.match(clauses[0].group(0)):
        return body
    occasion = clauses[0].group(0)
    if re.search(rf"{_DID_VERB}|{_EVENT}", occasion):
        return body  # 明天就搞中秋慰问: the activity itself is coming
    rest = body[clauses[1].start() :]
    return rest if _DONE.search(rest) else body


def not_a_report(body: str) -> NotAReport | None:
    """Why ``body`` (folded text) is not a report of an activity the sender's group did, or
    ``None`` when nothing says so."""
    body = without_occasion(body)
    found = _HEARSAY.search(body) or _OTHERS_DID.search(body) or _NOTICE.search(body)
    if found:
        return _found("others", found.group(0).strip(" ，,。；;!！"))
    not_ours = _NOT_OURS_SAID.search(body) or _whether_to_report(body)
    if not_ours:
        return _found("others", not_ours.group(0))
    if _visiting_body(body):
        return _found("others", "another body came to the village")
    other = _other_party(body)
    if other and _OWN_CONTRAST.search(body):
        # 三组上周办了15份…我们组才刚开始动员: another group's work, the own group set against it
        return _found("others", other.group(0).strip(" ，,。；;!！"))
    if _YEAR.search(body):
        return _found("records", _YEAR.search(body).group(0))  # type: ignore[union-attr]
    if _QUOTA_SO_FAR.search(body):
        return _found("records", _QUOTA_SO_FAR.search(body).group(0))  # type: ignore[union-attr]
    target = _TARGET.search(body)
    if (
        target
        and not re.search(r"[\s，,。；;]", body[: target.start()])
        and _SO_FAR.search(body[target.end() :])
    ):
        # (今天在江口村办了关爱保险12份 今年任务30份 才完成一半: the report comes first)
        return _found("records", target.group(0))
    if _PRIVATE.search(body):
        return _found("private", _PRIVATE.search(body).group(0))  # type: ignore[union-attr]
    decided = _DECIDED.search(body)
    if decided:
        return _found("plan", decided.group(0).strip())
    record = _A_RECORD.search(body)
    if record and not (
        # 7月下旬，…开展…活动，累计开展健康讲座6场: the sessions of a report dated first
        record.group(0).startswith("累计") and re.match(r"\s*(?:\d{4}年)?\d{1,2}月", body)
    ):
        return _found("records", record.group(0))
    other_event = (_OTHER_EVENT.search(body) if not _ASSOCIATION.search(body) else None) or (
        _OTHERS_BUSINESS.search(body) if not _ASSOCIATION_CORE.search(body) else None
    )
    if other_event:
        return _found("others", other_event.group(0))
    counted = _REPORT_COUNT.search(body) is not None
    # A report may end with a request, a plan or a word on the record ("…来了30人 麻烦帮我登记
    # 一下", "…到会30人 下周要去走访"): those count only when no clause reports something done
    # and counted (宣传资料不够了 请协会尽快补发500份 reports nothing).
    reported = _DID.search(body) is not None or any(
        _DONE.search(clause) and _REPORT_COUNT.search(clause) for clause in _clauses(body)
    )
    if not reported:
        asking = " ".join(c for c in _clauses(body) if not _LOG_THIS.match(c))
        for reason, pattern in (("request", _REQUEST), ("invitation", _INVITATION)):
            evidence = _undone_clause(pattern, asking)
            if evidence:
                return _found(reason, evidence)
        for reason, pattern in (("records", _RECORDS), ("complaint", _FAILED)):
            found = pattern.search(body)
            if found:
                return _found(reason, found.group(0))
        evidence = _undone_clause(_PLAN, body)
        if evidence:
            return _found("plan", evidence)
        for pattern in (_MOVED, _QUOTA, _SUPPOSED, _LATER):
            if pattern is _MOVED and held_after_move(body):
                continue
            found = pattern.search(body)
            if found:
                return _found("plan", found.group(0).strip(" ，,。；;"))
    clauses = _clauses(body)
    first = _COMING_DAY.search(clauses[0]) if clauses else None
    if first and not first.group("weekday") and not _DONE.search(clauses[0]):
        # 后日喺水寨镇搞义诊 请咗3个医生: the activity itself is coming, whatever was arranged
        return _found("plan", first.group(0))
    if not _DONE.search(body):
        for coming in _COMING_DAY.finditer(body):
            # a bare weekday may be the last one: 周日在乾江村搞宣传 发资料200份 is a report
            if not (coming.group("weekday") and counted):
                return _found("plan", coming.group(0))
    complaint = _COMPLAINT.search(body)
    strong = _OUTRIGHT_COMPLAINT.search(body)
    if strong and not _DID.search(body):
        # 发下来的宣传册才50本 根本不够发: what is missing, counted, reports nothing done
        return _found("complaint", strong.group(0))
    if complaint and not (counted or _DID.search(body)):
        # a report may say what went wrong (开了小组会 天太热了); a complaint reports nothing
        return _found("complaint", complaint.group(0))
    return None


# Another body came to the own village and held it (县妇联来我们村搞了个讲座, 司法所嚟我们村讲普法,
# 学校在我们村的篮球场搞运动会, 我们村今天来了县医院的体检车): its work, not the group's.
_BODIES = (
    r"(?:[县镇乡市旗区]|县里的?|镇上的?)?(?:妇联|医院|人民医院|疾控(?:中心)?|派出所|司法所|银行|农商银行|"
    r"农商行|信用社|残联|农业局|农业站|民政(?:局|所|的人)?|居委会?|团委|医保局|人社局|税务|法院|"
    r"学校|小学|中学|幼儿园|老师|体检车|供电所|电信|移动公司|保险公司)"
)
_VISITING_BODY = re.compile(
    rf"{_BODIES}{_CJK}{{0,10}}?(?:来|到|在|嚟|去)了?(?:我们|咱们|我们的|俺们)(?:村|社区|嘎查|屯)|"
    rf"(?:我们|咱们)(?:村|社区|嘎查|屯){_CJK}{{0,6}}?来了{_CJK}{{0,3}}?{_BODIES}|"
    rf"(?:我们|咱们)(?:村|社区|嘎查)(?:今天|昨天|前天)?{_BODIES}(?:今天|昨天|前天)?(?:组织|开|搞|办)"
)
# Another body at the head of the message, holding something somewhere (昨天县人民医院在我们石窝村
# 村委会搞了义诊, 县人社局昨天在竹林村搞了招聘会, 镇文化站在西河村祠堂放电影, 县中医院的义诊队
# 夜来在新河村…): its work, unless the own group is said to have done a part of it.
_HEAD_TIME = (
    r"(?:(?:今天|昨天|前天|今早|今晚|昨晚|这几天|这两天|这三天|近日|日前|上午|下午|晚上|"
    r"\d{1,2}月\d{1,2}[日号]|\d{1,2}[日号])[\s，,]*)*"
)
_HELD_BY_BODY = re.compile(
    rf"^{_HEAD_TIME}(?P<body>(?:[县镇乡市旗区]|县里的?|镇上的?|镇里的?)[^\s，,。；;]{{0,5}}?"
    r"(?:政府|人民医院|中医院|医院|妇幼(?:保健院|保健站)?|妇联|团委|司法所|文化站|农技站|兽医站|"
    r"人社局|派出所|民政所|民政局|残联|税务局|供电所|信用社|法院|中学|小学|幼儿园|疾控中心?)"
    r"(?:的[^\s，,。；;]{1,4}?(?:队|医生|大夫|干部|老师))?)"
    # held there (在): one who came to the village (来咱们东湾村义诊) may have been brought in
    r"[^\s，,。；;]{0,6}?(?:在|喺)[^，,。；;]{0,12}?(?:搞|办|开|放|组织|举办|开展|做|讲|"
    r"测|查|给|发)"
)
# Held together with the own group, or brought in by it (跟我们组, 联合村计生协, 请了县医院的医生).
_WITH_OWN = re.compile(
    r"(?:跟|和|与|同|联合|配合|协同)(?:我们|咱们|俺们|本村|村|计生协|协会|小组|组|会员)|"
    # 镇医院医生来帮我们测血压: the body helped the group do it
    r"(?:帮|给|为)(?:我们|咱们|俺们)|请|邀请|约了|叫了|带着"
)
# The own group said to have done a part of it (我们组组织了50个群众参加, 我们小组帮忙发资料).
_OWN_PART = re.compile(
    r"(?:我们|咱们|俺们)(?:组|小组|协会|计生协|会员)?(?:也|还|就|都)?"
    r"(?:组织|配合|协助|参与|参加|帮忙|帮着|发|派|带|负责|去了)"
)


# The body said, in a clause of its own, to have been brought in by the own side (是咱们协会联系的,
# 是我们小组请来的, 由我们村计生协邀请): the group's activity, however it was told first
_BROUGHT_BY_US = re.compile(
    r"(?:是|由)?(?:我们|咱们|俺们|我)(?:的)?(?:协会|计生协|会员小组|小组|组|村|嘎查|社区)?"
    r"(?:联系|联络|请|邀请|约|叫|安排|牵头|对接)(?:来|过来)?的"
)


def _held_by_body(body: str) -> bool:
    found = _HELD_BY_BODY.search(body)
    return bool(
        found
        and not _WITH_OWN.search(found.group(0))
        and not _OWN_PART.search(body)
        and not _BROUGHT_BY_US.search(body)
    )


# Those who hold an activity with the group, or are brought in by it (跟卫生院一起, 请了县医院的
# 医生来我们村): the group's own activity
_WITH_US = re.compile(r"跟|和|与|同|联合|配合|协同|请|邀请|约了|叫了|带着")
# Asked whether it is to be reported at all (这个要报吗 / 能不能算我们组的 / 还能补报吗): not a
# report yet, whatever it tells (这样报可以吗 asks how, and is one)
_WHETHER_TO_REPORT = re.compile(
    r"要报吗|要不要(?:上)?报|需不需要报|用不用报|要上报吗|能不能(?:算|报|上报)|能报吗|能算吗|"
    r"可以报吗|可不可以报|算不算(?:我们|咱们)?|还能补(?:报)?吗|能补报吗|可以补报吗|都报还是|"
    r"报还是不报|算谁的|算哪个组"
)
# ... unless it is sent all the same (这个要报吗 我先报了)
_SENT_ANYWAY = re.compile(r"先报(?:了|上|着|一下|吧)?|先登记|报了再说")


def _whether_to_report(body: str) -> re.Match[str] | None:
    asked = _WHETHER_TO_REPORT.search(body)
    return None if asked is None or _SENT_ANYWAY.search(body, asked.end()) else asked


# where something was held is said after these (在, and Cantonese 喺)
_AT_WORDS = frozenset("在喺于到")


# the body named as the association's own (县计生协的老师, 镇计生协的医生)
_OF_ASSOCIATION = re.compile(r"(?:计生协|计划生育协会|计生协会)的$")


def _visiting_body(body: str) -> bool:
    if _held_by_body(body):
        return True
    if _BROUGHT_BY_US.search(body):
        return False  # 旗医院的大夫来咱们嘎查义诊 是咱们协会联系的
    for found in _VISITING_BODY.finditer(body):
        if body[max(0, found.start() - 1) : found.start()] in _AT_WORDS:
            # 在我们村小学搞了青春期教育: a body said after 在 is where it was held, not who held it
            continue
        if _OF_ASSOCIATION.search(body, 0, found.start()):
            # 县计生协的老师来我们村上课: the association's own people, the association's work
            continue
        start = max(
            (m.end() for m in re.finditer(r"[\s，,。；;！!？?]", body[: found.start()])), default=0
        )
        if not _WITH_US.search(body[start : found.end()]):
            return True
    return False


def disowned(body: str) -> bool:
    """The whole message says the activity is not the own group's (不是我们组搞的, another body
    came to the village and held it, another group's or the association's work with the own
    group set against it) or asks whether it is to be reported at all: no part of it is a
    report, however it reads without its last clause."""
    if _NOT_OURS_SAID.search(body) or _whether_to_report(body) or _visiting_body(body):
        return True
    return bool(_other_party(body) and _OWN_CONTRAST.search(body))


def _other_party(body: str) -> re.Match[str] | None:
    """Another group, place or the association above, named doing an activity."""
    return (
        _NUMBERED_GROUP.search(body)
        or _THAT_EVENT.search(body)
        or _OVER_THERE.search(body)
        or _ABOVE.search(body)
    )


def weight_against_report(body: str) -> float:
    """How much :func:`not_a_report` counts against ``body`` being a report (0 when nothing)."""
    found = not_a_report(body)
    return found.weight if found else 0.0
