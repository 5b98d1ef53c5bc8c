"""Helpers for tests/test_browser.py: launching the system Chromium, reading results, running axe-core."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Quiet, offline Chromium: no update checks, sync or QUIC, so a test run never reaches the internet.
# --no-sandbox because CI runs as root, where Chromium's sandbox refuses to start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}

# Lists every element wider than the viewport, so an overflow failure names its culprit.
FIND_OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .map((el) => `${describe(el)} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`)
    .slice(0, 15);
}
"""


def browser_required() -> bool:
    """True in CI (FINDER_REQUIRE_BROWSER=1), where a missing browser must fail the run."""
    return os.environ.get("FINDER_REQUIRE_BROWSER", "") == "1"


def skip_or_fail(reason: str):
    """Skip locally; fail when FINDER_REQUIRE_BROWSER=1 so CI can't pass without running these tests."""
    if browser_required():
        pytest.fail(f"{reason} (FINDER_REQUIRE_BROWSER=1, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def parse_miles(text: str) -> float:
    """'3.2 miles away' -> 3.2; 'under 0.1 miles away' -> 0.0 (the format of the `miles` filter)."""
    if text.strip().startswith("under "):
        return 0.0
    match = re.search(r"([\d,]+(?:\.\d+)?) miles?", text)
    assert match, f"Can't read a distance from {text!r}"
    return float(match.group(1).replace(",", ""))


# Reports every Content-Security-Policy violation in every document of a browser context to Python, so a
# test can assert there were none. Added as an init script (it runs before the page's own scripts, and
# DevTools-injected scripts are not subject to the page's policy).
CSP_RECORDER_JS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.finderCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"} on ${document.location.pathname}`
    + ` (${event.sourceFile || "the page"}, line ${event.lineNumber}): ${event.sample || ""}`
  );
});
"""


def record_csp_violations(context) -> list[str]:
    """Start recording CSP violations in every page of ``context``; returns the list they are appended to.

    Pages with JavaScript disabled cannot report (the same pages are visited with it on elsewhere).
    """
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    context.expose_function("finderCspViolation", report)
    context.add_init_script(CSP_RECORDER_JS)
    return violations


def flush_csp_violations(context) -> None:
    """Let reports already queued in open pages reach Python (they arrive asynchronously).

    Only for contexts with JavaScript enabled: in the others, evaluating waits forever.
    """
    for page in context.pages:
        if not page.is_closed():
            page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page and return its violations with serious or critical impact."""
    # Evaluated through DevTools, not added as a <script>: the Content-Security-Policy forbids inline script.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in results["violations"] if violation["impact"] in BLOCKING_IMPACTS]


def describe_violations(label: str, violations: list[dict]) -> str:
    lines = [f"{label}: {len(violations)} serious or critical accessibility violation(s)"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}  {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)
