import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bhima_stock_add_inventory", {
    steps: () => [
        {
            content: "Open the 'Add an inventory' dialog",
            trigger: "button[name=action_bhima_add_inventory]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=name] input, .modal .o_field_widget[name=name] textarea",
            run: "edit Tour Quinine 300 mg",
        },
        {
            trigger: ".modal .o_field_widget[name=default_code] input",
            run: "edit TOUR-001",
        },
        {
            trigger: ".modal .o_field_widget[name=categ_id] input",
            run: "edit Test medicines",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Test medicines')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=uom_id] input",
            run: "edit Vial",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('Vial')",
            run: "click",
        },
        {
            content: "Save the new article",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The register lists it",
            trigger: ".o_list_view .o_data_row td:contains('Tour Quinine 300 mg')",
        },
    ],
});
