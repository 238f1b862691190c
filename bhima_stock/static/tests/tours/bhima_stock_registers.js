import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bhima_stock_registers", {
    steps: () => [
        {
            content: "The stock status lists the article in the depot",
            trigger: ".o_data_row td[name=product_id]:contains('Amoxicillin')",
        },
        {
            trigger: ".o_data_row td[name=status]:contains('Unused Stock')",
        },
        {
            content: "Open its stock sheet from the row",
            trigger: ".o_data_row button[name=action_open_stock_sheet]",
            run: "click",
        },
        {
            content: "The stock sheet shows the entry and the exit with the running balance",
            trigger: ".o_field_widget[name=line_ids] .o_data_row td[name=reference]:contains('SM.1.')",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row td[name=balance]:contains('7.00')",
        },
        {
            trigger: ".o_field_widget[name=closing_quantity]:contains('7.00')",
        },
        {
            content: "Back to the lot register",
            trigger: ".o_menu_sections button:contains('Registers'), .o_menu_sections a:contains('Registers')",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Lot Register')",
            run: "click",
        },
        {
            content: "The lot is listed with its expiration date and quantity",
            trigger: ".o_data_row td[name=lot_id]:contains('TOUR-REG')",
        },
        {
            trigger: ".o_data_row td[name=quantity]:contains('7.00')",
        },
    ],
});
