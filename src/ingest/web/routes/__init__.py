"""Routes: ``pages`` (HTML) and ``api`` (JSON under /api), thin over the library."""
