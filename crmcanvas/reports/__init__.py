"""Figures and files made from a Canvas and its analysis: charts, snapshots, reports."""
