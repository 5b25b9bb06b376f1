"""The incident queue: the model over cached rows, its view, quick filters and search."""
