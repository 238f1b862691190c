{
    "name": "BHIMA Stock Management - Purchases",
    "summary": "Supplier invoices move only what their receipts did not; entries from purchase orders",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Inventory",
    "website": "https://github.com/bhima-odoo/bhima_stock",
    "author": "bhima_stock developers",
    "license": "LGPL-3",
    "depends": ["bhima_stock", "purchase_stock"],
    "data": ["views/bhima_stock_movement_views.xml"],
    "auto_install": True,
    "installable": True,
}
