"""Alembic migrations, packaged so ``Store.upgrade()`` and ``explainer db upgrade`` find them."""
