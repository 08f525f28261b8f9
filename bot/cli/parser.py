"""An ``argparse`` parser that speaks Chinese: usage line, section titles, ``-h`` and errors.

argparse's own words ("usage:", "options", "the following arguments are required") are
English and not translatable without a gettext catalogue installed system-wide; this parser
sets its titles itself and translates the handful of error messages a user can trigger.
Subcommand parsers inherit the class, so every ``xiehui ... -h`` is Chinese.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any, NoReturn

#: argparse's error messages (Python 3.11) and their Chinese forms.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (?P<a>.+)"), "缺少参数：{a}"),
    (re.compile(r"unrecognized arguments: (?P<a>.+)"), "无法识别的参数：{a}"),
    (
        re.compile(r"argument (?P<n>\S+): invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)"),
        "参数 {n} 的值 {v} 不在可选范围内（可选：{c}）",
    ),
    (
        re.compile(r"argument (?P<n>\S+): invalid int value: (?P<v>.+)"),
        "参数 {n} 需要一个整数，收到 {v}",
    ),
    (
        re.compile(r"argument (?P<n>\S+): invalid float value: (?P<v>.+)"),
        "参数 {n} 需要一个数字，收到 {v}",
    ),
    (re.compile(r"argument (?P<n>\S+): expected one argument"), "参数 {n} 后面需要一个值"),
    (
        re.compile(r"ambiguous option: (?P<o>\S+) could match (?P<m>.+)"),
        "选项 {o} 有歧义，可能是：{m}",
    ),
)


def translate_error(message: str) -> str:
    """argparse's English error message in Chinese (unknown messages are kept as they are)."""
    for pattern, template in _ERRORS:
        found = pattern.fullmatch(message.strip())
        if found:
            return template.format(**found.groupdict())
    return message


def display_width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)
#: Punctuation that never starts a line (it stays at the end of the previous one).
_NO_LINE_START = set("，。、；：！？）」』”’》")


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap by display width; ASCII words stay whole, Chinese breaks anywhere."""
    lines: list[str] = []
    current, used = "", 0
    for token in _TOKENS.findall(" ".join(text.split())):
        size = display_width(token)
        if token.isspace():
            if current:
                current, used = current + " ", used + 1
            continue
        if used + size > width and current.strip() and token[0] not in _NO_LINE_START:
            lines.append(current.rstrip())
            current, used = "", 0
        current, used = current + token, used + size
    if current.strip():
        lines.append(current.rstrip())
    return lines


class ChineseHelpFormatter(argparse.HelpFormatter):
    """``用法：`` instead of ``usage:``, wrapping by display width, no subcommand metavar line."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_help_position", 30)
        super().__init__(prog, **kwargs)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            # List the commands themselves at this level, without the "{a,b,c}" header line.
            return "".join(self._format_action(sub) for sub in action._get_subactions())
        text = super()._format_action(action)
        # argparse pads the invocation by len(); a Chinese metavar is twice as wide on screen.
        invocation = self._format_action_invocation(action)
        extra = display_width(invocation) - len(invocation)
        first, newline, rest = text.partition("\n")
        at = first.find(invocation)
        if extra > 0 and at >= 0:
            after = first[at + len(invocation) :]
            padding = len(after) - len(after.lstrip(" "))
            if padding - extra >= 2:
                first = first[: at + len(invocation)] + after[extra:]
        return first + newline + rest

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "用法：")


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; subparsers are of the same class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示这段帮助并退出")

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("title", "命令")
        kwargs.setdefault("metavar", "命令")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{translate_error(message)}\n（运行 {self.prog} -h 查看用法）\n")
