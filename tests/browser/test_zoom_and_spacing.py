"""At 200% zoom and with WCAG 1.4.12 text spacing, no text is clipped or overlaps.

200% zoom of a 1280x800 window is a 640x400 CSS-pixel viewport drawn at device scale 2,
which is what Chromium lays out when a person zooms in. The text-spacing overrides are
the bookmarklet WCAG's understanding document uses (line height 1.5, paragraph spacing
2em, letter spacing 0.12em, word spacing 0.16em), injected after each page loads.

Rather than compare screenshots, the page is measured: every visible text node's line
boxes (Range.getClientRects) must not overlap another text node's, must lie inside every
ancestor that hides its overflow, and the page must not scroll sideways. English, Urdu
(Nastaliq, tall lines, right to left) and Bengali (stacked conjuncts).
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.markup_only]

SUBMIT = "form button[type=submit]"
ZOOMED = {"width": 640, "height": 400}
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
ANSWERS = {
    "overall": {"overall_experience": "2"},
    "after_birth": {"baby_neonatal_unit": "yes"},
    "respect": {"treated_differently": "yes"},
    "treated_differently_reasons": {"treated_differently_why": "language"},
}

# Returns a list of problems (strings); empty when every text node has room.
MEASURE = r"""() => {
  const problems = [];
  // Open every "why we ask" so the text inside is measured too.
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  // Not drawn, or drawn for screen readers only (clipped to a pixel: visually hidden
  // text, the skip link until it has focus).
  const hidden = (el) => {
    if (!el.checkVisibility({visibilityProperty: true})) return true;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.clip !== "auto" || s.clipPath !== "none") return true;
      if (e.getAttribute("aria-hidden") === "true") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string"
       ? "." + el.className.trim().split(/\s+/)[0] : "");
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || hidden(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
    const text = node.textContent.trim().slice(0, 40);
    for (const r of rects) boxes.push({r, node, text, el: node.parentElement});
    // Clipped: a line box outside an ancestor that hides what overflows it.
    for (let e = node.parentElement; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowX === "visible" && s.overflowY === "visible") continue;
      const box = e.getBoundingClientRect();
      for (const r of rects) {
        if (r.left < box.left - 1 || r.right > box.right + 1
            || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          problems.push(`clipped: "${text}" in ${name(e)}`);
          break;
        }
      }
    }
  }
  // Overlap: line boxes of two different text nodes that share more than a sliver.
  const scrollX = window.scrollX, scrollY = window.scrollY;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.node === b.node) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      // A line box is the font's whole content area: for Nastaliq it is far taller than
      // the line pitch, so boxes of neighbouring lines always share some height. Two
      // pieces of text sit on top of each other when they share width and their middles
      // are closer than half a line, i.e. they are drawn on the same line.
      const middles = Math.abs((a.r.top + a.r.bottom) - (b.r.top + b.r.bottom)) / 2;
      if (w > 2 && middles < Math.min(a.r.height, b.r.height) * 0.5) {
        problems.push(`overlap: "${a.text}" (${name(a.el)}) and "${b.text}" (${name(b.el)})`);
      }
    }
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > window.innerWidth + 1) {
    problems.push(`scrolls sideways: ${page.scrollWidth}px in ${window.innerWidth}px`);
  }
  return problems;
}"""


def check(page, where: str, problems: dict[str, list[str]]) -> None:
    page.add_style_tag(content=TEXT_SPACING)
    found = page.evaluate(MEASURE)
    if found:
        problems[where] = found[:8]


@pytest.mark.parametrize("lang", ["en", "ur", "bn"])
def test_no_text_clipped_or_overlapping_at_200_percent_with_text_spacing(
        lang, live_server, new_context):
    # bypass_csp: the overrides are a <style> the page's CSP would (rightly) refuse.
    context = new_context(viewport=ZOOMED, device_scale_factor=2, bypass_csp=True)
    page = context.new_page()
    problems: dict[str, list[str]] = {}

    page.goto(live_server(f"/s/{live_server.links['any']}?lang={lang}"))
    check(page, "start", problems)
    page.goto(live_server(f"/s/{live_server.links['any']}/privacy"))
    check(page, "privacy", problems)
    page.go_back()
    page.locator(SUBMIT).click()  # no consent: the error summary
    page.wait_for_load_state("load")
    check(page, "start with error", problems)
    page.locator("#consent").check()
    page.locator(SUBMIT).click()
    page.wait_for_url("**/q/overall")

    pages = 0
    for _ in range(30):
        if page.url.endswith("/check"):
            break
        key = page.url.rsplit("/q/", 1)[1].split("?")[0]
        check(page, key, problems)
        pages += 1
        for name, value in ANSWERS.get(key, {}).items():
            page.locator(f"input[name={name}][value='{value}']").check()
        before = page.url
        page.locator(SUBMIT).click()
        page.wait_for_url(lambda url, before=before: url != before)
    check(page, "check", problems)
    page.locator(SUBMIT).click()
    page.wait_for_url("**/thank-you")
    check(page, "thank you", problems)

    assert pages >= 14
    assert not problems, "\n".join(f"{lang} {where}: {p}" for where, found in problems.items()
                                   for p in found)
