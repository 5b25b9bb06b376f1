"""The outside world: files, secrets, notifications, webhooks, importers and exporters."""
