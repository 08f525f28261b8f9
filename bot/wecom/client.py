"""Builds real WeCom-style encrypted callbacks (what WeCom's servers send): tests and `xiehui probe`."""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from bot.wecom.crypto import WeComCrypto, signature


class WeComClient:
    """Encrypts and signs callbacks the way WeCom does."""

    def __init__(self, token: str, aes_key: str, corp_id: str, agent_id: int = 1000002) -> None:
        self.token = token
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.crypto = WeComCrypto(token, aes_key, corp_id)

    def text_xml(
        self, user: str, content: str, msg_id: int, create_time: int | None = None
    ) -> str:
        return (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
            "<MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id}</MsgId><AgentID>{self.agent_id}</AgentID></xml>"
        )

    def event_xml(
        self, user: str, event: str, create_time: int | None = None, extra: str = ""
    ) -> str:
        return (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
            "<MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[]]></EventKey>{extra}"
            f"<AgentID>{self.agent_id}</AgentID></xml>"
        )

    def envelope(
        self,
        plaintext: str,
        *,
        timestamp: str | None = None,
        nonce: str | None = None,
        encrypt: str | None = None,
    ) -> tuple[str, bytes]:
        """Returns (query string, body) of an encrypted POST."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(secrets.randbelow(10**9))
        encrypt = encrypt or self.crypto.encrypt(plaintext)
        sig = signature(self.token, timestamp, nonce, encrypt)
        body = (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<AgentID><![CDATA[{self.agent_id}]]></AgentID></xml>"
        ).encode()
        query = urlencode({"msg_signature": sig, "timestamp": timestamp, "nonce": nonce})
        return query, body

    def decrypt_reply(self, body: str) -> str:
        """Verify and decrypt an encrypted passive reply, as WeCom would."""
        import xmltodict

        doc = xmltodict.parse(body)["xml"]
        expected = signature(self.token, doc["TimeStamp"], doc["Nonce"], doc["Encrypt"])
        assert doc["MsgSignature"] == expected, "reply signature does not verify"
        return self.crypto._decrypt(doc["Encrypt"])
