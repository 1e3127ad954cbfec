"""A reader who picks a framework tab keeps their place (issue 32, item 8): every tab-set
follows the pick and the panels above the clicked one change height, yet the clicked tab-set
stays where it was on the screen (within 2 px; it jumped 397 px at desktop width and 661 px
on a phone), at once (no animation), by mouse and by keyboard; and nothing moves when the
page loads with a stored framework (static/tabbook-reader.js, keepPlaceOnPick).

The clicks are the mouse's own at the label's place on the screen: Playwright's
``locator.click`` scrolls its target into view first, which would move the page itself.
"""

from __future__ import annotations

import pytest

import browser_harness as bh
from browser_harness import DESKTOP, LABELS, PAGE_43, PHONE, open_page

pytestmark = pytest.mark.browser

TOLERANCE = 2
"""px the clicked tab-set may move on the screen."""
SCREEN_SPOTS = (0.1, 0.45, 0.8)
"""Where on the screen (a fraction of its height) the clicked tab-set's top is put."""

_SETS_JS = """group => Array.from(document.querySelectorAll('.sd-tab-set'))
    .map((set, i) => [i, set])
    .filter(([i, set]) => set.querySelector(':scope > label[data-sync-group="' + group + '"]')
        && set.checkVisibility({visibilityProperty: true})
        && set.getBoundingClientRect().height > 0)
    .map(([i]) => i)"""
_PLACE_JS = """i => { const r = document.querySelectorAll('.sd-tab-set')[i].getBoundingClientRect();
    return {screen: r.top, page: r.top + scrollY}; }"""
_PUT_JS = """([i, y]) => {
    const r = document.querySelectorAll('.sd-tab-set')[i].getBoundingClientRect();
    window.scrollBy({top: r.top - y, behavior: 'instant'}); }"""
_LABEL_BOX_JS = """([i, id]) => { const r = document.querySelectorAll('.sd-tab-set')[i]
    .querySelector(':scope > label[data-sync-id="' + id + '"]').getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2,
            shown: r.top >= 0 && r.bottom <= innerHeight}; }"""


def _shown_framework(page, index: int) -> str:
    return page.evaluate("i => document.querySelectorAll('.sd-tab-set')[i]"
                         ".querySelector(':scope > input:checked + label').dataset.syncId", index)


def _pick(page, index: int, spot: float, keyboard: bool = False) -> dict:
    """Put tab-set ``index`` at ``spot`` of the screen, pick the framework after the one it
    shows (mouse, or the arrow key on its focused tab), and say how far the set moved on the
    screen and in the page."""
    height = page.viewport_size["height"]
    page.evaluate(_PUT_JS, [index, round(spot * height)])
    bh.next_frames(page)
    names = [fw for fw in LABELS]
    now = _shown_framework(page, index)
    want = names[(names.index(now) + 1) % len(names)]
    before = page.evaluate(_PLACE_JS, index)
    if keyboard:
        page.evaluate("i => document.querySelectorAll('.sd-tab-set')[i]"
                      ".querySelector(':scope > input:checked').focus({preventScroll: true})",
                      index)
        page.keyboard.press("ArrowRight")
    else:
        box = page.evaluate(_LABEL_BOX_JS, [index, want])
        assert box["shown"], f"tab-set {index}: its {want} label is off the screen"
        page.mouse.click(box["x"], box["y"])
    bh.next_frames(page, 2)  # (an animated scroll would still be under way)
    after = page.evaluate(_PLACE_JS, index)
    assert _shown_framework(page, index) == want
    return {"set": index, "spot": spot, "screen": after["screen"] - before["screen"],
            "page": after["page"] - before["page"]}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_clicked_tab_set_stays_where_it_was_on_the_screen(browse, server, viewport):
    context, log = browse(viewport=viewport)
    page = open_page(context, server.url(PAGE_43))
    sets = page.evaluate(_SETS_JS, "framework")
    assert len(sets) >= 5, sets
    picks = [_pick(page, i, spot) for i in sets for spot in SCREEN_SPOTS]
    picks.append(_pick(page, sets[len(sets) // 2], 0.45, keyboard=True))
    moved = [p for p in picks if abs(p["screen"]) > TOLERANCE]
    assert not moved, f"the clicked tab-set moved on the screen: {moved}"
    # (and the picks did move it in the page: the panels above changed height)
    assert max(abs(p["page"]) for p in picks) > 100, picks
    browse.assert_clean(log)


def test_loading_with_a_stored_framework_moves_nothing(browse, server):
    """The framework stored by an earlier visit is shown from the first paint; a link to a
    section below the tab-sets lands on it, not scrolled by the tab-sets' change."""
    context, log = browse()
    browse.remember(context, bh.STORAGE_KEY, "tensorflow")
    page = open_page(context, server.url(PAGE_43 + "#accuracy"))
    bh.next_frames(page, 3)
    top = page.evaluate("() => document.getElementById('accuracy').getBoundingClientRect().top")
    padding = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement)"
                            ".scrollPaddingTop) || 0")
    assert abs(top - padding) <= TOLERANCE, (top, padding)
    assert bh.tab_report(page, "TensorFlow").ok
    browse.assert_clean(log)
