"""Choosing the database: a local file, or a team PostgreSQL server, tested before use."""
