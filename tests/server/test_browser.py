"""The pages in a real browser: headless Chromium (Debian's package) driven by Selenium
through Debian's chromedriver. Skipped where they are not installed (``.ci/run`` installs
them); no browser is ever downloaded. Screenshots go to the test's temporary folder, or to
``$TEACHKIT_TEST_ARTIFACTS`` when set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from teachkit.server._demo import DEMO_COURSE, demo_definition
from tests.server.conftest import Live

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
ANSWERS = {i["content"]["prompt"]: i["content"]["answer"] for i in demo_definition()["items"]}
SKILLS = {i["id"]: i["skills"] for i in demo_definition()["items"]}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
    ),
]


@pytest.fixture
def browser() -> Any:
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1200,1400")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, condition: Any, timeout: float = 15.0) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def _text(driver: Any, css: str) -> str:
    # read in the page, in one step: the dashboard redraws its tables as it refreshes
    script = "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';"
    return str(driver.execute_script(script, css)).strip()


def _answer_one(driver: Any, correct: bool) -> None:
    """Answer the question on the practice page with the keyboard only."""
    from selenium.webdriver.common.keys import Keys

    prompt = _wait(driver, lambda d: _text(d, "#prompt") in ANSWERS and _text(d, "#prompt"))
    # focus moves to where the answer goes
    _wait(driver, lambda d: d.switch_to.active_element.get_attribute("id") == "answer")
    active = driver.switch_to.active_element
    active.send_keys((ANSWERS[prompt] if correct else "nonsense") + Keys.ENTER)
    _wait(driver, lambda d: _text(d, "#feedback"))
    assert driver.switch_to.active_element.get_attribute("id") == "next"


def _cell(driver: Any, learner: str, skill: str) -> str:
    return _text(driver, f'td[data-learner="{learner}"][data-skill="{skill}"]')


def test_practice_moves_the_dashboards_heatmap(browser: Any, live: Live, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    out = Path(os.environ.get("TEACHKIT_TEST_ARTIFACTS", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    # the home page asks for a key, then lists the tenant's courses
    browser.get(live.url + "/")
    browser.find_element(By.ID, "key").send_keys(live.api.plain + Keys.ENTER)
    _wait(browser, lambda d: DEMO_COURSE in _text(d, "#course-list"))
    assert "Tenant acme" in _text(browser, "#tenant")
    # practice, with the keyboard only
    browser.get(f"{live.url}/practice?course={DEMO_COURSE}")
    browser.find_element(By.ID, "learner").send_keys("pat" + Keys.ENTER)
    _answer_one(browser, correct=True)
    assert _text(browser, "#feedback") == "Correct!"
    counting = _wait(browser, lambda d: _text(d, '#mastery [data-skill="counting"]'))
    assert float(counting) > 0.3
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # "Next question"
    _answer_one(browser, correct=True)
    # the dashboard's heatmap shows the learner...
    browser.get(f"{live.url}/dashboard/{DEMO_COURSE}")
    first = _wait(browser, lambda d: _cell(d, "pat", "counting"))
    assert float(first) > float(counting)  # two correct answers now, one then
    # ...and an answer round trip through the API moves the cell of the skill it practised
    # at the next refresh (which skill the Tutor picks is its business)
    api = live.api
    a = api.call("POST", f"/v1/courses/{DEMO_COURSE}/learners/pat/next", api.plain).json()
    skill = SKILLS[a["task"]][0]
    before = _cell(browser, "pat", skill)
    api.call(
        "POST", f"/v1/assignments/{a['assignment_id']}/outcome", api.plain, json={"success": True}
    )
    browser.find_element(By.ID, "refresh").click()
    second = _wait(browser, lambda d: _cell(d, "pat", skill) != before and _cell(d, "pat", skill))
    assert float(second) > float(before or 0.0)
    assert "counting-easy" in _text(browser, "#items") and "arrow" in browser.page_source
    browser.save_screenshot(str(out / "dashboard.png"))
    # readable at phone width: nothing wider than the screen outside the scrolling tables
    browser.set_window_size(390, 844)
    browser.get(f"{live.url}/practice?course={DEMO_COURSE}")
    browser.find_element(By.ID, "learner").send_keys(Keys.ENTER)
    _wait(browser, lambda d: _text(d, "#prompt") in ANSWERS)
    width = browser.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth"
    )
    assert width <= 0
    browser.save_screenshot(str(out / "practice-phone.png"))
    assert (out / "dashboard.png").stat().st_size > 10_000
