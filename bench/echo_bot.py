"""The reference echo bot of the callback benchmark (``xiehui bench callback``).

The smallest honest WeCom callback bot: Flask + wechatpy's own crypto, run by gunicorn with
one sync worker and no access log. It verifies the signature, decrypts, parses, and answers
the text back as an encrypted passive reply. No dedupe, no database, no Redis.

Run: ``WECOM_TOKEN=... WECOM_AES_KEY=... WECOM_CORP_ID=... gunicorn -w 1 bench.echo_bot:app``
"""

from __future__ import annotations

import os

from flask import Flask, Response, request
from wechatpy.enterprise import parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.replies import create_reply
from wechatpy.exceptions import InvalidSignatureException

crypto = WeChatCrypto(
    os.environ["WECOM_TOKEN"], os.environ["WECOM_AES_KEY"], os.environ["WECOM_CORP_ID"]
)
app = Flask(__name__)


@app.post("/wecom/callback")
def callback() -> Response:
    args = request.args
    try:
        plain = crypto.decrypt_message(
            request.get_data(), args["msg_signature"], args["timestamp"], args["nonce"]
        )
    except (InvalidSignatureException, KeyError):
        return Response("forbidden", status=403)
    message = parse_message(plain)
    text = getattr(message, "content", "") or "收到"
    reply = create_reply(text, message).render()
    return Response(
        crypto.encrypt_message(reply, args["nonce"], args["timestamp"]), mimetype="text/xml"
    )


@app.get("/healthz")
def healthz() -> str:
    return "ok"
