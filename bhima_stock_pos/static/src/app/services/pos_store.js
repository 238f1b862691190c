import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/services/pos_store";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { ask } from "@point_of_sale/app/utils/make_awaitable_dialog";
import { _t } from "@web/core/l10n/translation";

/**
 * Stock points (bhima_stock_pos): the till keeps the stock of its stock point,
 * read from the server when it starts, after each synchronisation, before each
 * payment and every two minutes; products at or below their alert threshold are
 * marked, and selling beyond the stock follows the point's policy (allow, warn,
 * block).
 */
patch(PosStore.prototype, {
    async setup() {
        this.bhimaStock = {};
        this.bhimaStockLoaded = false;
        await super.setup(...arguments);
    },

    get bhimaHasStockPoint() {
        return Boolean(this.config?.bhima_stock_point_name);
    },

    async afterProcessServerData() {
        const result = await super.afterProcessServerData(...arguments);
        if (this.bhimaHasStockPoint) {
            await this.bhimaRefreshStock();
            this.bhimaStockTimer = setInterval(() => this.bhimaRefreshStock(), 120000);
        }
        return result;
    },

    async bhimaRefreshStock() {
        if (!this.bhimaHasStockPoint || this.data.network.offline) {
            return false;
        }
        try {
            const rows = await this.data.call("pos.config", "bhima_pos_stock_state", [
                [this.config.id],
            ]);
            const stock = {};
            for (const row of rows) {
                stock[row.product_id] = row;
            }
            this.bhimaStock = stock;
            this.bhimaStockLoaded = true;
            return true;
        } catch {
            return false;
        }
    },

    async syncAllOrders(options = {}) {
        const result = await super.syncAllOrders(...arguments);
        if (this.bhimaHasStockPoint && !this.data.network.offline) {
            await this.bhimaRefreshStock();
        }
        return result;
    },

    /** The stock of a product variant at the stock point. */
    bhimaStockOf(product) {
        if (!product) {
            return null;
        }
        const row = this.bhimaStock[product.id];
        if (row) {
            return row;
        }
        const template = product.product_tmpl_id;
        const tracked = Boolean(template?.is_storable);
        return {
            product_id: product.id,
            quantity: 0,
            display: `0 ${template?.uom_id?.name || ""}`,
            parts_per_unit: template?.bhima_parts_per_unit || 1,
            alert_threshold: template?.bhima_pos_alert_threshold || 0,
            alert: tracked,
            tracked,
        };
    },

    /** Whether a product (template) of the product screen is to be marked. */
    bhimaIsAlert(productTemplate) {
        if (!this.bhimaHasStockPoint || !this.bhimaStockLoaded || !productTemplate) {
            return false;
        }
        const variants = productTemplate.product_variant_ids || [];
        return variants.some((product) => this.bhimaStockOf(product)?.alert);
    },

    /** [{product, wanted, row}] of the order's products beyond the stock. */
    bhimaShortages(order, extra = null) {
        const wanted = new Map();
        for (const line of order?.getOrderlines?.() || []) {
            const product = line.getProduct();
            wanted.set(product, (wanted.get(product) || 0) + line.getQuantity());
        }
        if (extra) {
            wanted.set(extra.product, (wanted.get(extra.product) || 0) + extra.qty);
        }
        const shortages = [];
        for (const [product, quantity] of wanted) {
            const row = this.bhimaStockOf(product);
            if (row?.tracked && quantity > 0 && quantity > row.quantity + 1e-9) {
                shortages.push({ product, wanted: quantity, row });
            }
        }
        return shortages;
    },

    bhimaShortageMessage(shortages) {
        const lines = shortages.map((shortage) =>
            _t("%(product)s: %(wanted)s asked, %(stock)s in stock", {
                product: shortage.product.display_name,
                wanted: shortage.wanted,
                stock: shortage.row.display,
            })
        );
        return _t("Not enough stock at %(point)s:\n%(lines)s", {
            point: this.config.bhima_stock_point_name,
            lines: lines.join("\n"),
        });
    },

    /** true when the sale may go on, after the cashier's answer for "warn". */
    async bhimaCheckStock(order, extra = null) {
        const policy = this.config.bhima_pos_oversell;
        if (!this.bhimaHasStockPoint || !this.bhimaStockLoaded || policy === "allow") {
            return true;
        }
        const shortages = this.bhimaShortages(order, extra);
        if (!shortages.length) {
            return true;
        }
        const body = this.bhimaShortageMessage(shortages);
        if (policy === "block") {
            this.dialog.add(AlertDialog, { title: _t("Out of stock"), body });
            return false;
        }
        return await ask(this.dialog, {
            title: _t("Beyond the stock"),
            body: _t("%(message)s\nSell anyway?", { message: body }),
            confirmLabel: _t("Sell anyway"),
            cancelLabel: _t("Cancel"),
        });
    },

    async addLineToOrder(vals, order, opts = {}, configure = true) {
        if (this.bhimaHasStockPoint && !opts.force) {
            let template = vals.product_tmpl_id;
            if (typeof template === "number") {
                template = this.data.models["product.template"].get(template);
            }
            const product =
                vals.product_id ||
                (template?.product_variant_ids?.length === 1 && template.product_variant_ids[0]);
            const qty = vals.qty ?? (order.preset_id?.is_return ? -1 : 1);
            if (product && qty > 0) {
                const goOn = await this.bhimaCheckStock(order, { product, qty });
                if (!goOn) {
                    return;
                }
            }
        }
        return await super.addLineToOrder(vals, order, opts, configure);
    },

    async pay() {
        const order = this.getOrder();
        if (this.bhimaHasStockPoint && order) {
            await this.bhimaRefreshStock();
            const shortages = this.bhimaShortages(order);
            const policy = this.config.bhima_pos_oversell;
            if (shortages.length && policy === "block") {
                this.dialog.add(AlertDialog, {
                    title: _t("Out of stock"),
                    body: this.bhimaShortageMessage(shortages),
                });
                return;
            }
        }
        return await super.pay(...arguments);
    },

    async bhimaSetAlertThreshold(product, threshold) {
        await this.data.call("pos.config", "bhima_pos_set_alert_threshold", [
            [this.config.id],
            product.id,
            threshold,
        ]);
        await this.bhimaRefreshStock();
    },
});
