"""The app on a phone and through a screen reader's eyes: axe-core at two sizes, no sideways scrolling.

Four states are checked at 1280x900 and 390x844 (and the first screen at 320 wide): the first screen, an
answer with sources, a source card open, and the wording tab with results. axe-core runs through
axe-playwright-python with the WCAG 2.0/2.1/2.2 A and AA tags and must find nothing. Screenshots go to
tests/out/ (phone-*.png).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.test_browser import ARGS, CHROMIUM, OUT, ask_by_keyboard

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}

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
    """Visit the four states; return each state's axe violations (and the overflow, on a phone)."""
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
    ask_by_keyboard(page, "my son is 2 and not talking, can someone visit us?", 0)
    check("answer")
    reply = page.locator("#loa-chat .loa-kind-answer").last
    names = page.evaluate(
        "[...document.querySelectorAll('#loa-chat [aria-label]')].map(e => e.getAttribute('aria-label'))"
    )
    found["answer"] += [f"markup in an accessible name: {n[:60]!r}" for n in names if "<" in n or "&lt;" in n]
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
    page.get_by_role("tab", name="Find exact wording (staff)").click()
    page.get_by_label("Words or phrase to find").fill("budget")
    page.get_by_role("button", name="Search the documents").click()
    page.wait_for_selector("#loa-results .loa-hit")
    check("wording")
    return found


@pytest.mark.parametrize("size", list(SIZES))
def test_no_accessibility_violations_and_no_sideways_scrolling(serve, real_settings, tmp_path: Path, size: str) -> None:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3"))
    width, height = SIZES[size]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": width, "height": height}, has_touch=size == "phone").new_page()
        page.set_default_timeout(30_000)
        found = states(page, url, size)
        if size == "phone":
            page.set_viewport_size({"width": 320, "height": 700})
            page.goto(url)
            page.wait_for_selector("#loa-question textarea")
            if not no_sideways_scroll(page):
                found["first"].append("sideways scrolling at 320px")
        browser.close()
    assert {state: v for state, v in found.items() if v} == {}


def test_touch_targets_and_skip_link_on_a_phone(serve, real_settings, tmp_path: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    url = serve(real_settings.with_(feedback_db=tmp_path / "fb.sqlite3"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True).new_page()
        page.set_default_timeout(30_000)
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
