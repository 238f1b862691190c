import { patch } from "@web/core/utils/patch";
import { ProductCard } from "@point_of_sale/app/components/product_card/product_card";
import { usePos } from "@point_of_sale/app/hooks/pos_hook";

patch(ProductCard.prototype, {
    setup() {
        super.setup(...arguments);
        this.pos = usePos();
    },
    /** Products at or below their alert threshold at the stock point are marked. */
    get bhimaStockAlert() {
        const product = this.props.product;
        if (!product || !product.product_variant_ids) {
            return false;
        }
        return this.pos.bhimaIsAlert(product);
    },
});
