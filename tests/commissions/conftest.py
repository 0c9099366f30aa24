from tests.shop import shop

__all__ = ["shop"]
