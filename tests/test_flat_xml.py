"""The fast parse of flat callback documents gives exactly what xmltodict gives, or steps aside."""

from __future__ import annotations

import pytest
import xmltodict

from bot.wecom.crypto import flat_xml, parse_xml

TEXT = (
    "<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[u1]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[ 生头胎 国家给钱不？ ]]></Content><MsgId>123456</MsgId>"
    "<AgentID>1000002</AgentID></xml>"
)
ENVELOPE = (
    "<xml>\n<ToUserName><![CDATA[wwcorp]]></ToUserName>\n"
    "<Encrypt><![CDATA[abc+/=]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>\n"
)
FLAT = [
    TEXT,
    ENVELOPE,
    "<xml><Content><![CDATA[]]></Content><A></A><B>  </B></xml>",
    "<xml><Content><![CDATA[<b>not a tag</b> & not an entity]]></Content></xml>",
    "<xml><Content><![CDATA[第一行\n第二行\t]]></Content></xml>",
    "  <xml> <A>1</A>\n\t<B>two words</B> </xml>  ",
]
NOT_FLAT = [
    # CDATA split around "]]>", as replies that contain it are written
    "<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>",
    "<xml><Content>a &amp; b</Content></xml>",
    "<xml><Content><![CDATA[a\r\nb]]></Content></xml>",
    "<xml><SendPicsInfo><Count>1</Count></SendPicsInfo></xml>",
    "<xml><A>1</A><A>2</A></xml>",
    '<xml><A id="1">1</A></xml>',
    '<?xml version="1.0" encoding="utf-8"?><xml><A>1</A></xml>',
    "<xml><A/></xml>",
    "<xml>just text</xml>",
    "<xml><A>1</A>trailing</xml>",
    "<xml><A>\x01</A></xml>",
    "<root><A>1</A></root>",
]


@pytest.mark.parametrize("text", FLAT)
def test_flat_documents_parse_as_xmltodict_parses_them(text: str) -> None:
    fast = flat_xml(text)
    assert fast is not None
    assert fast == dict(xmltodict.parse(text)["xml"])


@pytest.mark.parametrize("text", NOT_FLAT)
def test_other_shapes_are_left_to_xmltodict(text: str) -> None:
    assert flat_xml(text) is None


@pytest.mark.parametrize("text", FLAT + NOT_FLAT[:-2])
def test_parse_xml_agrees_with_xmltodict_on_every_shape(text: str) -> None:
    root = xmltodict.parse(text)["xml"]
    assert parse_xml(text) == (root if isinstance(root, dict) else None)
    assert parse_xml(text.encode()) == parse_xml(text)


def test_what_is_not_xml_is_an_error_and_another_root_is_none() -> None:
    with pytest.raises(ValueError):
        parse_xml("<xml><A>1</B></xml>")
    with pytest.raises(ValueError):
        parse_xml("<xml><A>\x01</A></xml>")  # a control character: no XML parser takes it
    assert parse_xml("<root><A>1</A></root>") is None
