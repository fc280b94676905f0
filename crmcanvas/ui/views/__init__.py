"""Streamlit pieces of the content pages (Enjeux, Besoins, Données, Applications, Parties prenantes).

One module per page; :mod:`.common` holds what they share (their words, the
cache of what they compute, the gap cards). The logic they draw lives in
``crmcanvas.analysis`` and ``crmcanvas.reports`` and is tested without Streamlit.
"""
