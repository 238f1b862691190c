{
    "name": "BHIMA Stock Management - Point of Sale",
    "summary": "Stock points: depots sold by points of sale in real time, with manual "
    "entries and exits, alerts, a stock tracking switch and parts per unit",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Inventory",
    "website": "https://github.com/bhima-odoo/bhima_stock",
    "author": "bhima_stock developers",
    "license": "LGPL-3",
    "depends": ["bhima_stock", "point_of_sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/bhima_stock_pos_rules.xml",
        "wizards/bhima_pos_stock_entry_views.xml",
        "wizards/bhima_pos_stock_exit_views.xml",
        "views/bhima_pos_stock_line_views.xml",
        "views/bhima_pos_stock_report_views.xml",
        "views/bhima_pos_stock_history_views.xml",
        "views/stock_warehouse_views.xml",
        "views/pos_config_views.xml",
        "views/product_template_views.xml",
        "views/bhima_stock_pos_menus.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "bhima_stock_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "bhima_stock_pos/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
