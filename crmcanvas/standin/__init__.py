"""A local stand-in for the Google Sheets API v4, for tests and offline demos.

It answers the calls crmcanvas (through the real gspread client) makes, with
the response shapes recorded from Google: ``GET spreadsheets/{id}``,
``values/{range}`` (GET, PUT, ``:append``, ``:clear``), ``values:batchGet``,
``values:batchUpdate``, the ``…ByDataFilter`` pair, and ``:batchUpdate`` with
``addSheet``, ``deleteSheet``, ``updateSheetProperties`` (frozen rows included),
row insert/delete, row developer metadata, and what ``crmcanvas init`` sends:
``updateCells``, ``setDataValidation``, ``addProtectedRange``,
``appendDimension`` (:mod:`crmcanvas.standin.structure`; ``spreadsheets.get``
returns grid data with the validations). Run it with ``python -m crmcanvas.standin``.

    with StandIn() as standin:
        key = standin.add_spreadsheet({"besoins": [["ID", "Besoin"], ["B1", "…"]]})
        settings = Settings(sheets_endpoint=standin.endpoint)
"""

from crmcanvas.standin.model import ApiError, Mutation, Store
from crmcanvas.standin.server import Fault, LoggedRequest, StandIn
from crmcanvas.standin.xlsx import load_xlsx

DEMO_SPREADSHEET_ID = "crmcanvas-demo-standin-0000000001"

__all__ = ["DEMO_SPREADSHEET_ID", "ApiError", "Fault", "LoggedRequest", "Mutation", "StandIn", "Store", "load_xlsx"]
