"""Schema, text rules, findings, the Canvas and settings: what every other layer stands on."""
