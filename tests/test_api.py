"""The HTTP contract of `/ask`, `/search`, `/documents`, `/healthz` (fake embedder, in process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app, safe_upload_name
from api.service import Service
from tests.conftest import CORPUS, FakeEmbedder, fake_settings

ASK_FIELDS = {"question", "answer", "short_answer", "found", "language", "citations", "elapsed_ms"}
CITATION_FIELDS = {"n", "document_id", "title", "source", "page", "section", "text", "sentence",
                   "start", "end", "score"}
HIT_FIELDS = {"document_id", "title", "source", "page", "section", "text", "start", "end", "score"}


@pytest.fixture
def client(fake_service: Service) -> TestClient:
    return TestClient(create_app(fake_service), raise_server_exceptions=False)


def test_ask_returns_the_published_contract(client: TestClient) -> None:
    r = client.post("/ask", json={"question": "Chỉ số sản xuất công nghiệp năm 2023 tăng bao nhiêu?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= ASK_FIELDS
    assert body["found"] and body["short_answer"] == "4,6%" and body["language"] == "vi"
    cite = body["citations"][0]
    assert set(cite) >= CITATION_FIELDS
    text = client.get(f"/documents/{cite['document_id']}").json()["text"]
    assert text[cite["start"]:cite["end"]] == cite["sentence"]
    assert cite["sentence"] in cite["text"]
    assert "/" not in cite["source"]  # a file name, never a server path


def test_ask_can_be_restricted_to_documents(client: TestClient) -> None:
    docs = client.get("/documents").json()
    only = docs[0]["id"]
    body = client.post("/ask", json={"question": "tăng trưởng GRDP bao nhiêu", "document_ids": [only]}).json()
    assert all(c["document_id"] == only for c in body["citations"])


def test_ask_restricted_to_an_unknown_document_is_404_naming_it(client: TestClient) -> None:
    only = client.get("/documents").json()[0]["id"]
    r = client.post("/ask", json={"question": "tăng trưởng GRDP bao nhiêu", "document_ids": [only, "nope"]})
    assert r.status_code == 404
    assert "'nope'" in r.json()["detail"] and only not in r.json()["detail"]
    # No documents at all is a question about nothing: not found, not an error.
    body = client.post("/ask", json={"question": "tăng trưởng GRDP bao nhiêu", "document_ids": []}).json()
    assert body["found"] is False and body["citations"] == []


@pytest.mark.parametrize("question", ["", "   ", "?!…", "x" * 1001])
def test_bad_questions_are_422_with_a_message(client: TestClient, question: str) -> None:
    r = client.post("/ask", json={"question": question})
    assert r.status_code == 422
    assert r.json()["detail"]


def test_search_returns_hits(client: TestClient) -> None:
    r = client.get("/search", params={"q": "tăng trưởng GRDP", "k": 3})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert len(hits) == 3 and set(hits[0]) >= HIT_FIELDS
    assert client.get("/search", params={"q": ""}).status_code == 422
    for k in ("\u00a01", " 3", "+3", "3.0", "0", "101", "drei"):  # k is digits, 1 to 100
        r = client.get("/search", params={"q": "tăng trưởng", "k": k})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "k"], k


def test_documents_list_detail_and_unknown_id(client: TestClient) -> None:
    docs = client.get("/documents").json()
    assert {d["name"] for d in docs} == {p.stem for p in CORPUS.iterdir()}
    detail = client.get(f"/documents/{docs[0]['id']}").json()
    assert detail["document"]["id"] == docs[0]["id"]
    p = detail["passages"][0]
    assert detail["text"][p["start"]:p["end"]] == p["text"]
    assert client.get("/documents/0000000000000000").status_code == 404
    assert client.delete("/documents/0000000000000000").status_code == 404


def test_upload_then_delete(client: TestClient) -> None:
    content = ("THÔNG BÁO HỘI NGHỊ THỬ NGHIỆM\n\nHội nghị thống nhất mục tiêu trồng 5.000 cây xanh "
               "trong năm 2025 tại các quận nội thành.\n").encode()
    r = client.post("/documents", files=[("files", ("../../thu-nghiem.txt", content, "text/plain")),
                                         ("files", ("virus.exe", b"MZ", "application/octet-stream"))])
    assert r.status_code == 201, r.text
    body = r.json()
    assert [d["name"] for d in body["added"]] == ["thu-nghiem"]
    assert body["skipped"][0]["source"] == "virus.exe" and "unsupported" in body["skipped"][0]["reason"]
    new_id = body["added"][0]["id"]
    assert new_id in {d["id"] for d in client.get("/documents").json()}
    again = client.post("/documents", files=[("files", ("copy.txt", content, "text/plain"))])
    assert again.status_code == 200 and again.json()["unchanged"] == ["copy.txt"]
    assert client.delete(f"/documents/{new_id}").json() == {"removed": new_id}
    assert client.get(f"/documents/{new_id}").status_code == 404


def test_an_unreadable_upload_is_422_and_changes_nothing(client: TestClient) -> None:
    before = client.get("/documents").json()
    r = client.post("/documents", files=[("files", ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf"))])
    assert r.status_code == 422
    assert r.json()["skipped"][0]["source"] == "broken.pdf"
    assert "/tmp" not in r.text
    assert client.get("/documents").json() == before


def test_no_index_is_503_naming_the_remedy(tmp_path: Path) -> None:
    service = Service(fake_settings(tmp_path / "empty"), FakeEmbedder())
    c = TestClient(create_app(service), raise_server_exceptions=False)
    assert c.get("/healthz").json()["index"] is False
    assert c.get("/documents").json() == []
    r = c.post("/ask", json={"question": "tăng trưởng?"})
    assert r.status_code == 503
    assert "hoinghi ingest" in r.json()["detail"] and str(tmp_path) not in r.text


def test_unexpected_errors_are_500_without_a_trace(
        fake_service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret /internal/path")

    monkeypatch.setattr(fake_service, "ask", boom)
    client = TestClient(create_app(fake_service), raise_server_exceptions=False)
    r = client.post("/ask", json={"question": "a b"})
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text


def test_healthz_and_openapi(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["documents"] == 2 and health["passages"] > 0
    assert health["token_reranking"] is False  # the fake embedder gives no token states
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/ask", "/search", "/documents", "/documents/{document_id}", "/healthz"} <= set(paths)


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd.txt", "passwd.txt"), ("..\\..\\boot.ini.txt", "boot.ini.txt"),
    ("", "upload"), ("..", "upload"), ("a/b/c.docx", "c.docx"), ("thông báo.pdf", "thông báo.pdf"),
])
def test_upload_names_cannot_escape(raw: str, safe: str) -> None:
    assert safe_upload_name(raw) == safe


def _keyed(fake_service: Service, **api: object) -> TestClient:
    from dataclasses import replace

    settings = fake_service.settings
    keyed = Service(replace(settings, api=replace(settings.api, **api)), fake_service.embedder)
    return TestClient(create_app(keyed), raise_server_exceptions=False)


def test_writes_need_the_api_key_when_one_is_set(fake_service: Service) -> None:
    client = _keyed(fake_service, api_key="s3cret")
    doc_id = client.get("/documents").json()[0]["id"]
    assert client.delete(f"/documents/{doc_id}").status_code == 401
    assert client.delete(f"/documents/{doc_id}", headers={"X-API-Key": "wrong"}).status_code == 401
    files = [("files", ("a.txt", "Hội nghị thống nhất mục tiêu năm 2025.".encode(), "text/plain"))]
    assert client.post("/documents", files=files).status_code == 401
    bearer = {"Authorization": "Bearer s3cret"}
    assert client.post("/documents", files=files, headers=bearer).status_code == 201
    assert client.delete(f"/documents/{doc_id}", headers={"X-API-Key": "s3cret"}).status_code == 200
    assert client.post("/ask", json={"question": "tăng trưởng bao nhiêu"}).status_code == 200  # reads open


def test_reads_can_be_keyed_too(fake_service: Service) -> None:
    client = _keyed(fake_service, api_key="s3cret", protect_reads=True)
    assert client.get("/search", params={"q": "tăng trưởng"}).status_code == 401
    keyed = client.get("/search", params={"q": "tăng trưởng"}, headers={"X-API-Key": "s3cret"})
    assert keyed.status_code == 200
    assert client.get("/healthz").status_code == 200


def test_upload_and_body_limits(fake_service: Service) -> None:
    client = _keyed(fake_service, max_upload_mb=0.001)
    big = [("files", ("big.txt", b"x" * 5000, "text/plain"))]
    r = client.post("/documents", files=big)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    r = client.post("/ask", content=b'{"question": "' + b"a " * 40_000 + b'"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_cors_is_off_unless_origins_are_configured(fake_service: Service, client: TestClient) -> None:
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/ask", headers=preflight).headers
    allowed = _keyed(fake_service, cors_origins=("https://example.org",))
    r = allowed.options("/ask", headers=preflight)
    assert r.headers["access-control-allow-origin"] == "https://example.org"


def test_serve_refuses_a_public_address_without_a_key(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "HOINGHI_INDEX_DIR": str(tmp_path / "i")}
    env.pop("HOINGHI_API_KEY", None)
    command = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host", "0.0.0.0"]
    r = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1 and "without an API key" in r.stderr and "HOINGHI_API_KEY" in r.stderr
