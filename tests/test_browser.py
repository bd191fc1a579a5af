"""The web page in a real browser: Debian's chromium driven by Playwright, against a server on
loopback with the real model and the bundled corpus (slow). Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.service import Service
from tests.conftest import private_copy, serve_on_loopback

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def base_url(corpus_service: Service, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on loopback over a private copy of the real bundled-corpus index."""
    service = private_copy(corpus_service, tmp_path_factory.mktemp("browser") / "index")
    with serve_on_loopback(service) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (bash scripts/setup.sh --dev)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(base_url)
    yield pg
    context.close()
    assert not errors, errors


def _ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#question", question)
    page.press("#question", "Enter")  # the keyboard submits the form


def test_ask_cite_and_read_the_sentence_in_place(page) -> None:  # type: ignore[no-untyped-def]
    _ask(page, "What was the 2024 growth target?")
    page.wait_for_selector("#answer:not([hidden])", timeout=60_000)
    assert "7,5 - 8%" in page.inner_text("#short-answer")
    assert "7,5 - 8%" in page.inner_text("#answer-text")
    citations = page.locator("#citations li")
    assert citations.count() >= 1
    assert "7,5 - 8%" in page.inner_text("#citations li mark")
    page.screenshot(path=str(ARTIFACTS / "1-answer.png"), full_page=True)

    page.click("#answer-text a.cite-link >> nth=0")
    page.wait_for_selector("#doc-text mark#hl", timeout=30_000)
    highlighted = page.inner_text("#doc-text mark#hl")
    assert "7,5 - 8%" in highlighted
    assert page.locator("#doc-text mark#hl").is_visible()
    box = page.locator("#doc-text mark#hl").bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled into view
    page.screenshot(path=str(ARTIFACTS / "2-document.png"))


def test_not_found_state(page) -> None:  # type: ignore[no-untyped-def]
    _ask(page, "Giá vé xe buýt năm 2024 là bao nhiêu?")
    page.wait_for_selector("#ask-status[data-state='not-found']", timeout=60_000)
    assert "Không tìm thấy" in page.inner_text("#ask-status")
    assert page.locator("#answer").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "3-not-found.png"))


def test_upload_lists_the_file_then_delete(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    note = tmp_path / "thong-bao-thu.txt"
    note.write_text("THÔNG BÁO HỘI NGHỊ THỬ\n\nHội nghị thống nhất trồng 5.000 cây xanh trong năm 2025 "
                    "tại các quận nội thành.\n", encoding="utf-8")
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    page.click("nav a[data-view='documents']")
    page.wait_for_selector("#doc-table tbody tr")
    page.set_input_files("#files", [str(note), str(bad)])
    page.wait_for_selector("#upload-results li.ok", timeout=120_000)
    assert "thong-bao-thu.txt" in page.inner_text("#upload-results li.ok")
    assert "hong.pdf" in page.inner_text("#upload-results li.bad")  # errors shown per file
    page.wait_for_selector("#doc-table tbody tr >> text=THÔNG BÁO HỘI NGHỊ THỬ")
    page.screenshot(path=str(ARTIFACTS / "4-documents.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    row = page.locator("#doc-table tbody tr", has_text="THÔNG BÁO HỘI NGHỊ THỬ")
    row.locator("button").click()
    page.wait_for_selector("#doc-table tbody tr >> text=THÔNG BÁO HỘI NGHỊ THỬ", state="detached")


def test_search_english_labels_and_phone_width(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#lang")
    assert page.inner_text("nav a[data-view='search']") == "Search"
    page.click("nav a[data-view='search']")
    page.fill("#query", "tỷ lệ nợ xấu")
    page.press("#query", "Enter")
    page.wait_for_selector("#hits li")
    assert page.locator("#hits li").count() == 10
    page.set_viewport_size({"width": 390, "height": 800})
    page.click("nav a[data-view='ask']")
    _ask(page, "Tỷ lệ nợ xấu trên địa bàn thành phố đang ở mức nào?")
    page.wait_for_selector("#answer:not([hidden])", timeout=60_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=str(ARTIFACTS / "5-phone.png"), full_page=True)
