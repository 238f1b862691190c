# bhima_stock developer commands; see README.md.
.PHONY: run test odoo lint format bench i18n clean

run:    ## Odoo 19 if missing, a demo database, Odoo on http://127.0.0.1:8069
	bash scripts/run.sh

test:   ## lint, Odoo 19 if missing, install checks, every Odoo test; ends with "N passed, M failed"
	bash scripts/test.sh

odoo:   ## only install Odoo 19.0 Community if python3 cannot import it (ODOO_SRC, BHIMA_ODOO_HOME)
	bash scripts/install_odoo.sh

lint:   ## pinned ruff + pylint-odoo + po checks
	bash scripts/lint.sh

format: ## ruff --fix and ruff format with the pinned ruff
	bash scripts/lint.sh >/dev/null 2>&1 || true
	.cache/lint-venv/bin/ruff check --fix -q $$(ls -d */__manifest__.py | xargs -n1 dirname) bench scripts || true
	.cache/lint-venv/bin/ruff format -q $$(ls -d */__manifest__.py | xargs -n1 dirname) bench scripts

bench:  ## performance ratios against Odoo's native operations
	bash scripts/bench.sh

i18n:   ## regenerate i18n/bhima_stock.pot and merge it into fr.po
	bash scripts/i18n.sh

clean:
	rm -rf .cache
