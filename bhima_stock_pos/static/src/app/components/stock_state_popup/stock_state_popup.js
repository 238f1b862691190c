import { Component, onWillStart, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { usePos } from "@point_of_sale/app/hooks/pos_hook";
import { formatDateTime, deserializeDateTime } from "@web/core/l10n/dates";

/** The state of stock since the last count, with an "alerts only" filter. */
export class BhimaStockStatePopup extends Component {
    static template = "bhima_stock_pos.StockStatePopup";
    static components = { Dialog };
    static props = ["close"];

    setup() {
        this.pos = usePos();
        this.state = useState({ rows: [], alertsOnly: false, offline: false, loaded: false });
        onWillStart(() => this.load());
    }

    async load() {
        try {
            this.state.rows = await this.pos.data.call(
                "pos.config",
                "bhima_pos_stock_since_count",
                [[this.pos.config.id]]
            );
            this.state.offline = false;
        } catch {
            this.state.rows = Object.values(this.pos.bhimaStock);
            this.state.offline = true;
        }
        this.state.loaded = true;
    }

    get rows() {
        const rows = this.state.rows.filter((row) => !this.state.alertsOnly || row.alert);
        return rows.sort((a, b) => (a.name || "").localeCompare(b.name || ""));
    }

    formatDate(value) {
        return value ? formatDateTime(deserializeDateTime(value)) : "";
    }
}
