"""``flask demo load``: the Meilong alliance from the seed articles, for trying the product."""
from __future__ import annotations


