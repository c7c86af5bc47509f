"""The web pages: the home page (an API key prompt, then the tenant's courses), a practice
page and a dashboard per course. Static files shipped in the package; they read the API
with the key the browser keeps, and load nothing from elsewhere."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).with_name("static")
router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html")


@router.get("/")
def home() -> FileResponse:
    """The home page: no data without a valid key."""
    return _page("index.html")


@router.get("/practice")
def practice() -> FileResponse:
    """Practise a course (``?course=NAME``; the demo course by default)."""
    return _page("practice.html")


@router.get("/dashboard/{course}")
def dashboard(course: str) -> FileResponse:
    """A course's dashboard."""
    return _page("dashboard.html")


@router.get("/docs")
def docs() -> FileResponse:
    """The API reference, drawn from /openapi.json (no external assets)."""
    return _page("api.html")


def mount_static(app: FastAPI) -> None:
    """Serve the pages' CSS and scripts under ``/static``."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
