"""The one adapter over wechatpy's WeCom crypto and parser (wechatpy 1.8.18, ``enterprise``).

wechatpy does the AES and the typed parsing; this module adds what it lacks: a constant-time
signature check, a validated PKCS#7 (32-byte block) unpad, a CSPRNG random prefix, and one
exception type for every way a callback can fail verification.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import xmltodict
from wechatpy.crypto.base import WeChatCipher
from wechatpy.crypto.pkcs7 import PKCS7Encoder
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import PrpCrypto

from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Kind

BLOCK_SIZE = 32
_RANDOM_ALPHABET = string.ascii_letters + string.digits


class CallbackError(Exception):
    """Verification failed: bad signature, wrong CorpID or undecryptable payload (HTTP 403)."""


class MalformedCallback(Exception):
    """The request is not a WeCom callback envelope at all."""


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """WeCom msg_signature: SHA1 over the four values sorted as strings, concatenated."""
    joined = "".join(sorted([token, timestamp, nonce, encrypt]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


class _CsprngPrpCrypto(PrpCrypto):  # type: ignore[misc]
    """wechatpy's PrpCrypto with a cryptographically random 16-byte prefix."""

    def get_random_string(self) -> str:
        return "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(16))


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, corp_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must be 43 characters")
        self.token = token
        self.corp_id = corp_id
        self.key = base64.b64decode(encoding_aes_key + "=")
        if len(self.key) != 32:
            raise ValueError("EncodingAESKey does not decode to 32 bytes")

    # -- verification ---------------------------------------------------------------------
    def _check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected, (msg_signature or "").lower()):
            raise CallbackError("signature mismatch")

    def _decrypt(self, encrypt: str) -> str:
        try:
            raw = base64.b64decode(encrypt, validate=False)
            if not raw or len(raw) % BLOCK_SIZE:
                raise CallbackError("ciphertext length is not a multiple of 32")
            plain: bytes = WeChatCipher(self.key).decrypt(raw)
        except CallbackError:
            raise
        except Exception as exc:
            raise CallbackError(f"cannot decrypt: {type(exc).__name__}") from None
        pad = plain[-1]
        if not 1 <= pad <= BLOCK_SIZE or plain[-pad:] != bytes([pad]) * pad:
            raise CallbackError("bad padding")
        content = plain[16:-pad]
        if len(content) < 4:
            raise CallbackError("payload too short")
        (length,) = struct.unpack(">I", content[:4])
        if length > len(content) - 4:
            raise CallbackError("bad length field")
        body = content[4 : 4 + length]
        receive_id = content[4 + length :]
        if not hmac.compare_digest(receive_id, self.corp_id.encode("utf-8")):
            raise CallbackError("CorpID mismatch")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise CallbackError("payload is not UTF-8") from None

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """GET verification: returns the bare decrypted echostr.

        Starlette turns a raw ``+`` in the query into a space; retry with spaces mapped back.
        """
        candidates = [echostr] + ([echostr.replace(" ", "+")] if " " in echostr else [])
        for candidate in candidates:
            try:
                self._check(msg_signature, timestamp, nonce, candidate)
            except CallbackError:
                continue
            return self._decrypt(candidate)
        raise CallbackError("signature mismatch")

    def decrypt_envelope(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
        """POST: verify and decrypt; returns the plaintext message XML."""
        encrypt = _envelope_encrypt(body)
        self._check(msg_signature, timestamp, nonce, encrypt)
        return self._decrypt(encrypt)

    # -- replies ---------------------------------------------------------------------------
    def encrypt(self, plaintext: str, random_prefix: str | None = None) -> str:
        crypto = _CsprngPrpCrypto(self.key)
        if random_prefix is not None:
            crypto.get_random_string = lambda: random_prefix  # type: ignore[method-assign]
        return str(crypto.encrypt(plaintext, self.corp_id).decode("ascii"))

    def encrypt_reply(self, plaintext: str, nonce: str, timestamp: str) -> str:
        """The encrypted passive-reply envelope (§2.6)."""
        encrypt = self.encrypt(plaintext)
        sig = signature(self.token, timestamp, nonce, encrypt)
        return (
            "<xml>\n"
            f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>\n"
            f"<MsgSignature><![CDATA[{sig}]]></MsgSignature>\n"
            f"<TimeStamp>{timestamp}</TimeStamp>\n"
            f"<Nonce><![CDATA[{nonce}]]></Nonce>\n"
            "</xml>"
        )


def pkcs7_pad(data: bytes) -> bytes:
    """PKCS#7 to a multiple of 32 bytes (exposed for tests of padding boundaries)."""
    return bytes(PKCS7Encoder.encode(data))


def _envelope_encrypt(body: bytes) -> str:
    try:
        doc = xmltodict.parse(body)
    except Exception:
        raise MalformedCallback("body is not XML") from None
    xml = doc.get("xml") if isinstance(doc, dict) else None
    encrypt = xml.get("Encrypt") if isinstance(xml, dict) else None
    if not isinstance(encrypt, str) or not encrypt:
        raise MalformedCallback("no Encrypt element")
    return encrypt


@dataclass(frozen=True)
class ParsedCallback:
    """A decrypted callback: the raw fields, the transport-free message, and its dedupe key."""

    raw: dict[str, Any]
    message: IncomingMessage
    dedupe_key: str
    passive_allowed: bool


# Events that accept a passive reply (doc 90241); for others reply "" and use message/send.
_PASSIVE_EVENTS = frozenset({"subscribe", "enter_agent", "location", "click", "view"})


def parse_callback(plaintext: str) -> ParsedCallback:
    """Turn decrypted XML into an IncomingMessage; unknown kinds become Kind.OTHER."""
    try:
        raw = xmltodict.parse(plaintext).get("xml") or {}
    except Exception:
        raise MalformedCallback("decrypted payload is not XML") from None
    if not isinstance(raw, dict):
        raise MalformedCallback("decrypted payload has no <xml> root")
    typed = parse_message(plaintext)
    msg_type = str(raw.get("MsgType") or "").lower()
    user = str(raw.get("FromUserName") or "")
    create_time = int(str(raw.get("CreateTime") or "0") or 0)
    sent_at = datetime.fromtimestamp(create_time, UTC).astimezone(SHANGHAI)
    msg_id = str(raw.get("MsgId") or "")
    event = str(raw.get("Event") or "").lower()
    kind = {
        "text": Kind.TEXT,
        "image": Kind.IMAGE,
        "voice": Kind.VOICE,
        "location": Kind.LOCATION,
        "event": Kind.EVENT,
    }.get(msg_type, Kind.OTHER)
    text = str(raw.get("Content") or "") if kind is Kind.TEXT else ""
    location = None
    if kind is Kind.LOCATION:
        try:
            location = (float(raw["Location_X"]), float(raw["Location_Y"]))
        except (KeyError, TypeError, ValueError):
            location = None
    media_id = str(getattr(typed, "media_id", "") or raw.get("MediaId") or "")
    if msg_id:
        dedupe_key = f"msg:{msg_id}"
    else:
        parts = [
            user,
            str(create_time),
            event,
            str(raw.get("EventKey") or raw.get("TaskId") or raw.get("Token") or ""),
            str(raw.get("AgentID") or ""),
        ]
        dedupe_key = "evt:" + hashlib.sha1("|".join(parts).encode()).hexdigest()
    message = IncomingMessage(
        user_id=user,
        text=text,
        kind=kind,
        channel=Channel.APP,
        sent_at=sent_at,
        msg_id=msg_id or dedupe_key,
        event=event,
        media_id=media_id,
        location=location,
    )
    passive = kind is not Kind.EVENT or event in _PASSIVE_EVENTS
    return ParsedCallback(raw=raw, message=message, dedupe_key=dedupe_key, passive_allowed=passive)


def render_text_reply(to_user: str, from_corp: str, content: str, create_time: int) -> str:
    """Plaintext passive text reply (§2.8): ToUserName = member, FromUserName = CorpID."""

    def cdata(value: str) -> str:
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    return (
        "<xml>"
        f"<ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_corp)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content>"
        "</xml>"
    )
