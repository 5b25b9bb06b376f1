"""Storage: typed SQLAlchemy models, engines and sessions, Alembic migrations, the change feed."""
