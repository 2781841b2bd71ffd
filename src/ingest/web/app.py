"""The application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from ingest import errors
from ingest.config import Settings
from ingest.db import get_engine
from ingest.web.deps import CSRFError, LoginRequired
from ingest.web.security import SecurityHeaders
from ingest.web.templating import templates

HERE = Path(__file__).parent


def create_app(settings: Settings) -> FastAPI:
    """The workspace over ``settings.database_url`` (tables created if missing)."""
    from ingest.web.routes import api, pages

    app = FastAPI(
        title="ingest: reviewers' workspace",
        summary="The flagged-figures review queue: items, actions, events, articles, exports.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not here
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = get_engine(settings.database_url)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    _error_handlers(app)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, message: str):
    item_id = request.path_params.get("item_id")
    back = f"/items/{item_id}" if item_id else "/queue"
    return templates.TemplateResponse(
        request, "error.html",
        {"title": title, "message": message, "back": back,
         "user": getattr(request.state, "user", None)},
        status_code=status,
    )


def _error_handlers(app: FastAPI) -> None:
    statuses = [
        (errors.NotFoundError, 404, "Not found"),
        (errors.AuthenticationError, 401, "Not logged in"),
        (CSRFError, 403, "Refused"),
        (errors.ReviewError, 409, "Refused"),
        (errors.AccountError, 400, "Refused"),
    ]
    for exc_class, status, title in statuses:
        def handler(request: Request, exc: Exception, status=status, title=title):
            if _is_api(request):
                return JSONResponse({"detail": str(exc)}, status_code=status)
            return _error_page(request, status, title, str(exc))

        app.add_exception_handler(exc_class, handler)

    async def login_required(request: Request, exc: LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)

    async def bad_request(request: Request, exc: RequestValidationError):
        if _is_api(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
        )
        return _error_page(request, 422, "Bad request", problems)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(RequestValidationError, bad_request)


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
