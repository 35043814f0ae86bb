"""The app in real headless Chromium: ask by keyboard, read the sources, give feedback, search wording, no XSS.

Screenshots go to tests/out/ (git-ignored): home.png, chat.png, source.png, zoom200.png, signin.png,
wording.png. The journeys run with the page's Content-Security-Policy bypassed, because Playwright's
waiting helpers evaluate strings; ``test_nothing_breaks_the_content_security_policy`` runs them under it.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from feedback.store import FeedbackStore

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUT = Path(__file__).resolve().parent.parent / "out"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (apt-get install chromium)"),
]


STAFF_PASSWORD = "a staff password for the browser test"


@pytest.fixture
def page():  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 1000}, bypass_csp=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def ask_by_keyboard(page, question: str, done_before: int) -> None:  # noqa: ANN001
    page.locator("#loa-question textarea").focus()
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#loa-chat .loa-msg:not(.loa-partial):not(.loa-question)').length > n",
        arg=done_before,
    )


def sign_in(page, url: str) -> None:  # noqa: ANN001
    page.goto(url.rstrip("/") + "/staff")
    page.wait_for_selector("#username")
    page.screenshot(path=str(OUT / "signin.png"), full_page=True)
    page.get_by_label("User name").fill("staff")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("tab", name="Find exact wording").click()
    page.wait_for_selector("text=Find the exact wording")


def test_family_and_staff_journeys(serve, real_settings, real_bot, tmp_path: Path, page) -> None:  # noqa: ANN001
    OUT.mkdir(exist_ok=True)
    db = tmp_path / "fb.sqlite3"
    url = serve(real_settings.with_(feedback_db=db, staff_password=STAFF_PASSWORD))
    page.goto(url)
    page.wait_for_selector("#loa-question textarea")
    assert "don't type names" in page.locator("#loa-headline").inner_text()
    assert page.get_by_role("button", name="who do I email about exclusions?").is_visible()
    page.get_by_text("About this service and your privacy").click()
    about = page.locator("#loa-about").inner_text()
    assert "does not make decisions" in about and "NHS numbers" in about
    page.screenshot(path=str(OUT / "home.png"), full_page=True)

    # A family asks by keyboard; the answer streams in and ends with its source cards.
    ask_by_keyboard(page, "my son is 2 and not talking, can someone visit us?", 0)
    reply = page.locator("#loa-chat .loa-kind-answer").last
    assert "Portage" in reply.inner_text()
    cards = reply.locator("details.loa-card")
    assert cards.count() >= 1
    assert "Learning Inclusion Service" in cards.first.inner_text()
    assert cards.first.locator(".loa-badge").inner_text().strip() in {"Published", "Draft, 2021"}
    hrefs = [a.get_attribute("href") for a in reply.locator("a.loa-cite").all()]
    ids = {f"#{c.get_attribute('id')}" for c in cards.all()}
    assert hrefs and set(hrefs) <= ids
    chat_top = "document.querySelector('#loa-chat .bubble-wrap').getBoundingClientRect().top"
    top = f"e => e.getBoundingClientRect().top - {chat_top}"
    assert 0 <= page.locator("#loa-chat .loa-question").last.evaluate(top) < 60  # read from the start
    page.screenshot(path=str(OUT / "chat.png"), full_page=True)

    # A citation link, used from the keyboard, opens its card.
    reply.locator("a.loa-cite").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("id => document.getElementById(id).open", arg=hrefs[0][1:])
    assert reply.locator("details.loa-card[open] blockquote").first.is_visible()
    page.screenshot(path=str(OUT / "source.png"), full_page=True)

    # Thumbs up is stored once it is acknowledged.
    page.locator("#loa-chat").get_by_role("button", name=re.compile("^Like$")).last.click()
    page.wait_for_selector("#loa-feedback-status .loa-status")
    assert "saved" in page.locator("#loa-feedback-status").inner_text()
    rows = FeedbackStore(db).rows()
    assert len(rows) == 1 and rows[0]["rating"] == 1 and "Portage" in rows[0]["answer"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    page.get_by_label("Tell us more (optional)").fill("Clear, thank you. I'm Sarah Jones, call 07700 900123")
    page.get_by_role("button", name="Send comment").click()
    page.wait_for_function("() => document.querySelector('#loa-feedback-status').textContent.includes('comment')")
    comment = FeedbackStore(db).rows()[0]["comment"]
    assert comment.startswith("Clear, thank you.") and "Sarah" not in comment and "07700" not in comment

    # A script in a question is shown as text and never runs.
    attack = "<script>window.__xss=1</script> what is portage"
    ask_by_keyboard(page, attack, 1)
    questions = page.locator("#loa-chat .loa-question")
    assert questions.last.inner_text().strip() == attack
    assert page.evaluate("window.__xss") is None
    assert page.locator("#loa-chat script").count() == 0

    # At 200% zoom (half the CSS width) nothing needs sideways scrolling.
    page.set_viewport_size({"width": 600, "height": 900})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(OUT / "zoom200.png"))
    page.set_viewport_size({"width": 1200, "height": 1000})

    # Staff sign in, then find exact wording.
    sign_in(page, url)
    page.get_by_label("Words or phrase to find").fill("budget")
    page.keyboard.press("Enter")
    page.wait_for_selector(".loa-hit")
    first = page.locator("#hit-1").evaluate("e => e.textContent")
    assert "budget" in first.lower()
    assert first in {p.text for p in real_bot.retriever.passages.values()}  # verbatim
    assert "Section:" in page.locator(".loa-hit").first.inner_text()
    copy = page.get_by_role("button", name="Copy the exact wording").first
    copy.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('button.loa-copy').textContent === 'Copied'")
    assert page.evaluate("navigator.clipboard.readText()") == first
    page.screenshot(path=str(OUT / "wording.png"), full_page=True)


def test_nothing_breaks_the_content_security_policy(serve, real_settings, tmp_path: Path) -> None:  # noqa: ANN001
    """The whole page under its own policy: no script, style or connection of the page's is refused."""
    from playwright.sync_api import sync_playwright

    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3", staff_password=STAFF_PASSWORD))
    refused: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: refused.append(str(e)))
        page.goto(url)
        page.locator("#loa-question textarea").fill("my son is 2 and not talking, can someone visit us?")
        page.keyboard.press("Enter")
        page.locator("#loa-chat .loa-kind-answer").first.wait_for()
        page.locator("#loa-chat details.loa-card summary").first.click()
        assert "Error rendering" not in page.locator("body").inner_text()
        page.goto(url.rstrip("/") + "/staff")
        page.get_by_label("User name").fill("staff")
        page.get_by_label("Password").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("tab", name="Find exact wording").click()
        page.get_by_label("Words or phrase to find").fill("budget")
        page.keyboard.press("Enter")
        page.locator(".loa-hit").first.wait_for()
        assert "Error rendering" not in page.locator("body").inner_text()
        browser.close()
    assert refused == []
