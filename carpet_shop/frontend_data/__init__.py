"""Moving a shop off the React app's local state: its users, branches, products, sales and
debts, imported once (POST /api/migrate/frontend-data)."""
