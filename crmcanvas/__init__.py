"""crmcanvas: keep a CRM project's Canevas Systémique honest."""

__version__ = "0.1.0"
