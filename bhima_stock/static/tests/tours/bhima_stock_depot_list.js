import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bhima_stock_restricted_depot_list", {
    steps: () => [
        {
            content: "The depot register lists the ward the nurse manages",
            trigger: ".o_list_view .o_data_row td:contains('Test Ward')",
        },
        {
            content: "... and no other depot",
            trigger: ".o_list_view .o_data_row",
            run() {
                const rows = [...document.querySelectorAll(".o_list_view .o_data_row")];
                if (rows.length !== 1 || rows.some((row) => row.textContent.includes("Central"))) {
                    throw new Error(`expected only the ward, got: ${rows.map((r) => r.textContent).join(" | ")}`);
                }
            },
        },
        {
            content: "Open the ward",
            trigger: ".o_list_view .o_data_row td:contains('Test Ward')",
            run: "click",
        },
        {
            content: "Its form shows the depot page",
            trigger: ".o_form_view .o_notebook a:contains('Depot')",
        },
    ],
});
