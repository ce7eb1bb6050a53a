"""Local servers that speak real network protocols, for tests (bound to 127.0.0.1 only)."""
