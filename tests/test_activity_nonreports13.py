"""Messages with a report's date, place and counts that report nothing the sender's group did.

A fresh tuning set of non-reports (activity_nonreports_dev11) and the previous round's held-out
set showed eight still taken for reports: a notice that sends people to a training ("每个嘎查派
2人参加"), a deadline or a rule passed on from the county ("县里要求每个村12月底前完成入户走访",
"县里要求每个组每月一次活动"), an instruction ("请在月底前完成并上报"), an activity moved away
("今年不在我们村搞了"), news shared or forwarded as an example, and a complaint ("医生来晚了
两个钟"). Each would have shown a card for an activity nobody reported. A report that merely
mentions the county's request (按照县里要求，…开展了…) stays a report.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from redis import Redis

from handlers.activity.parser import looks_like_report, parse_reports
from handlers.core.messages import SHANGHAI
from tests.test_activity_callback import add_lilan, open_chat

SENT = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    "text",
    [
        "通知：12月15日至17日在百灵庙镇举办会员小组长培训班 每个嘎查派2人参加",
        "县里要求每个村12月底前完成入户走访 我们还差15户没走",
        "前天义诊医生来晚了两个钟 群众等到发火",
        "本月会员小组活动请在月底前完成并上报",
        "5·29的活动今年不在我们村搞了",
        "分享一篇新闻：玉林市计生协培训1600多名协保员",
        "转 钦南区尖山街道六一宣传活动 发了800多份资料 我们也可以学学",
        "县里要求每个组每月一次活动 一组10到15人",
        "看到新闻说五华县计生协昨天在水寨镇搞了青春健康讲座 来了三百多学生 我们也能搞不",
    ],
)
def test_notices_rules_news_and_complaints_are_no_reports(text: str) -> None:
    assert parse_reports(text, SENT) == []
    assert looks_like_report(text, SENT) < 0.6


@pytest.mark.parametrize(
    "text",
    [
        "按照县里要求，11月18日江口村开展入户走访，走访计生家庭12户",
        "昨天在江口村搞义诊 医生来晚了 还是给80人量了血压",
        "今天村部开小组会 每户派1人参加 到会15人",
        "昨天在江口村搞了新闻宣传 来了30人",
    ],
)
def test_reports_that_mention_a_request_or_a_mishap_stay_reports(text: str) -> None:
    assert looks_like_report(text, SENT) >= 0.6
    assert len(parse_reports(text, SENT)) == 1


def test_a_forwarded_activity_gets_no_card_through_the_callback(
    tmp_path: Path, redis: Redis
) -> None:
    with open_chat(tmp_path, redis) as chat:
        add_lilan(chat.runtime.services)
        reply = chat.say("lilan", "转 钦南区尖山街道六一宣传活动 发了800多份资料 我们也可以学学")
        assert "请核对" not in reply
        assert chat.records("lilan") == []
