"""The demo catalog: every category, both kinds, several collections and sizes per branch, so
the drill-down (category → collection → width → height) has something to show. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from carpet_shop.branches.models import Branch
from carpet_shop.catalog import master
from carpet_shop.catalog import service as catalog_service
from carpet_shop.catalog.models import Category, Product, ProductType
from carpet_shop.catalog.schemas import CollectionCreate, ProductCreate, SizeCreate
from carpet_shop.core.actor import Actor
from carpet_shop.core.clock import Clock
from carpet_shop.core.pagination import PageParams

COLLECTIONS = [
    ("Lara", "🌸"),
    ("Emili", "🌿"),
    ("Melord", "👑"),
    ("Mashad", "🕌"),
    ("Izmir", "🌊"),
    ("Isfahan", "🏛"),
    ("Prestige", "💎"),
    ("Sultan", "🦁"),
]
# Offered for every collection: pieces (dona), ovals, prayer rugs, and cuts from rolls.
SIZES = [
    "0.8×1.2",
    "1×1.5",
    "1×2",
    "1.5×2.25",
    "1.6×2.3",
    "2×3",
    "2×4",
    "2.5×3.5",
    "3×4",
    "3×5",
    "4×6",
]

U, M = ProductType.UNIT, ProductType.METER
G, P, J, MT, OV, K = (
    Category.GILAMLAR,
    Category.PALOSLAR,
    Category.JOYNAMOZLAR,
    Category.METRAJLAR,
    Category.OVALNIY,
    Category.KOVRIY,
)


@dataclass(frozen=True)
class DemoProduct:
    branch: str
    name: str
    category: Category
    collection: str
    type: ProductType
    sizes: tuple[str, ...]
    buy: str
    sell: str
    stock: str  # pieces, or metres of roll


CH, SE, YU = "Chilonzor filiali", "Sergeli filiali", "Yunusobod filiali"
PRODUCTS = [
    DemoProduct(CH, "Lara bej gilam", G, "Lara", U, ("2×3", "3×4"), "1200000", "1650000", "6"),
    DemoProduct(CH, "Lara qizil gilam", G, "Lara", U, ("2×4",), "1350000", "1800000", "3"),
    DemoProduct(CH, "Emili klassik", G, "Emili", U, ("2×3",), "950000", "1300000", "0"),
    DemoProduct(
        CH, "Qo‘qon naqshli gilam", G, "Mashad", U, ("3×4", "3×5"), "2100000", "2900000", "4"
    ),
    DemoProduct(CH, "Melord palos", P, "Melord", U, ("2×3",), "700000", "980000", "5"),
    DemoProduct(CH, "Sultan joynamoz", J, "Sultan", U, ("0.8×1.2",), "120000", "180000", "25"),
    DemoProduct(CH, "Izmir oval", OV, "Izmir", U, ("1.6×2.3",), "800000", "1100000", "2"),
    DemoProduct(CH, "Prestige kovrik", K, "Prestige", U, ("1×1.5",), "150000", "220000", "12"),
    DemoProduct(CH, "Lara metraj 3 m", MT, "Lara", M, ("3×4", "3×5"), "180000", "250000", "45"),
    DemoProduct(CH, "Emili metraj 2 m", MT, "Emili", M, ("2×3", "2×4"), "140000", "195000", "8.5"),
    DemoProduct(SE, "Lara bej gilam", G, "Lara", U, ("2×3", "3×4"), "1200000", "1650000", "2"),
    DemoProduct(SE, "Isfahan ipak gilam", G, "Isfahan", U, ("2.5×3.5",), "3200000", "4400000", "3"),
    DemoProduct(SE, "Mashad gilam", G, "Mashad", U, ("3×4",), "1900000", "2600000", "1"),
    DemoProduct(SE, "G‘ijduvon palos", P, "Emili", U, ("2×3", "2×4"), "650000", "900000", "7"),
    DemoProduct(SE, "Mashad joynamoz", J, "Mashad", U, ("0.8×1.2",), "110000", "165000", "15"),
    DemoProduct(SE, "Melord oval", OV, "Melord", U, ("1.6×2.3",), "750000", "1050000", "0"),
    DemoProduct(SE, "Izmir metraj 4 m", MT, "Izmir", M, ("4×6",), "210000", "290000", "30"),
    DemoProduct(YU, "Sultan shoh gilam", G, "Sultan", U, ("3×4", "4×6"), "4100000", "5600000", "2"),
    DemoProduct(YU, "Prestige gilam", G, "Prestige", U, ("2×3",), "1500000", "2050000", "5"),
    DemoProduct(YU, "Isfahan palos", P, "Isfahan", U, ("1.5×2.25",), "500000", "720000", "6"),
    DemoProduct(YU, "Lara kovrik", K, "Lara", U, ("1×1.5", "1×2"), "130000", "190000", "20"),
    DemoProduct(YU, "Prestige oval", OV, "Prestige", U, ("1.6×2.3",), "900000", "1250000", "3"),
    DemoProduct(YU, "Sultan metraj 3 m", MT, "Sultan", M, ("3×4",), "230000", "320000", "60"),
    DemoProduct(YU, "Melord metraj 1.5 m", MT, "Melord", M, ("1.5×2.25",), "95000", "135000", "4"),
]


def seed_catalog(
    session: Session, clock: Clock, admin: Actor, branches: dict[str, Branch]
) -> list[Product]:
    """Every demo product, those made now and those already there (for the sales seed)."""
    everything = PageParams(page_size=200)
    existing_collections, _ = master.list_collections(session, everything)
    collections = {c.name: c for c in existing_collections}
    for name, icon in COLLECTIONS:
        if name not in collections:
            collections[name] = master.create_collection(
                session, admin, clock, CollectionCreate(name=name, icon=icon)
            )
    existing_sizes, _ = master.list_sizes(session, everything)
    known_sizes = {s.size for s in existing_sizes if s.collection_id is None}
    for size in SIZES:
        if size not in known_sizes:
            master.create_size(session, admin, clock, SizeCreate(size=size))
    have = {(p.branch_id, p.name): p for p in catalog_service.live_products(session)}
    demo_products = []
    for item in PRODUCTS:
        branch = branches[item.branch]
        if (branch.id, item.name) in have:
            demo_products.append(have[(branch.id, item.name)])
            continue
        stock = Decimal(item.stock)
        amounts = (
            {"quantity": int(stock)} if item.type == ProductType.UNIT else {"total_length": stock}
        )
        data = ProductCreate(
            name=item.name,
            category=item.category,
            collection=item.collection,
            type=item.type,
            buy_price=Decimal(item.buy),
            sell_price=Decimal(item.sell),
            available_sizes=list(item.sizes),
            branch_id=branch.id,
            **amounts,
        )
        demo_products.append(catalog_service.create_product(session, admin, clock, data))
    return demo_products
