"""End to end in a real headless browser (Debian's Chromium driven by Selenium): the controller
opens a period, the eight departments upload the example workbooks through their pages, the
controller approves them on the board, builds and downloads the report, whose figures equal
`vrapport build` on the same files."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PERIOD, read_grids
from tests.service_support import EXAMPLES, make_tokens, running_server
from vrapport.pdf import soffice
from vrapport.pipeline import build
from vrapport.service.core import expected_templates
from vrapport.spec import Specs

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
P = str(PERIOD)

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)",
)


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "nedlastet"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(downloads: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1500",
        "--lang=nb-NO",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def _downloaded(folder: Path, suffix: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing downloaded into {folder}: {list(folder.iterdir())}")


def test_collect_approve_build_and_download_in_a_browser(
    browser, downloads: Path, tmp_path: Path, specs: Specs
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.wait import WebDriverWait

    def wait(condition):  # type: ignore[no-untyped-def]
        return WebDriverWait(browser, 120).until(condition)

    def replaced(element):  # type: ignore[no-untyped-def]
        """The page holding `element` has been replaced. ec.staleness_of, except that Chromium
        may also answer «Node with given id does not belong to the document» (a plain
        WebDriverException) for a node caught while the page is being swapped."""
        from selenium.common.exceptions import WebDriverException

        def check(_driver) -> bool:  # type: ignore[no-untyped-def]
            try:
                element.is_enabled()
            except WebDriverException:
                return True
            return False

        return check

    templates = expected_templates(specs)
    data = tmp_path / "data"
    tokens = make_tokens(data, templates)
    with running_server(data) as url:
        # The controller opens the period.
        browser.get(f"{url}/logg-inn?token={tokens.controller}")
        assert browser.current_url == f"{url}/perioder"
        browser.find_element(By.ID, "periode").send_keys(P)
        browser.find_element(By.CSS_SELECTOR, "form[action='/perioder'] button").click()
        wait(ec.url_to_be(f"{url}/perioder/{P}"))
        # Each department logs in with its link and uploads its workbook.
        for template in templates:
            browser.delete_all_cookies()
            browser.get(f"{url}/logg-inn?token={tokens.departments[template]}")
            assert browser.current_url == f"{url}/perioder/{P}/{template}"
            upload = browser.find_element(By.CSS_SELECTOR, "input[type=file][name=fil]")
            upload.send_keys(str(EXAMPLES / f"{template}.xlsx"))
            upload.find_element(By.XPATH, "./ancestor::form//button").click()
            result = wait(ec.presence_of_element_located((By.ID, "resultat"))).text
            assert "ingen feil" in result, (template, result)
            sha = hashlib.sha256((EXAMPLES / f"{template}.xlsx").read_bytes()).hexdigest()
            assert browser.find_element(By.ID, "sha256").text == sha
        # The controller approves every row on the board.
        browser.delete_all_cookies()
        browser.get(f"{url}/logg-inn?token={tokens.controller}")
        for template in templates:
            browser.get(f"{url}/perioder/{P}")
            row = browser.find_element(By.ID, f"rad-{template}")
            assert row.find_element(By.CLASS_NAME, "status").text == "Levert, venter på godkjenning"
            row.find_element(By.NAME, "godkjenn").click()
            wait(replaced(row))
        browser.get(f"{url}/perioder/{P}")
        statuses = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#oversikt .status")]
        assert statuses == ["Godkjent"] * len(templates)
        browser.find_element(By.ID, "bygg").click()
        download = wait(ec.presence_of_element_located((By.CSS_SELECTOR, "#rapporter a")))
        browser.save_screenshot(str(tmp_path / "oversikt.png"))
        links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#rapporter a")]
        assert links == (["Excel", "PDF"] if soffice() else ["Excel"])
        download.click()
        report = _downloaded(downloads, ".xlsx")
    # The downloaded report's figures equal `vrapport build` on the same files.
    expected = tmp_path / "cli.xlsx"
    assert not build([EXAMPLES], PERIOD, expected, specs).blocked
    served, made = read_grids(report), read_grids(expected)
    assert served.keys() == made.keys()
    for sheet in made:
        assert served[sheet] == made[sheet], sheet
    economy = [row for row in served["2 Økonomi"] if any(v != "" for v in row)]
    assert len(economy) > 10


def test_the_departments_comment_on_the_board_is_set_as_the_note_above_it(
    browser, tmp_path: Path
) -> None:
    """On the board, a file sent again unchanged after a return has a note («Levert på nytt
    uendret …») and below it the department's comment: both small muted lines under the
    status, the comment not in a larger type than the note."""
    import httpx2
    from selenium.webdriver.common.by import By

    data = tmp_path / "data"
    tokens = make_tokens(data, ["hr"])
    controller = {"Authorization": f"Bearer {tokens.controller}"}
    hr = {"Authorization": f"Bearer {tokens.departments['hr']}"}
    book = (EXAMPLES / "hr.xlsx").read_bytes()
    submission = f"/api/periods/{P}/submissions/hr"
    with running_server(data) as url, httpx2.Client(base_url=url, timeout=120) as api:
        assert api.post(f"/api/periods/{P}", headers=controller).status_code == 201
        assert api.put(submission, content=book, headers=hr).status_code == 200
        back = api.post(submission + "/return", headers=controller, json={"comment": "Se B6."})
        assert back.status_code == 200
        why = {"comment": "Tallet i B6 er riktig; vi har sjekket det mot lønnssystemet."}
        again = api.put(submission, params=why, content=book, headers=hr)
        assert again.json()["same_as_returned"] is True
        browser.get(f"{url}/logg-inn?token={tokens.controller}")
        browser.get(f"{url}/perioder/{P}")
        note = browser.find_element(By.ID, "uendret-hr")
        said = browser.find_element(By.ID, "avdelingens-kommentar-hr")
        assert said.text == f"Avdelingens kommentar: «{why['comment']}»"
        browser.save_screenshot(str(tmp_path / "oversikt.png"))
        for style in ("font-size", "font-family", "color", "line-height"):
            assert said.value_of_css_property(style) == note.value_of_css_property(style), style
