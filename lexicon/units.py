"""The units a quantity is declared in, and their factors to kilograms or litres."""

from __future__ import annotations

# In the order the declaration template and the importers list them.
UNITS = ("kg", "g", "t", "L", "gal", "mL")
# Kilograms per unit of mass.
MASS_UNITS = {"kg": 1.0, "g": 0.001, "t": 1000.0}
# Litres per unit of volume (converted to kg with the product's density). gal: the US
# gallon, the gallon of the Americas (solvents are sold by the gallon in the region).
VOLUME_UNITS = {"L": 1.0, "mL": 0.001, "gal": 3.785411784}
