from __future__ import annotations

from alembic import context

from api.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - migrations are run through api.db.migrate
    raise RuntimeError("run migrations with api.db.migrate(engine)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
