"""Functions run in the extractor pool's worker processes by the tests (importable there)."""

from __future__ import annotations

import os

from ingest.workers import PageInput, prepare

DIE = "<!-- kill the extracting process -->"


def prepare_or_die(page: PageInput):
    """``prepare``, except that a page holding ``DIE`` kills the process, as a crash in a C
    extension would (no exception, no cleanup)."""
    if DIE in page.text:
        os._exit(70)
    return prepare(page)


def prepare_elsewhere(page: PageInput):
    """``prepare``, refusing to run in the test process itself (``INGEST_TEST_PARENT``)."""
    if os.getpid() == int(os.environ["INGEST_TEST_PARENT"]):
        raise RuntimeError("prepared in the parent process, not in the pool")
    return prepare(page)
