"""The one adapter over wechatpy's WeCom crypto and parser (wechatpy 1.8.18, ``enterprise``).

wechatpy does the AES and the typed parsing; this module adds what it lacks: a constant-time
signature check, a validated PKCS#7 (32-byte block) unpad, a CSPRNG random prefix, and one
exception type for every way a callback can fail verification.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import struct
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import xmltodict
from wechatpy.crypto.base import WeChatCipher
from wechatpy.crypto.pkcs7 import PKCS7Encoder
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import PrpCrypto

from handlers.core.messages import SHANGHAI, Channel, IncomingMessage, Kind

BLOCK_SIZE = 32


class CallbackError(Exception):
    """Verification failed: bad signature, wrong CorpID or undecryptable payload (HTTP 403)."""


class MalformedCallback(Exception):
    """The request is not a WeCom callback envelope at all."""


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """WeCom msg_signature: SHA1 over the four values sorted as strings, concatenated."""
    joined = "".join(sorted([token, timestamp, nonce, encrypt]))
    # surrogatepass: a hostile query must fail the comparison, not raise
    return hashlib.sha1(joined.encode("utf-8", "surrogatepass")).hexdigest()


def check_fresh(timestamp: str, max_age: float, now: float) -> None:
    """Refuse a signed request whose ``timestamp`` query parameter is more than ``max_age``
    seconds away from ``now`` (a captured request replayed later); 0 turns the check off.

    The message's own CreateTime is never used for this: it is when the user sent it.
    """
    if max_age <= 0:
        return
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise CallbackError("timestamp is not a number")
    if abs(now - int(timestamp)) > max_age:
        raise CallbackError("timestamp outside the accepted window")


class _RandomPrefixes:
    """16 hex characters at a time from the operating system's CSPRNG, drawn 4 KiB at a time
    per thread: one ``os.urandom`` system call per 512 passive replies instead of one per
    reply (on a busy virtual machine the call cost as much as the AES). Every byte is used
    once; a forked child starts with fresh buffers, so parent and child never share one."""

    CHUNK = 4096

    def __init__(self) -> None:
        self._local = threading.local()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._local = threading.local()

    def next(self) -> str:
        local = self._local
        buffer: bytes = getattr(local, "buffer", b"")
        position: int = getattr(local, "position", 0)
        if position + 8 > len(buffer):
            buffer = local.buffer = os.urandom(self.CHUNK)
            position = 0
        local.position = position + 8
        return buffer[position : position + 8].hex()


_PREFIXES = _RandomPrefixes()


class _CsprngPrpCrypto(PrpCrypto):  # type: ignore[misc]
    """wechatpy's PrpCrypto with a cryptographically random 16-byte prefix."""

    def get_random_string(self) -> str:
        # 16 characters from the CSPRNG (secrets.choice per character cost a system call
        # each, on every passive reply); hex is within WeCom's alphabet.
        return _PREFIXES.next()


class WeComCrypto:
    def __init__(self, token: str, encoding_aes_key: str, corp_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must be 43 characters")
        self.token = token
        self.corp_id = corp_id
        self.key = base64.b64decode(encoding_aes_key + "=")
        if len(self.key) != 32:
            raise ValueError("EncodingAESKey does not decode to 32 bytes")
        # Built once: they hold only the key (each call makes its own encryptor/decryptor).
        self._cipher = WeChatCipher(self.key)
        self._prp = _CsprngPrpCrypto(self.key)

    # -- verification ---------------------------------------------------------------------
    def _check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = signature(self.token, timestamp, nonce, encrypt).encode("ascii")
        given = (msg_signature or "").lower().encode("utf-8", "surrogatepass")
        if not hmac.compare_digest(expected, given):
            raise CallbackError("signature mismatch")

    def _decrypt(self, encrypt: str) -> str:
        try:
            raw = base64.b64decode(encrypt, validate=False)
            if not raw or len(raw) % BLOCK_SIZE:
                raise CallbackError("ciphertext length is not a multiple of 32")
            plain: bytes = self._cipher.decrypt(raw)
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
        crypto = self._prp
        if random_prefix is not None:
            crypto = _CsprngPrpCrypto(self.key)
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


#: A flat callback document and one of its elements: ``<Name>text</Name>`` or
#: ``<Name><![CDATA[text]]></Name>``.
_FLAT_DOC = re.compile(r"\s*<xml>(.*)</xml>\s*", re.S)
_FLAT_ELEMENT = re.compile(
    # CDATA without any "]" first (every base64 ciphertext, nearly every text): a tight
    # character loop, where the general alternative tests for "]]>" at every character.
    # It matches only where the general one would, with the same text.
    r"\s*<([A-Za-z_][A-Za-z0-9_.-]*)>"
    r"(?:<!\[CDATA\[([^\]]*)\]\]>|<!\[CDATA\[(.*?)\]\]>|([^<&]*))</\1>",
    re.S,
)
#: What an XML parser would refuse or rewrite (control characters, CR line ends).
_NOT_FLAT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f]")


