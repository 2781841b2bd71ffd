"""The reviewers' workspace: server-rendered pages and a JSON API over the review queue.

``create_app(settings)`` builds the FastAPI application; nothing is connected at import time.
Pages (``routes/pages.py``) and the API (``routes/api.py``) are thin: both call the same
library functions (``ingest.review``, ``ingest.store``, ``ingest.export``, ``ingest.accounts``).
"""

from ingest.web.app import create_app

__all__ = ["create_app"]
