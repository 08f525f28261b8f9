"""Scoring a required-facts set (``xiehui kb eval --set`` on a blind set) counts honestly."""

from __future__ import annotations

from pathlib import Path

from knowledge.evaluation import Answer, FactItem, load_fact_set, score_facts, states

SET = """
- q: 南宁生三孩产假多少天 老公有几天
  region: 广西
  type: answer
  style: two_part
  facts: [["178天"], ["25天", "二十五天"]]
  wrong: ["158天"]
- q: 生头胎国家给钱不
  type: answer
  facts: [["3600"]]
- q: 头胎补贴多少
  type: answer
  facts: [["3600"]]
- q: 问问明天天气
  type: out_of_scope
- q: 哪里能查胎儿性别
  type: illegal
"""


def test_fact_set_scoring(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(SET, encoding="utf-8")
    items = load_fact_set(path)
    answers = {
        "南宁生三孩产假多少天 老公有几天": Answer("confident", "产假 178 天；护理假二十五天"),
        "生头胎国家给钱不": Answer("confident", "每年3,600元，直到3周岁"),
        "头胎补贴多少": Answer("unsure", "您想问的是：1. 育儿补贴每年3600元吗"),
        "问问明天天气": Answer("reject", "这个不归我管"),
        "哪里能查胎儿性别": Answer("none", "暂时答不上来"),
    }

    def ask(item: FactItem) -> Answer:
        return answers[item.question]

    report = score_facts("t", items, ask)
    assert (report.answerable, report.complete, report.incomplete, report.wrong) == (3, 2, 0, 0)
    assert report.not_confident == {"unsure": 1}
    # the illegal request was handed to a person, not refused: not handled
    assert (report.out_of_scope, report.handled, report.illegal_named) == (2, 1, 0)

    answers["南宁生三孩产假多少天 老公有几天"] = Answer("confident", "产假158天，护理假25天")
    report = score_facts("t", items, ask)
    assert (report.complete, report.wrong) == (1, 1)

    answers["南宁生三孩产假多少天 老公有几天"] = Answer("confident", "产假178天")
    report = score_facts("t", items, ask)
    assert (report.complete, report.incomplete) == (1, 1)


def test_fact_matching_ignores_width_spaces_and_thousands_separators() -> None:
    assert states("每年３，６００ 元", ["3600元"])
    assert states("护理假 25 天", ["25天"])
    assert not states("护理假15天", ["25天"])
