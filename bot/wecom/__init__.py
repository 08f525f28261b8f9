"""The WeCom adapter: callback crypto, the test/probe client, the sender, 微信客服 and media.

Everything here speaks WeCom's protocol; nothing here knows FastAPI or the router.
"""
