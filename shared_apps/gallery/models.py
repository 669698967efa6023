"""Template gallery (public schema)."""
