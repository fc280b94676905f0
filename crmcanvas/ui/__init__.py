"""The only Streamlit code in the package: cached canvas, widgets, message catalogue."""
