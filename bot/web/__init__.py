"""The web application: the WeCom callback, health check, console and the in-process workers.

``app.create_app(settings)`` builds the FastAPI app; plugins started with it (scheduler,
微信客服, knowledge preload) and the outbox delivery worker live beside it.
"""
