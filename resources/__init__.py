"""Package data: runbook templates, style sheets, icons. Located with importlib.resources so an
installed or frozen build finds them."""
