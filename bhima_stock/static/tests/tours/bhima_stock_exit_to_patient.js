import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bhima_stock_exit_to_patient", {
    steps: () => [
        {
            content: "New exit to a patient",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=depot_id] input",
            run: "edit Test Central",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Test Central Pharmacy')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Test Patient",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Test Patient')",
            run: "click",
        },
        {
            content: "Add a line",
            trigger: ".o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_field_widget[name=product_id] input",
            run: "edit Amoxicillin",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Amoxicillin')",
            run: "click",
        },
        {
            trigger: ".o_data_row .o_field_widget[name=quantity] input",
            run: "edit 3",
        },
        {
            content: "Propose the lots, first expiry first out",
            trigger: "button[name=action_propose_lots]",
            run: "click",
        },
        {
            trigger: ".o_data_row td:contains('TOUR-LOT')",
        },
        {
            content: "Validate",
            trigger: "button[name=action_validate]",
            run: "click",
        },
        {
            content: "The movement is done, with its BHIMA reference",
            trigger: ".o_field_widget[name=name]:contains('SM.9.')",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')",
        },
    ],
});
