"""News ingestion and figure verification."""

__version__ = "0.1.0"
