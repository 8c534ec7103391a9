"""The HTML report in a real browser (Debian's chromium and chromedriver, driven by Selenium): typing in the
search box, choosing filters and sorting change the rows shown and the counts."""
from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import pytest

from hipaacheck.formats.html import HtmlFormat
from hipaacheck.results import Results

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "results" / "mixed.json"
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
OTHER_ACCOUNT = "210987654321"

if not (CHROMIUM and DRIVER):
    if os.environ.get("CI"):
        pytest.fail("chromium and chromedriver are missing: .ci/run installs them", pytrace=False)
    pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)
from selenium import webdriver  # noqa: E402 - in the test extra: missing, it fails, never skips
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def results() -> Results:
    """The mixed fixture plus a failing bucket in a second account and region."""
    loaded = Results.load(FIXTURE)
    bucket = next(f for f in loaded.findings if f.resource["id"] == "arn:aws:s3:::phi-exports")
    other = copy.deepcopy(bucket)
    other.resource.update(id="arn:aws:s3:::claims-eu", region="eu-west-1", account=OTHER_ACCOUNT)
    other.message = "bucket claims-eu has no default encryption"
    loaded.findings.append(other)
    return loaded


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=DRIVER))
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, tmp_path):
    path = tmp_path / "report.html"
    path.write_text(HtmlFormat().render(results()), encoding="utf-8")
    browser.get(path.as_uri())
    return browser


def rows(driver) -> list[dict[str, str]]:
    out = []
    for tr in driver.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr"):
        cells = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        out.append({"status": tr.get_attribute("data-status"), "control": tr.get_attribute("data-control"),
                    "resource": cells[3], "region": cells[4], "target": cells[5]})
    return out


def shown(driver) -> str:
    return driver.find_element(By.ID, "shown").text


def choose(driver, name: str, value: str) -> None:
    Select(driver.find_element(By.ID, f"filter-{name}")).select_by_value(value)


def test_every_finding_is_listed_worst_first(page):
    listed = rows(page)
    assert len(listed) == 12 and shown(page).startswith("Showing 12 of 12 findings")
    assert [r["status"] for r in listed[:4]] == ["fail", "fail", "fail", "fail"]
    assert listed[-1]["status"] == "pass"


def test_search_box_narrows_rows_and_counts(page):
    box = page.find_element(By.ID, "search")
    box.send_keys("phi-")
    assert sorted(r["resource"] for r in rows(page)) == ["phi-archive", "phi-exports"]
    assert shown(page).startswith("Showing 2 of 12 findings")
    status_options = {o.get_attribute("value"): o.text for o in
                      Select(page.find_element(By.ID, "filter-status")).options}
    assert status_options["fail"] == "fail (1)" and status_options["pass"] == "pass (1)"
    box.send_keys(" archive")  # every word must match
    assert [r["resource"] for r in rows(page)] == ["phi-archive"]


def test_filters_combine(page):
    choose(page, "status", "fail")
    assert {r["status"] for r in rows(page)} == {"fail"} and len(rows(page)) == 4
    choose(page, "service", "s3")
    assert sorted(r["resource"] for r in rows(page)) == ["claims-eu", "phi-exports"]
    choose(page, "region", "eu-west-1")
    assert [r["resource"] for r in rows(page)] == ["claims-eu"]
    choose(page, "region", "")
    choose(page, "target", OTHER_ACCOUNT)
    assert [(r["resource"], r["target"]) for r in rows(page)] == [("claims-eu", OTHER_ACCOUNT)]
    page.find_element(By.ID, "reset").click()
    assert len(rows(page)) == 12


def test_citation_filter_and_the_rule_section_link_to_findings(page):
    choose(page, "citation", "164.312(d)")
    assert {r["control"] for r in rows(page)} == {"host.login_defs.pass_max_days", "host.shadow.strong_hashes"}
    page.find_element(By.ID, "reset").click()
    link = page.find_element(By.CSS_SELECTOR, '#rule [data-set-filter="citation"][data-value="164.312(b)"]')
    page.execute_script("arguments[0].click()", link)
    assert [r["control"] for r in rows(page)] == ["aws.cloudtrail.multi_region"]
    assert Select(page.find_element(By.ID, "filter-citation")).first_selected_option.get_attribute("value") == "164.312(b)"


def test_control_link_searches_its_findings(page):
    button = page.find_element(By.CSS_SELECTOR, '[data-search="host.sshd.max_auth_tries"]')
    page.execute_script("arguments[0].click()", button)
    assert {r["control"] for r in rows(page)} == {"host.sshd.max_auth_tries"} and len(rows(page)) == 2


def test_headers_sort_both_ways(page):
    header = page.find_element(By.CSS_SELECTOR, 'th[data-sort="resource"]')
    header.click()
    names = [r["resource"] for r in rows(page)]
    assert names == sorted(names)
    header.click()
    assert [r["resource"] for r in rows(page)] == sorted(names, reverse=True)


def test_hostile_text_is_shown_not_run(browser, tmp_path):
    loaded = results()
    loaded.findings[0].message = "</script><img src=x onerror=alert(1)>"
    path = tmp_path / "hostile.html"
    path.write_text(HtmlFormat().render(loaded), encoding="utf-8")
    browser.get(path.as_uri())
    assert browser.find_elements(By.CSS_SELECTOR, "#findings-table img") == []
    assert any("</script><img src=x" in td.text for td in browser.find_elements(By.CSS_SELECTOR, "#findings-table td"))
