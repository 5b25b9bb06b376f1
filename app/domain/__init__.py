"""Pure rules of incident management. No I/O; time always comes in as an argument."""
