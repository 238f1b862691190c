{
    "name": "BHIMA Stock Management - Sales",
    "summary": "Invoices from sales orders move only what their deliveries did not",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Inventory",
    "website": "https://github.com/bhima-odoo/bhima_stock",
    "author": "bhima_stock developers",
    "license": "LGPL-3",
    "depends": ["bhima_stock", "sale_stock"],
    "auto_install": True,
    "installable": True,
}
