"""Reports an accountant opens: sales, inventory, debts and profit as JSON, CSV or XLSX."""
