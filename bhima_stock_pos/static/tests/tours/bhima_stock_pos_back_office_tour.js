import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bhima_stock_pos_back_office", {
    steps: () => [
        {
            content: "Create a stock point",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour Snack Bar",
        },
        {
            content: "Choose its point of sale",
            trigger: ".o_field_widget[name=bhima_pos_config_ids] input",
            run: "edit Tour Till",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Tour Till')",
            run: "click",
        },
        {
            content: "Save: stock reloads the web client after a warehouse is saved",
            trigger: ".o_form_button_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Enter its initial stock",
            trigger: "button[name=action_bhima_pos_entry]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=kind] input[data-value=initial]:checked",
        },
        {
            trigger: ".modal .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=product_id] input",
            run: "edit Test Water",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Test Water 50 cl')",
            run: "click",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=unit_price] input",
            run: "edit 0.35",
        },
        {
            trigger: ".modal .o_data_row .o_field_widget[name=quantity] input",
            run: "edit 12",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The entry is a validated BHIMA movement of flux 13",
            trigger: ".o_field_widget[name=name]:contains('SM.13.')",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
        {
            content: "Back to the stock point",
            trigger: ".breadcrumb-item a:contains('Tour Snack Bar')",
            run: "click",
        },
        {
            trigger: "button[name=action_bhima_pos_current_stock]",
            run: "click",
        },
        {
            content: "The current stock shows the article",
            trigger: ".o_data_row:contains('Test Water 50 cl'):contains('12 Units')",
        },
        {
            content: "Take one out: breakage",
            trigger: ".o_data_row:contains('Test Water 50 cl') button[name=action_exit]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=quantity] input",
            run: "edit 2",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name]:contains('SM.11.')",
        },
    ],
});
