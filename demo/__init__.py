"""A realistic fictional country to demonstrate, test and benchmark Vigía."""

from demo.bulk import BulkDeclarations, generate_bulk_declarations
from demo.country import DemoCountry, generate_country

__all__ = ["BulkDeclarations", "DemoCountry", "generate_bulk_declarations", "generate_country"]
