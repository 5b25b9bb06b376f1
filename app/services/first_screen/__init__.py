"""The console's first screen, read with the database driver alone (sqlite3), before SQLAlchemy
and the rest of the console are imported: see read.py."""
