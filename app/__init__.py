"""Calmdesk core: domain rules, storage and use cases. Never imports Qt or the UI."""

__version__ = "0.1.0"
