from odoo.tests import HttpCase, tagged

from .common import BhimaDepotCommon, BhimaMovementCommon, BhimaStockCommon


@tagged("post_install", "-at_install")
class TestTours(BhimaStockCommon, HttpCase):
    def test_add_an_inventory_from_the_register(self):
        self.stock_manager.write({"login": "tour_manager", "password": "tour_manager"})
        self.start_tour(
            "/odoo/action-bhima_stock.product_template_action_bhima_register",
            "bhima_stock_add_inventory",
            login="tour_manager",
        )
        article = self.env["product.template"].search([("default_code", "=", "TOUR-001")])
        self.assertEqual(article.name, "Tour Quinine 300 mg")
        self.assertEqual(article.categ_id, self.group_medicines)
        self.assertEqual(article.uom_id, self.unit_vial)
        self.assertEqual(article.bhima_type_id, self.type_article)
        self.assertTrue(article.is_storable)


@tagged("post_install", "-at_install")
class TestDepotTours(BhimaDepotCommon, HttpCase):
    def test_restricted_user_sees_only_their_depots(self):
        self.company.bhima_strict_depot_permission = True
        self.start_tour(
            "/odoo/action-bhima_stock.stock_warehouse_action_bhima",
            "bhima_stock_restricted_depot_list",
            login="nurse",
        )


@tagged("post_install", "-at_install")
class TestMovementTours(BhimaMovementCommon, HttpCase):
    def test_exit_to_patient_from_the_menu(self):
        lot = self._purchase(self.depot_a, "TOUR-LOT", 10, 7).line_ids.lot_id
        self.start_tour(
            "/odoo/action-bhima_stock.bhima_stock_movement_action_exit_patient",
            "bhima_stock_exit_to_patient",
            login="pharmacist",
        )
        movement = self.env["bhima.stock.movement"].search(
            [("flux_id.code", "=", 9)], order="id desc", limit=1
        )
        self.assertEqual(movement.state, "done")
        self.assertEqual(movement.user_id, self.pharmacist)
        self.assertEqual(self._stock(self.depot_a, lot=lot), 7)


@tagged("post_install", "-at_install")
class TestCountTours(BhimaMovementCommon, HttpCase):
    def test_count_screen_with_scans_and_the_keyboard(self):
        lot_a = self._purchase(self.depot_a, "TOUR-A", 5, 2.0).line_ids.lot_id
        lot_b = self._purchase(self.depot_a, "TOUR-B", 3, 2.0).line_ids.lot_id
        count = self.env["bhima.stock.count"].create({"depot_id": self.depot_a.id})
        self.start_tour(f"/odoo/bhima-counts/{count.id}", "bhima_stock_count", login="pharmacist")
        self.assertEqual(count.state, "done")
        self.assertEqual(self._stock(self.depot_a, lot=lot_a), 2)
        self.assertEqual(self._stock(self.depot_a, lot=lot_b), 4)
        self.assertEqual(len(count.movement_ids), 2)


@tagged("post_install", "-at_install")
class TestRegisterTours(BhimaMovementCommon, HttpCase):
    def test_register_and_stock_sheet(self):
        self._purchase(self.depot_a, "TOUR-REG", 10, 7)
        self._movement(9, self.depot_a, [{"quantity": 3}], partner_id=self.patient.id)
        self.start_tour(
            "/odoo/action-bhima_stock.bhima_stock_inventory_register_action",
            "bhima_stock_registers",
            login="pharmacist",
        )
