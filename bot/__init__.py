"""Everything that knows WeCom, FastAPI, wechatpy or HTTP lives in this package."""
