"""One module per area of the app; each has a `router`."""

from uncounted.web.pages import (
    admin,
    dashboard,
    estimates,
    linkage,
    lists,
    login,
    records,
    report,
    testimony,
)

MODULES = (login, dashboard, lists, records, linkage, estimates, testimony, admin, report)
