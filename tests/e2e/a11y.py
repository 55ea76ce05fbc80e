"""Accessibility checks for browser tests: axe-core (vendored, see vendor/axe-core-*/README.md)
and "no sideways scroll".

axe-core is a test tool: it is put into the page under test by Playwright and never served
by the site. The site's Content-Security-Policy allows no inline script, and
`page.add_script_tag(path=...)` inserts the file's text as an inline <script>, which the
policy blocks; `page.evaluate` runs the same text through the DevTools protocol, which the
page's policy does not govern. So the file is evaluated, and the policy stays as strict in
the test as in production (no `bypass_csp`).
"""

from pathlib import Path

AXE_VERSION = "4.10.2"
AXE_PATH = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
# What fails a page: axe's two highest impacts ("moderate" and "minor" are reported by axe
# but do not fail the check).
FAILING_IMPACTS = ("critical", "serious")

_RUN = """async (impacts) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
      html: v.nodes.map((n) => n.html).slice(0, 2),
    }));
}"""


def _inject_axe(page) -> None:
    if page.evaluate("typeof window.axe") == "object":
        return
    page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    assert page.evaluate("typeof window.axe") == "object", "axe-core did not load"
    assert page.evaluate("axe.version") == AXE_VERSION


def axe_violations(page) -> list[dict]:
    """The page's violations with impact "critical" or "serious", as axe reports them."""
    _inject_axe(page)
    return page.evaluate(_RUN, list(FAILING_IMPACTS))


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}" for v in violations
    )


def assert_accessible(page) -> None:
    """Fails listing each critical or serious axe-core violation: rule id, impact, targets."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def assert_no_sideways_scroll(page) -> None:
    overflow = sideways_overflow(page)
    assert overflow == 0, f"{page.url} scrolls sideways by {overflow} px"


def wait_for_focus(page, element_id: str, timeout_ms: int = 20_000) -> None:
    """Wait until the element with `element_id` has the focus: the pages' scripts move it
    once the page has loaded, which a slow machine reaches later than the assertion."""
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id",
        arg=element_id,
        timeout=timeout_ms,
    )


def wait_for_focus_on_invalid_field(page, timeout_ms: int = 20_000) -> None:
    """Wait until the focused element is a field marked invalid (the pages' scripts move the
    focus to the first field with an error once the page has loaded)."""
    page.wait_for_function(
        "() => document.activeElement"
        " && document.activeElement.getAttribute('aria-invalid') === 'true'",
        timeout=timeout_ms,
    )
