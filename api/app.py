"""The FastAPI application: `/ask`, `/search`, `/documents`, `/healthz`; OpenAPI at `/docs`.

``create_app(service)`` builds the app around one Service (built by the entry point); handlers
are thin: validation is in the schemas, behaviour in the service, errors mapped in one place.
"""

from __future__ import annotations

import hmac
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api.schemas import (
    ERRORS,
    HAS_WORD,
    AskRequest,
    AskResponse,
    DocumentDetail,
    DocumentSummary,
    IngestResponse,
    IngestSkip,
    SearchResponse,
    ask_response,
    document_summary,
    file_name,
    hit_out,
    passage_out,
)
from api.service import Service
from index.errors import HoinghiError, IngestError, NoIndexError, UnknownDocumentError
from ingest.read import READERS

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^\w.\- ]+")
_DIGITS = re.compile(r"[0-9]+")


def safe_upload_name(name: str | None) -> str:
    """A plain file name from a client's name: no directories, no traversal, no control chars."""
    base = Path((name or "").replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip(" .")
    return base or "upload"


def _status(exc: HoinghiError) -> int:
    if isinstance(exc, NoIndexError):
        return 503
    if isinstance(exc, UnknownDocumentError):
        return 404
    if isinstance(exc, IngestError):
        return 422
    return 500


def _given_key(request: Request) -> str | None:
    header = request.headers.get("x-api-key")
    if header:
        return header
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def create_app(service: Service) -> FastAPI:
    limits = service.settings.api
    app = FastAPI(
        title="hoinghi",
        version="1",
        responses=ERRORS,
        description="Cited question answering over Vietnamese conference records. When the server "
                    "has an API key, uploads and deletions (and, if configured, every read) need "
                    "it as `X-API-Key: KEY` or `Authorization: Bearer KEY`.",
    )
    if limits.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(limits.cors_origins),
                           allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["X-API-Key", "Authorization", "Content-Type"])

    def require_key(request: Request) -> None:
        if limits.api_key is None:
            return
        given = _given_key(request)
        if given is None or not hmac.compare_digest(given.encode(), limits.api_key.encode()):
            raise HTTPException(401, "this needs the server's API key (X-API-Key header)",
                                headers={"WWW-Authenticate": "Bearer"})

    def require_read_key(request: Request) -> None:
        if limits.protect_reads:
            require_key(request)

    write = [Depends(require_key)]
    read = [Depends(require_read_key)]
    max_upload = int(limits.max_upload_mb * 1e6)

    @app.middleware("http")
    async def body_limit(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """Refuse a body larger than the limit before reading it (uploads; 64 KB elsewhere)."""
        limit = max_upload if request.url.path == "/documents" else 65_536
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return JSONResponse({"detail": f"request body over the {limit / 1e6:g} MB limit"},
                                status_code=413)
        return await call_next(request)

    @app.exception_handler(HoinghiError)
    async def _hoinghi_error(request: Request, exc: HoinghiError) -> JSONResponse:
        detail = exc.message + (f" ({exc.remedy})" if exc.remedy else "")
        if isinstance(exc, NoIndexError):
            detail = f"no index yet ({exc.remedy})"  # the message names a server path
        return JSONResponse({"detail": detail}, status_code=_status(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"detail": "internal error (see the server log)"}, status_code=500)

    def passage_counts() -> dict[str, int]:
        counts: dict[str, int] = {}
        for p in service.snapshot.passages:
            counts[p.document_id] = counts.get(p.document_id, 0) + 1
        return counts

    static = Path(__file__).resolve().parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The web page: ask, search, read cited passages in place, manage documents."""
        return FileResponse(static / "index.html")

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        """Liveness and what is loaded; 200 even before the first ingest."""
        ready = service.store.exists()
        out: dict[str, object] = {"status": "ok", "index": ready, "model": service.settings.model.name}
        if ready:
            snap = service.snapshot
            # Whether English questions are re-ranked by token states (README "Token re-ranking").
            out.update(documents=len(snap.documents), passages=len(snap.passages),
                       token_reranking=service.loaded.retriever.reranks)
        return out

    @app.post("/ask", response_model=AskResponse, dependencies=read)
    def ask(request: AskRequest) -> AskResponse:
        """Answer a question from the records, citing the supporting sentences."""
        started = time.perf_counter()
        ids = set(request.document_ids) if request.document_ids is not None else None
        answer = service.ask(request.question, top_k=request.top_k, document_ids=ids)
        return ask_response(answer, 1000 * (time.perf_counter() - started))

    @app.get("/search", response_model=SearchResponse, dependencies=read)
    def search(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=1000, pattern=HAS_WORD,
                                description="question or keywords")],
        k: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> SearchResponse:
        """Passages that best match the query (hybrid dense + BM25)."""
        written = request.query_params.get("k")
        if written is not None and not _DIGITS.fullmatch(written):
            # Pydantic reads " 1" (a no-break space before it) or "+1" as 1: the schema says integer.
            raise RequestValidationError([{"type": "int_parsing", "loc": ("query", "k"),
                                           "msg": "k must be written as digits only", "input": written}])
        hits, docs = service.search_with_documents(q, k=k)
        return SearchResponse(query=q, hits=[hit_out(h, docs[h.passage.document_id]) for h in hits])

    @app.get("/documents", response_model=list[DocumentSummary], dependencies=read)
    def documents() -> list[DocumentSummary]:
        if not service.store.exists():
            return []  # nothing indexed yet: an empty list, so the page can offer the upload
        counts = passage_counts()
        return [document_summary(d, counts.get(d.id, 0)) for d in service.documents()]

    @app.get("/documents/{document_id}", response_model=DocumentDetail, dependencies=read)
    def document(document_id: str) -> DocumentDetail:
        doc = service.snapshot.documents.get(document_id)
        if doc is None:
            raise HTTPException(404, f"no document with id {document_id}")
        passages = [p for p in service.snapshot.passages if p.document_id == document_id]
        return DocumentDetail(document=document_summary(doc, len(passages)), text=doc.text,
                              passages=[passage_out(p) for p in passages])

    @app.post("/documents", response_model=IngestResponse, dependencies=write)
    def upload(files: Annotated[list[UploadFile], File(description=".txt .md .docx .pdf")]) -> JSONResponse:
        """Upload and ingest files; each is reported as added, unchanged or skipped (with why)."""
        uploads = service.settings.index_dir / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        skipped: list[IngestSkip] = []
        saved: list[Path] = []
        for f in files:
            name = safe_upload_name(f.filename)
            if Path(name).suffix.lower() not in READERS:
                skipped.append(IngestSkip(source=name, reason=(
                    f"unsupported file type; use one of {', '.join(sorted(READERS))}")))
                continue
            folder = Path(tempfile.mkdtemp(prefix="up-", dir=uploads))
            target = folder / name
            written = 0
            with target.open("wb") as out:
                while chunk := f.file.read(1 << 20):
                    written += len(chunk)
                    if written > max_upload:
                        break
                    out.write(chunk)
            if written > max_upload:
                shutil.rmtree(folder, ignore_errors=True)
                skipped.append(IngestSkip(source=name, reason=(
                    f"larger than the {limits.max_upload_mb:g} MB upload limit")))
                continue
            saved.append(target)
        report = service.ingest(saved) if saved else None
        kept = {source for source, _, _ in (report.added if report else [])}
        for path in saved:
            if str(path) not in kept:  # unchanged or skipped: the copy is not needed
                shutil.rmtree(path.parent, ignore_errors=True)
        counts = passage_counts() if report and report.added else {}
        docs = service.snapshot.documents if report and report.added else {}
        added = [document_summary(docs[doc_id], counts.get(doc_id, 0))
                 for _, doc_id, _ in (report.added if report else []) if doc_id in docs]
        if report:
            skipped += [IngestSkip(source=file_name(s), reason=_strip_paths(r, uploads))
                        for s, r in report.skipped]
        unchanged = [file_name(s) for s in (report.unchanged if report else [])]
        warnings = [IngestSkip(source=file_name(s), reason=w) for s, w in (report.warnings if report else [])]
        body = IngestResponse(added=added, unchanged=unchanged, skipped=skipped, warnings=warnings)
        status = 201 if added else (200 if body.unchanged else 422)
        return JSONResponse(body.model_dump(), status_code=status)

    @app.delete("/documents/{document_id}", dependencies=write)
    def delete(document_id: str) -> dict[str, str]:
        if document_id not in service.snapshot.documents:
            raise HTTPException(404, f"no document with id {document_id}")
        service.remove({document_id})
        return {"removed": document_id}

    return app


def _strip_paths(reason: str, root: Path) -> str:
    """Error text without the server's directories."""
    return re.sub(re.escape(str(root)) + r"/[^/\s]+/", "", reason)
