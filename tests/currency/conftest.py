from tests.two_branches import Shop, shop

__all__ = ["Shop", "shop"]
