"""Small modal dialogs for queue actions."""
