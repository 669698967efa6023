"""catalog models (shop schema)."""
