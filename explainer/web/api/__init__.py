"""The developers' JSON API under /api/v1, its key auth and its OpenAPI document."""
