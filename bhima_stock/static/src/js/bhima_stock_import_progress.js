import { registry } from "@web/core/registry";
import { _t } from "@web/core/l10n/translation";

/**
 * Progress of a large stock import: the server reports how many rows it has
 * checked or applied (bus notification "bhima_stock_import_progress"); one
 * notification follows the import until it ends.
 */
export const bhimaStockImportProgressService = {
    dependencies: ["bus_service", "notification"],
    start(env, { bus_service, notification }) {
        let close = null;
        bus_service.subscribe("bhima_stock_import_progress", ({ done, total, message, import: name }) => {
            if (close) {
                close();
                close = null;
            }
            if (done < total) {
                close = notification.add(message, {
                    title: _t("Import %s", name || ""),
                    type: "info",
                    sticky: true,
                });
            }
        });
        bus_service.start();
    },
};

registry.category("services").add("bhima_stock_import_progress", bhimaStockImportProgressService);
