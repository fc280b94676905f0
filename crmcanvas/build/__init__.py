"""From raw grids to a Canvas: load, resolve references, parse stories, whole-canvas findings, the live feed."""
