"""``xiehui probe``: check a running callback the way WeCom does, with real encryption.

Uses the same WECOM_TOKEN / WECOM_AES_KEY / WECOM_CORP_ID as the service: first the GET URL
verification, then an encrypted text message, printing the decrypted passive reply.
"""

from __future__ import annotations

import argparse
import secrets
import time
from typing import Any
from urllib.parse import quote

import httpx
import xmltodict

from bot.settings import Settings
from bot.wecom.client import WeComClient
from bot.wecom.crypto import signature


def _probe(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.callback_enabled:
        print("需要先设置 WECOM_CORP_ID、WECOM_TOKEN、WECOM_AES_KEY（与服务使用的相同）。")
        return 2
    client = WeComClient(
        settings.wecom_token.get_secret_value(),
        settings.wecom_aes_key.get_secret_value(),
        settings.wecom_corp_id,
        settings.wecom_agent_id or 1,
    )
    url = args.url or f"http://{settings.host}:{settings.port}/wecom/callback"
    expected = str(secrets.randbelow(10**18))
    echostr = client.crypto.encrypt(expected)
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**9))
    sig = signature(client.token, timestamp, nonce, echostr)
    query = f"msg_signature={sig}&timestamp={timestamp}&nonce={nonce}&echostr={quote(echostr, safe='')}"
    try:
        verify = httpx.get(f"{url}?{query}", timeout=10)
    except httpx.HTTPError as exc:
        print(f"连不上 {url}：{exc}")
        return 1
    if verify.status_code != 200 or verify.text != expected:
        print(f"URL 验证失败：HTTP {verify.status_code} {verify.text[:100]!r}")
        return 1
    print(f"URL 验证通过（{url}）")
    msg_id = int(time.time() * 1000)
    query, body = client.envelope(client.text_xml(args.user, args.text, msg_id))
    response = httpx.post(f"{url}?{query}", content=body, timeout=10)
    if response.status_code != 200:
        print(f"消息回调失败：HTTP {response.status_code}")
        return 1
    if not response.text:
        print("回调已接收（空响应）：答复会通过消息接口（message/send）发给成员。")
        return 0
    reply: dict[str, Any] = xmltodict.parse(client.decrypt_reply(response.text))["xml"]
    print(f"被动回复（已验证签名并解密），发给 {reply.get('ToUserName')}：")
    print(reply.get("Content", ""))
    return 0


def register(sub: Any) -> None:
    probe = sub.add_parser(
        "probe",
        help="像企业微信一样给服务发一条加密测试消息",
        description="用和服务相同的 WECOM_TOKEN、WECOM_AES_KEY、WECOM_CORP_ID，先做 URL 验证，"
        "再发一条加密消息并打印解密后的回复。在企业微信后台保存回调地址之前用它自测。",
    )
    probe.add_argument(
        "text", nargs="?", default="帮助", metavar="消息", help="要发的消息（默认“帮助”）"
    )
    probe.add_argument("--url", default="", metavar="地址", help="回调地址（默认本机服务）")
    probe.add_argument("--user", default="probe-user", metavar="账号", help="测试消息的发送人账号")
    probe.set_defaults(func=_probe)
