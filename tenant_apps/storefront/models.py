"""storefront models (shop schema)."""
