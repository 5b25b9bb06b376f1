"""The frozen bundle's entry point: the same `calmdesk` command as the installed console script."""

from ui.launcher import main

if __name__ == "__main__":
    raise SystemExit(main())
