"""The main window's parts, one concern a file: its menus and toolbar, the incident editor's dock,
the windows and dialogs its menus open. `ui/main_window.py` puts them together."""
