import { patch } from "@web/core/utils/patch";
import { useState } from "@odoo/owl";
import { ProductInfoPopup } from "@point_of_sale/app/components/popups/product_info_popup/product_info_popup";

patch(ProductInfoPopup.prototype, {
    setup() {
        super.setup(...arguments);
        const stock = this.props.info?.productInfo?.bhima_stock_point;
        this.bhimaState = useState({
            stock,
            threshold: stock ? String(stock.alert_threshold) : "",
            saved: false,
            error: "",
        });
    },
    get bhimaCanSetThreshold() {
        return this.pos.cashier?._role !== "minimal" && !this.pos.data.network.offline;
    },
    async bhimaSaveThreshold() {
        const stock = this.bhimaState.stock;
        const threshold = parseFloat(this.bhimaState.threshold);
        if (isNaN(threshold) || threshold < 0) {
            this.bhimaState.error = "invalid";
            return;
        }
        const product = this.pos.models["product.product"].get(stock.product_id);
        await this.pos.bhimaSetAlertThreshold(product, threshold);
        const row = this.pos.bhimaStockOf(product);
        this.bhimaState.stock = { ...stock, ...row };
        this.bhimaState.saved = true;
        this.bhimaState.error = "";
    },
});
