import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bhima_stock_count", {
    steps: () => [
        {
            content: "Start the count: the theoretical quantities are taken",
            trigger: "button[name=action_start]",
            run: "click",
        },
        {
            trigger: ".o_data_row td:contains('TOUR-A')",
        },
        {
            content: "Scan the lot TOUR-A twice",
            trigger: ".o_field_widget[name=scan] input",
            run: "edit TOUR-A",
        },
        {
            trigger: ".o_field_widget[name=scan] input",
            run: "press Enter",
        },
        {
            trigger: ".o_data_row:contains('TOUR-A') td[name=counted_qty]:contains('1.00')",
        },
        {
            trigger: ".o_field_widget[name=scan] input",
            run: "edit TOUR-A",
        },
        {
            trigger: ".o_field_widget[name=scan] input",
            run: "press Enter",
        },
        {
            trigger: ".o_data_row:contains('TOUR-A') td[name=counted_qty]:contains('2.00')",
        },
        {
            content: "Type the count of TOUR-B in the list",
            trigger: ".o_data_row:contains('TOUR-B') td[name=counted_qty]",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_field_widget[name=counted_qty] input",
            run: "edit 4",
        },
        {
            content: "Validate",
            trigger: "button[name=action_validate]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The count is validated",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Validated')",
        },
        {
            trigger: "button[name=action_print_result]",
        },
    ],
});
