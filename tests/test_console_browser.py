"""The console in a real headless browser (Debian's chromium and chromium-driver, driven by
selenium), against the real service on a loopback port and the fake WeCom API.

Covered at 1280 px and 390 px (WeCom's built-in browser on a phone): signing in with the
bot's link, filtering and exporting activities, answering a family's question (and the family
receiving it on the fake API), composing and confirming a notice, WeCom's OAuth sign-in, no
horizontal scrolling at phone width, no JavaScript console errors on any page.

Set CONSOLE_SCREENSHOT_DIR to keep a full-page screenshot of every page at both widths.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from bot.container import Runtime
from bot.web.app import create_app
from bot.wecom.fakeapi import FakeWeCom
from handlers.core.db import session_scope
from handlers.core.messages import Role
from handlers.handoff import get_ticket
from tests.conftest import TEST_CORP, TEST_SECRET, add_member, make_settings, text_message
from tests.console_world import World, build_world

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
WIDTHS = (1280, 390)

webdriver: Any = None
if CHROMIUM.exists() and DRIVER.exists():
    try:
        from selenium import webdriver
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select, WebDriverWait
    except ImportError:  # pragma: no cover - selenium is in the dev extra
        webdriver = None

pytestmark = pytest.mark.skipif(webdriver is None, reason="skipped: no chromium")


# -- the service on a real port ---------------------------------------------------------------


def _detached(element: Any) -> bool:
    """The element's page has been replaced. While the old document is being torn down chromium
    may answer "Node with given id does not belong to the document" instead of a stale-element
    error: that means the same."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False


