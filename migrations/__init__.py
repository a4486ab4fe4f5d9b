"""Alembic migration environment (installed as ptdesk_migrations)."""
