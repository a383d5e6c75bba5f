#!/usr/bin/env python3
"""Prints `timeline view portfolio` (JSON on stdin) as a table a person can scan."""
import json
import sys


def money(totals):
    """'1,234,567.89 EUR' for each currency, minor units / 100."""
    return " ".join(f"{int(t['minorUnits']) / 100:,.2f} {t['currency']}" for t in totals) or "0"


view = json.load(sys.stdin)
row = "{:<14} {:<34} {:>20} {:>20} {:>20}  {}"
print(row.format("manager", "account", "ordered", "receivable", "overdue", "flags"))
for manager in view.get("managers", []):
    for account in manager.get("accounts", []):
        print(row.format(manager["manager"], account["name"][:34], money(account.get("ordered", [])),
                         money(account.get("receivable", [])),
                         money(account.get("overdueReceivable", [])),
                         ", ".join(account.get("flags", []))))