def flat_xml(text: str) -> dict[str, str | None] | None:
    """The fields of a flat ``<xml>`` document, exactly as ``xmltodict.parse(text)["xml"]``
    gives them (text stripped, empty as None); None for any other shape (nested elements,
    attributes, entities, a declaration, repeated names …), which the caller parses with
    xmltodict. Every callback envelope and text message is flat, and this costs a fraction
    of a full parse."""
    doc = _FLAT_DOC.fullmatch(text)
    if doc is None or _NOT_FLAT_TEXT.search(text):
        return None
    body = doc.group(1)
    fields: dict[str, str | None] = {}
    position = 0
    while True:
        element = _FLAT_ELEMENT.match(body, position)
        if element is None:
            break
        name, simple, cdata, plain = element.groups()
        value = simple if simple is not None else cdata if cdata is not None else plain
        if name in fields or "]]>" in value:  # a list, or CDATA split in sections
            return None
        fields[name] = value.strip() or None
        position = element.end()
    if body[position:].strip() or not fields:
        return None
    return fields


def parse_xml(text: str | bytes) -> dict[str, Any] | None:
    """The children of the ``<xml>`` root as a dict (None when the root is not ``<xml>``
    with children); raises ``ValueError`` for text that is not XML."""
    if isinstance(text, bytes):
        with contextlib.suppress(UnicodeDecodeError):  # another encoding: xmltodict decides
            text = text.decode("utf-8")
    flat = flat_xml(text) if isinstance(text, str) else None
    if flat is not None:
        return flat
    try:
        doc = xmltodict.parse(text)
    except Exception:
        raise ValueError("not XML") from None
    root = doc.get("xml") if isinstance(doc, dict) else None
    return root if isinstance(root, dict) else None


def _envelope_encrypt(body: bytes) -> str:
    try:
        xml = parse_xml(body)
    except ValueError:
        raise MalformedCallback("body is not XML") from None
    encrypt = xml.get("Encrypt") if xml is not None else None
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


#: What may appear in a message id or event field that goes into keys and log lines.
_SAFE_ID = re.compile(r"[^0-9A-Za-z_.:@-]")
_MAX_ID = 128


def _field(raw: dict[str, Any], name: str) -> str:
    """A text field, or "" when it is absent or not text (a nested element, a list)."""
    value = raw.get(name)
    return value if isinstance(value, str) else ""


def _safe_id(value: str) -> str:
    """Ids reach keys and log lines: no newlines or other characters that could forge them."""
    return _SAFE_ID.sub("_", value.strip())[:_MAX_ID]


def _sent_at(value: str) -> datetime:
    """CreateTime as the user's send time; a value that is not a sane epoch means "now"."""
    try:
        seconds = int(value.strip())
        return datetime.fromtimestamp(seconds, SHANGHAI)
    except (ValueError, OverflowError, OSError):
        return datetime.now(SHANGHAI)


def parse_callback(plaintext: str) -> ParsedCallback:
    """Turn decrypted XML into an IncomingMessage; unknown kinds become Kind.OTHER.

    Raises MalformedCallback for anything that is not a ``<xml>`` message with a sender.
    """
    try:
        raw = parse_xml(plaintext)
    except ValueError:
        raise MalformedCallback("decrypted payload is not XML") from None
    if raw is None:
        raise MalformedCallback("decrypted payload has no <xml> message")
    user = _field(raw, "FromUserName").strip()
    msg_type = _field(raw, "MsgType").lower()
    if not msg_type:
        raise MalformedCallback("message without MsgType")
    if not user and msg_type != "event":  # system events (微信客服) have no sender
        raise MalformedCallback("message without FromUserName")
    create_time = _field(raw, "CreateTime").strip()
    sent_at = _sent_at(create_time)
    msg_id = _safe_id(_field(raw, "MsgId"))
    event = _safe_id(_field(raw, "Event")).lower()
    kind = {
        "text": Kind.TEXT,
        "image": Kind.IMAGE,
        "voice": Kind.VOICE,
        "location": Kind.LOCATION,
        "event": Kind.EVENT,
    }.get(msg_type, Kind.OTHER)
    text = _field(raw, "Content") if kind is Kind.TEXT else ""
    location = None
    if kind is Kind.LOCATION:
        try:
            location = (float(_field(raw, "Location_X")), float(_field(raw, "Location_Y")))
        except ValueError:
            location = None
    typed = None
    if kind is not Kind.TEXT:  # a text has no media; spare parsing the XML a second time
        try:
            typed = parse_message(plaintext)
        except Exception:
            typed = None
    media_id = str(getattr(typed, "media_id", "") or _field(raw, "MediaId"))
    if msg_id:
        dedupe_key = f"msg:{msg_id}"
    else:
        parts = [
            user,
            create_time,
            event,
            _field(raw, "EventKey") or _field(raw, "TaskId") or _field(raw, "Token"),
            _field(raw, "AgentID"),
        ]
        joined = "|".join(parts).encode("utf-8", "surrogatepass")
        dedupe_key = "evt:" + hashlib.sha1(joined).hexdigest()
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