class LiveServer:
    """The app under uvicorn in a thread, on a port the OS picked."""

    def __init__(self, sock: socket.socket, app: Any) -> None:
        import uvicorn

        self.sock = sock
        config = uvicorn.Config(app, log_config=None, access_log=True, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the service did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.sock.close()


@dataclass
class Live:
    base: str
    app: Any
    fake: FakeWeCom
    world: World

    @property
    def runtime(self) -> Runtime:
        value: Runtime = self.app.state.runtime
        return value


@pytest.fixture
def live(tmp_path: Path, redis: Redis) -> Iterator[Live]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with FakeWeCom(corp_id=TEST_CORP, secret=TEST_SECRET) as fake:
        settings = make_settings(
            tmp_path,
            redis,
            WECOM_API_BASE=fake.base_url,
            WECOM_OAUTH_BASE=fake.base_url,
            XIEHUI_PUBLIC_URL=base,
        )
        fake.agent_id = settings.wecom_agent_id
        app = create_app(settings)
        with LiveServer(sock, app):
            services = app.state.runtime.services
            now = services.now()
            world = build_world(services, month=(now.year, now.month))
            yield Live(base, app, fake, world)


# -- the browser ------------------------------------------------------------------------------


@dataclass
class Browser:
    driver: Any
    downloads: Path
    shots: Path | None
    agent: str = ""

    def width(self, pixels: int) -> None:
        self.driver.set_window_size(pixels, 900)

    def open(self, url: str) -> None:
        self.driver.get(url)
        self.settle()

    def settle(self) -> None:
        WebDriverWait(self.driver, 10).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def find(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css: str, *, navigates: bool = True) -> None:
        """Click; for a link or a submit button, wait until the next page has loaded."""
        element = self.find(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        page = self.find("html")
        element.click()
        if navigates:
            WebDriverWait(self.driver, 20).until(lambda _driver: _detached(page))
        self.settle()

    def text(self) -> str:
        return str(self.find("body").text)

    def errors(self) -> list[str]:
        """JavaScript console errors since the last call (failed loads, CSP refusals …)."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def overflow(self) -> int:
        """How many pixels the page is wider than the window (0: no sideways scrolling)."""
        return int(
            self.driver.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
        )

    def shot(self, name: str) -> None:
        if self.shots is None:
            return
        width = int(self.driver.execute_script("return window.innerWidth"))
        height = int(self.driver.execute_script("return document.documentElement.scrollHeight"))
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        try:
            self.driver.save_screenshot(str(self.shots / f"{name}-{width}.png"))
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def user_agent(self, value: str) -> None:
        self.driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": value})


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    profile = Path(tempfile.mkdtemp(prefix="xiehui-chromium-"))
    downloads = profile / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile / 'profile'}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    shots_dir = os.environ.get("CONSOLE_SCREENSHOT_DIR")
    shots = Path(shots_dir) if shots_dir else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    agent = str(driver.execute_script("return navigator.userAgent")).replace(
        "HeadlessChrome", "Chrome"
    )
    try:
        yield Browser(driver, downloads, shots, agent)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def fresh(browser: Browser) -> Browser:
    """The module's browser with no cookies, no console messages and the normal user agent."""
    browser.driver.delete_all_cookies()
    browser.driver.get("about:blank")
    browser.user_agent(browser.agent)
    browser.errors()
    for leftover in browser.downloads.iterdir():
        leftover.unlink()
    return browser


def wait_for(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def sign_in_with_link(live: Live, browser: Browser, user_id: str) -> None:
    """Ask the bot for "工作台", open the link it sends, press the button."""
    runtime = live.runtime
    reply = runtime.router.dispatch(text_message(user_id, "工作台"), runtime.services)
    link = re.search(r"(http://\S+/console/login\?code=\S+)", reply.replies[0].text)
    assert link is not None, reply.replies[0].text
    browser.open(link.group(1))
    assert "进入工作台" in browser.text()
    browser.click("#enter")
    assert browser.driver.current_url == f"{live.base}/console/"


# -- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_sign_in_with_the_link_then_filter_and_export(
    live: Live, fresh: Browser, width: int, caplog: pytest.LogCaptureFixture
) -> None:
    fresh.width(width)
    with caplog.at_level("INFO", logger="uvicorn.access"):
        sign_in_with_link(live, fresh, live.world.own.coordinator)
    assert "概览" in fresh.text() and "HP专干" in fresh.text()
    assert "/console/login?code=***" in caplog.text
    assert not re.search(r"code=(?!\*\*\*)[\w-]{8,}", caplog.text)  # the code is never logged
    fresh.click(".tabs a[href='/console/activities']")
    Select(fresh.find("select[name=township]")).select_by_visible_text("廉州镇")
    fresh.click("#filter")
    assert "township=" in fresh.driver.current_url
    table = fresh.find("#records").text
    assert "江口村" in table and "竹林村" not in fresh.text()
    fresh.click("#export", navigates=False)  # a download: the page stays

    def downloaded() -> list[Path]:
        if list(fresh.downloads.glob("*.crdownload")):
            return []  # still being written
        return [p for p in fresh.downloads.glob("*.xlsx") if p.stat().st_size > 0]

    book = wait_for(downloaded)
    assert book and book[0].read_bytes()[:2] == b"PK"
    assert book[0].name.endswith(".xlsx") and "廉州镇" in book[0].name  # the CLI's file name
    assert fresh.overflow() <= 0
    assert fresh.errors() == []


def test_answer_a_ticket_and_the_family_receives_it(live: Live, fresh: Browser) -> None:
    fresh.width(390)
    sign_in_with_link(live, fresh, live.world.own.coordinator)
    fresh.click(".tabs a[href='/console/tickets']")
    assert "HP：独生子女父母奖励怎么领？" in fresh.text() and "YH：" not in fresh.text()
    fresh.click(f"a[href='/console/tickets/{live.world.own.ticket}']")
    fresh.find("#answer").send_keys("请带户口本到镇计生办领取。")
    fresh.click("#send-answer")
    assert "答复已发出" in fresh.text()
    assert "答复了编号" in fresh.text()  # who did it and when, on the ticket's own page
    sent = wait_for(lambda: live.fake.calls("/cgi-bin/message/send"))
    assert sent, "the answer never reached WeCom"
    body = sent[0].body
    assert body["touser"] == live.world.own.family
    assert "请带户口本到镇计生办领取。" in body["text"]["content"]
    ticket = get_ticket(live.runtime.services.engine, live.world.own.ticket)
    assert ticket is not None and ticket.status == "answered"
    assert fresh.overflow() <= 0
    assert fresh.errors() == []


def test_compose_preview_and_confirm_a_notice(live: Live, fresh: Browser) -> None:
    services = live.runtime.services
    for code in ("HP01", "HP02"):
        group = services.members.group(code)
        assert group is not None
        group.channel, group.robot_key = "robot", f"robotkey-{code.lower()}-abcdef"
        services.members.save_group(group)
    fresh.width(1280)
    sign_in_with_link(live, fresh, live.world.own.coordinator)
    fresh.click(".tabs a[href='/console/notices']")
    fresh.click("#compose")
    fresh.click("input[name=mode][value=groups]", navigates=False)
    fresh.click("input[name=groups][value=HP01]", navigates=False)
    fresh.click("input[name=groups][value=HP02]", navigates=False)
    fresh.find("#text").send_keys("5月29日上午9点在村委会开展会员活动日，请准时参加。")
    fresh.click("#preview")
    assert fresh.find("#reach-groups").text == "2"
    assert "5月29日上午9点在村委会开展会员活动日" in fresh.find("#notice-text").text
    assert wait_for(lambda: True) and live.fake.calls("/cgi-bin/webhook/send") == []
    fresh.click("#confirm")
    assert "已开始发送" in fresh.text()
    robots = wait_for(lambda: len(live.fake.calls("/cgi-bin/webhook/send")) == 2 or None)
    assert robots, "the notice never reached the group robots"
    fresh.open(fresh.driver.current_url)
    assert "已送达" in fresh.find("#deliveries").text
    assert "发出通知" in fresh.text()
    assert fresh.errors() == []


def test_inside_wecom_the_page_signs_in_by_itself(live: Live, fresh: Browser) -> None:
    add_member(live.runtime.services, "zhao", Role.ADMIN, region=(), name="赵管理员")
    live.fake.oauth_user = "zhao"
    fresh.width(390)
    fresh.user_agent("Mozilla/5.0 (Linux; Android 14) Mobile wxwork/4.1.22 MicroMessenger/7.0.1")
    fresh.open(f"{live.base}/console/tickets")
    # (the browser keeps WeCom's #wechat_redirect fragment across the redirects)
    assert fresh.driver.current_url.split("#")[0] == f"{live.base}/console/tickets"
    text = fresh.text()
    assert "赵管理员" in text and "全部地区" in text and "HP：" in text and "YH：" in text
    assert len(live.fake.calls("/cgi-bin/auth/getuserinfo")) == 1
    assert fresh.errors() == []


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_without_errors(live: Live, fresh: Browser, width: int) -> None:
    services = live.runtime.services
    world = live.world
    router = live.runtime.router
    router.dispatch(
        text_message(world.own.coordinator, "提醒 每月5日 9:10 各小组上报本月活动"), services
    )
    router.dispatch(text_message(world.own.coordinator, "通知 HP01：明天上午开会"), services)
    router.dispatch(text_message(world.own.coordinator, "确认发送"), services)
    with session_scope(services.engine):
        pass
    fresh.width(width)
    fresh.open(f"{live.base}/console/")
    assert "登录工作台" in fresh.text()
    fresh.shot("signed-out")
    assert fresh.errors() == []
    sign_in_with_link(live, fresh, world.own.coordinator)
    pages = {
        "overview": "/console/",
        "activities": "/console/activities",
        "record": f"/console/activities/{world.own.record}",
        "tickets": "/console/tickets",
        "ticket": f"/console/tickets/{world.own.ticket}",
        "notices": "/console/notices",
        "notice-new": "/console/notices/new",
        "notice": "/console/notices/1",
        "reminders": "/console/reminders",
        "roster": "/console/roster",
    }
    for name, path in pages.items():
        fresh.open(f"{live.base}{path}")
        assert fresh.driver.title.endswith("协会助手"), name
        assert fresh.overflow() <= 0, f"{name} scrolls sideways at {width}px"
        fresh.shot(name)
        assert fresh.errors() == [], name
    if width < 600:
        # tables become cards: a cell spans the card instead of a sliver one character wide
        fresh.open(f"{live.base}/console/tickets")
        cell = fresh.find("#tickets td[data-label='地区']")
        assert cell.size["width"] > width * 0.7
        assert fresh.find("#tickets thead").is_displayed() is False


@pytest.mark.parametrize("width", WIDTHS)
def test_upload_a_roster_with_a_bad_row(
    live: Live, fresh: Browser, width: int, tmp_path: Path
) -> None:
    roster = tmp_path / "合浦县名册.csv"
    roster.write_text(
        "企业微信账号,姓名,角色,省,市,县(区),乡镇,村(社区),会员小组\n"
        "newlead,新组长,小组长,广西,北海市,合浦县,廉州镇,江口村,HP03\n"
        "oops,写错角色,村专干,广西,北海市,合浦县,廉州镇,江口村,HP03\n",
        encoding="utf-8",
    )
    fresh.width(width)
    sign_in_with_link(live, fresh, live.world.own.coordinator)
    fresh.click(".tabs a[href='/console/roster']")
    fresh.find("#file").send_keys(str(roster))
    fresh.click("#upload-preview")
    table = fresh.find("#plan-rows").text
    assert "村专干" in table and "拒绝" in table and "3" in table  # row 3, refused, and why
    assert "新增 1 人" in fresh.find("#plan-summary").text
    assert fresh.overflow() <= 0
    fresh.shot("roster-preview")
    assert live.runtime.services.members.get("newlead") is None
    fresh.click("#apply")
    assert "已导入" in fresh.text() and "1 行没有导入" in fresh.text()
    assert live.runtime.services.members.get("newlead") is not None
    assert live.runtime.services.members.get("oops") is None
    assert fresh.errors() == []
