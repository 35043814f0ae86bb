"""The app on a phone and through a screen reader's eyes: axe-core at three sizes, and a layout for reading.

Six states are checked at 1280x900, 390x844 and 320x700: the first screen, an answer with sources, a
source card open, the staff sign-in page, what families asked and the staff search with results. axe-core runs through
axe-playwright-python with the WCAG 2.0/2.1/2.2 A and AA tags and must find nothing; below 600 px nothing
may scroll sideways. On a phone the question box is on the first screen, the answer and its source cards
use the width, no word is split across lines, and every chat message is named by its text. Screenshots
go to tests/out/ (<size>-<state>.png).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.test_browser import ARGS, CHROMIUM, OUT, STAFF_PASSWORD, ask_by_keyboard

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"desktop": (1280, 900), "phone": (390, 844), "small": (320, 700)}
QUESTION = "my son is 2 and not talking, can someone visit us?"
# words wider than a line that must break somewhere: web addresses, emails
SPLIT_WORDS = """(root) => {
  const split = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.textContent.matchAll(/[A-Za-z’'-]{2,}/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > 1) split.push(m[0]);
    }
  }
  return split;
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (apt-get install chromium)"),
]


def violations(page) -> list[str]:  # noqa: ANN001
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    found = results.response.get("violations", [])
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}): {v['nodes'][0]['target']}" for v in found]


def no_sideways_scroll(page) -> bool:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def states(page, url: str, name: str) -> dict[str, list[str]]:  # noqa: ANN001
    """Visit the five states; return each state's axe violations (and the overflow, on a phone)."""
    width = page.viewport_size["width"]
    found: dict[str, list[str]] = {}

    def check(state: str) -> None:
        page.screenshot(path=str(OUT / f"{name}-{state}.png"), full_page=True)
        found[state] = violations(page)
        if width < 600 and not no_sideways_scroll(page):
            found[state].append(f"sideways scrolling at {width}px")

    page.goto(url)
    page.wait_for_selector("#loa-question textarea")
    check("first")
    ask_by_keyboard(page, QUESTION, 0)
    check("answer")
    names = page.evaluate(
        "[...document.querySelectorAll('#loa-chat [aria-label]')].map(e => e.getAttribute('aria-label'))"
    )
    found["answer"] += [f"markup in an accessible name: {n[:60]!r}" for n in names if "<" in n or "&lt;" in n]
    reply = page.locator("#loa-chat .loa-kind-answer").last
    reply.locator("details.loa-card summary").first.click()
    card = reply.locator("details.loa-card").first
    assert card.get_attribute("open") is not None
    try:
        page.wait_for_function(
            "(el) => { const r = el.getBoundingClientRect(); return r.top >= -2 && r.top < window.innerHeight; }",
            arg=card.element_handle(),
            timeout=5_000,
        )
    except Exception:  # noqa: BLE001 - reported with the other findings
        where = page.evaluate("(el) => JSON.stringify(el.getBoundingClientRect())", card.element_handle())
        found["answer"].append(f"the opened source card is out of view at {width}px: {where}")
    check("source")
    page.goto(url.rstrip("/") + "/staff")
    page.wait_for_selector("#username")
    check("signin")
    page.get_by_label("User name").fill("staff")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#loa-insights-summary p")
    check("insights")
    page.get_by_role("tab", name="Find exact wording").click()
    page.get_by_label("Words or phrase to find").fill("budget")
    page.get_by_role("button", name="Search the documents").click()
    page.wait_for_selector("#loa-results .loa-hit")
    check("wording")
    return found


def browser_page(p, size: str):  # noqa: ANN001, ANN201
    width, height = SIZES[size]
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=size != "desktop", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return browser, page


@pytest.mark.parametrize("size", list(SIZES))
def test_no_accessibility_violations_and_no_sideways_scrolling(serve, real_settings, tmp_path: Path, size: str) -> None:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3", staff_password=STAFF_PASSWORD))
    with sync_playwright() as p:
        browser, page = browser_page(p, size)
        found = states(page, url, size)
        browser.close()
    assert {state: v for state, v in found.items() if v} == {}


@pytest.mark.parametrize("size", ["phone", "small"])
def test_a_phone_layout_for_reading(serve, real_settings, tmp_path: Path, size: str) -> None:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3"))
    width, height = SIZES[size]
    with sync_playwright() as p:
        browser, page = browser_page(p, size)
        page.goto(url)
        page.wait_for_selector("#loa-question textarea")
        box = page.locator("#loa-question textarea").bounding_box()
        ask = page.locator("#loa-ask").bounding_box()
        assert box["y"] + box["height"] <= height and ask["y"] + ask["height"] <= height  # on the first screen
        ask_by_keyboard(page, QUESTION, 0)
        reply = page.locator("#loa-chat .loa-kind-answer").last
        reply.locator("details.loa-card summary").first.click()
        quote = reply.locator("details.loa-card[open] .loa-quote").first
        bubble = reply.bounding_box()["width"]
        card = quote.bounding_box()["width"]
        split = reply.evaluate(SPLIT_WORDS)
        users = "#loa-chat [data-testid=user][aria-label]"
        names = page.evaluate(f"[...document.querySelectorAll('{users}')].map(e => e.getAttribute('aria-label'))")
        page.screenshot(path=str(OUT / f"layout-{size}.png"), full_page=True)
        browser.close()
    assert bubble >= 0.85 * width, f"the answer is {bubble:.0f} px wide on a {width} px screen"
    assert card >= 0.8 * width, f"the source card's quote is {card:.0f} px wide on a {width} px screen"
    assert split == [], f"words split across lines: {split[:10]}"
    assert names == [f"user's message: {QUESTION}"]


def test_touch_targets_and_skip_link_on_a_phone(serve, real_settings, tmp_path: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3"))
    with sync_playwright() as p:
        browser, page = browser_page(p, "phone")
        page.goto(url)
        page.wait_for_selector("#loa-question textarea")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to the question box"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.closest('#loa-question') !== null")
        big = ["#loa-ask", ".loa-examples button"]
        for selector in big:
            box = page.locator(selector).first.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, (selector, box)
        ask_by_keyboard(page, "what is portage?", 0)
        small = page.evaluate(
            """[...document.querySelectorAll('#loa-chat button, button')].filter(b => b.offsetParent)
                .map(b => [b.getAttribute('aria-label') || b.textContent.trim(), b.getBoundingClientRect()])
                .filter(([n, r]) => r.width < 24 || r.height < 24).map(([n, r]) => `${n} ${r.width}x${r.height}`)"""
        )
        thumbs = page.evaluate(
            """[...document.querySelectorAll('#loa-chat button')].filter(b => /like|dislike/i.test(
                b.getAttribute('aria-label') || '')).map(b => Math.min(b.getBoundingClientRect().width,
                b.getBoundingClientRect().height))"""
        )
        browser.close()
    assert small == []
    assert thumbs and min(thumbs) >= 44
