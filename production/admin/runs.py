"""Admin for production and assembly runs (read-only ledgers)."""
