import { patch } from "@web/core/utils/patch";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { BhimaStockStatePopup } from "../stock_state_popup/stock_state_popup";

patch(ControlButtons.prototype, {
    clickBhimaStockState() {
        this.dialog.add(BhimaStockStatePopup, {});
    },
});
