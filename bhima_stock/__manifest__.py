{
    "name": "BHIMA Stock Management",
    "summary": "Hospital stock management in the BHIMA way: depots, lots, "
    "fluxes, registers, and commercial documents that move stock",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Inventory",
    "website": "https://github.com/bhima-odoo/bhima_stock",
    "author": "bhima_stock developers",
    "license": "LGPL-3",
    "depends": ["stock_account", "product_expiry"],
    "data": [
        "security/bhima_stock_security.xml",
        "security/ir.model.access.csv",
        "security/bhima_stock_rules.xml",
        "data/bhima_inventory_type_data.xml",
        "data/uom_uom_data.xml",
        "views/bhima_inventory_type_views.xml",
        "views/product_category_views.xml",
        "views/uom_uom_views.xml",
        "views/product_template_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/stock_warehouse_views.xml",
        "views/bhima_stock_menus.xml",
    ],
    "demo": [
        "data/bhima_stock_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "bhima_stock/static/tests/tours/*.js",
        ],
    },
    "application": True,
    "installable": True,
}
