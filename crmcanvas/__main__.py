"""``python -m crmcanvas.cli`` (and ``python -m crmcanvas``): the same commands as the ``crmcanvas`` script."""

from crmcanvas.cli import main

raise SystemExit(main())
