import { registry } from "@web/core/registry";
import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/pos/tours/utils/ticket_screen_util";
import { waitForLoading } from "@point_of_sale/../tests/pos/tours/utils/common";

const WATER = "Test Water 50 cl";
const WINE = "Test Red Wine (glass)";
const JUICE = "Test Orange Juice";

function openRegister() {
    return [waitForLoading(), Chrome.startPoS(), Dialog.confirm("Open Register")].flat();
}

function sell(product, times = 1) {
    const steps = [];
    for (let i = 0; i < times; i++) {
        steps.push(...ProductScreen.clickDisplayedProduct(product));
    }
    return [
        ...steps,
        ...ProductScreen.clickPayButton(),
        ...PaymentScreen.clickPaymentMethod("Cash"),
        ...PaymentScreen.clickValidate(),
        ...ReceiptScreen.isShown(),
        ...ReceiptScreen.clickNextOrder(),
    ];
}

function stockShown(product, display) {
    return [
        ...ProductScreen.longPressProduct(product),
        {
            content: `the stock of ${product} at the stock point is ${display}`,
            trigger: `.modal .o_bhima_stock_point_info .o_bhima_stock_quantity:contains("${display}")`,
        },
    ];
}

function closeDialog() {
    return {
        content: "close the dialog",
        trigger: ".modal .modal-footer .btn-primary:contains(Close)",
        run: "click",
    };
}

registry.category("web_tour.tours").add("bhima_stock_pos_sale", {
    steps: () => [...openRegister(), ...sell(WATER, 2), Chrome.isSyncStatusConnected()].flat(),
});

registry.category("web_tour.tours").add("bhima_stock_pos_refund", {
    steps: () =>
        [
            ...openRegister(),
            ...sell(WATER, 3),
            ...ProductScreen.clickRefund(),
            ...TicketScreen.selectOrder("001"),
            ...ProductScreen.clickNumpad("1"),
            ...TicketScreen.toRefundTextContains("To Refund: 1"),
            ...TicketScreen.confirmRefund(),
            ...PaymentScreen.isShown(),
            ...PaymentScreen.clickPaymentMethod("Cash"),
            ...PaymentScreen.clickValidate(),
            ...ReceiptScreen.isShown(),
            ...ReceiptScreen.clickNextOrder(),
            Chrome.isSyncStatusConnected(),
        ].flat(),
});

registry.category("web_tour.tours").add("bhima_stock_pos_quantity_shown", {
    steps: () =>
        [
            ...openRegister(),
            ...stockShown(WATER, "10 Units"),
            closeDialog(),
            ...sell(WATER, 2),
            ...stockShown(WATER, "8 Units"),
            {
                content: "set the alert threshold of the article at this stock point",
                trigger: ".modal .o_bhima_alert_threshold",
                run: "edit 8",
            },
            {
                trigger: ".modal .o_bhima_save_threshold",
                run: "click",
            },
            {
                trigger: ".modal .o_bhima_threshold_saved",
            },
            {
                trigger: ".modal .o_bhima_stock_alert_badge",
            },
            closeDialog(),
            {
                content: "the product is now marked",
                trigger: `article.product:has(.product-name:contains("${WATER}")) .o_bhima_stock_alert`,
            },
        ].flat(),
});

registry.category("web_tour.tours").add("bhima_stock_pos_alerts", {
    steps: () =>
        [
            ...openRegister(),
            {
                content: "the juice, at its alert threshold, is marked",
                trigger: `article.product:has(.product-name:contains("${JUICE}")) .o_bhima_stock_alert`,
            },
            {
                content: "the water, well stocked, is not",
                trigger: `article.product:has(.product-name:contains("${WATER}")):not(:has(.o_bhima_stock_alert))`,
            },
            {
                content: "open the state of stock since the last count",
                trigger: ".control-buttons .o_bhima_stock_state_button",
                run: "click",
            },
            {
                trigger: `.modal .o_bhima_stock_state_table tr:contains("${WATER}")`,
            },
            {
                trigger: `.modal .o_bhima_stock_state_table tr.o_bhima_row_alert:contains("${JUICE}")`,
            },
            {
                content: "alerts only",
                trigger: ".modal .o_bhima_alerts_only input",
                run: "click",
            },
            {
                trigger: `.modal .o_bhima_stock_state_table:not(:has(tr:contains("${WATER}")))`,
            },
            {
                trigger: `.modal .o_bhima_stock_state_table tr:contains("${JUICE}")`,
            },
            closeDialog(),
        ].flat(),
});

registry.category("web_tour.tours").add("bhima_stock_pos_portion", {
    steps: () =>
        [
            ...openRegister(),
            ...stockShown(WINE, "4 Test Bottle of 5"),
            closeDialog(),
            ...sell(WINE, 1),
            ...stockShown(WINE, "3 Test Bottle of 5 + 4 Test Glass"),
            closeDialog(),
        ].flat(),
});

registry.category("web_tour.tours").add("bhima_stock_pos_block", {
    steps: () =>
        [
            ...openRegister(),
            ...ProductScreen.clickDisplayedProduct(WATER),
            ...ProductScreen.clickDisplayedProduct(WATER),
            {
                content: "the second bottle is beyond the stock: the sale is blocked",
                trigger: `.modal:contains("Out of stock"):contains("${WATER}")`,
            },
            Dialog.confirm(),
            ...ProductScreen.selectedOrderlineHas(WATER, "1"),
        ].flat(),
});

registry.category("web_tour.tours").add("bhima_stock_pos_warn", {
    steps: () =>
        [
            ...openRegister(),
            ...ProductScreen.clickDisplayedProduct(WATER),
            ...ProductScreen.clickDisplayedProduct(WATER),
            {
                content: "the second bottle is beyond the stock: the cashier is warned",
                trigger: `.modal:contains("Beyond the stock"):contains("${WATER}")`,
            },
            Dialog.confirm("Sell anyway"),
            ...ProductScreen.selectedOrderlineHas(WATER, "2"),
            ...ProductScreen.clickPayButton(),
            ...PaymentScreen.clickPaymentMethod("Cash"),
            ...PaymentScreen.clickValidate(),
            ...ReceiptScreen.isShown(),
        ].flat(),
});
