# ruff: noqa: F811 (pytest fixtures imported from tests.web.fixtures)
"""Touch targets of at least 44 by 44 CSS pixels on a phone (issue 13): every button, field,
menu link, button-like link and map control of the main pages a newcomer opens first, and of
a donor's form. Links inside running text are exempt, as WCAG 2.5.5 exempts them."""

import pytest

from accounts.models import Role
from tests.factories import UserFactory
from tests.web.fixtures import chromium  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
MINIMUM = 44
PUBLIC = ["/", "/login/", "/register/donor/", "/directory/", "/events/", "/rooms/", "/info/"]
TOO_SMALL = """
(minimum) => {
  const controls = [
    'button', 'input:not([type=hidden]):not([type=checkbox]):not([type=radio])', 'select',
    'textarea', 'header nav a', 'a.button', 'summary', '.leaflet-bar a',
  ].join(', ');
  const small = [];
  for (const element of document.querySelectorAll(controls)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      const name = (element.textContent || element.value || element.name || '').trim();
      small.push(`${element.tagName.toLowerCase()} "${name.slice(0, 30)}" ` +
        `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


def _too_small(chromium, url: str, cookies=()) -> list[str]:
    context = chromium.new_context(viewport=PHONE, has_touch=True, locale="de-DE")
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return page.evaluate(TOO_SMALL, MINIMUM)
    finally:
        context.close()


def test_the_first_pages_have_touch_targets_of_44_px_on_a_phone(live_server, chromium):
    found = {path: _too_small(chromium, live_server.url + path) for path in PUBLIC}
    assert not any(found.values()), {path: small for path, small in found.items() if small}


def test_a_donors_form_has_touch_targets_of_44_px_on_a_phone(live_server, chromium, client):
    donor = UserFactory(username="touch-donor", role=Role.DONOR)
    client.force_login(donor)
    session = {
        "name": "sessionid",
        "value": client.cookies["sessionid"].value,
        "url": live_server.url,
    }
    small = _too_small(chromium, live_server.url + "/donations/new/", [session])
    assert not small, small
