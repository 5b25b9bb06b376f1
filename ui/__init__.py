"""The PySide6 console. Talks to app.services, never to SQL."""
