"""The director's bulk work on products: prices, deletes and transfers of many at once."""
