# bhima_stock developer commands; see README.md.
.PHONY: run test lint bench i18n clean

run:    ## database with demo data, Odoo on http://127.0.0.1:8069
	bash scripts/run.sh

test:   ## lint, install checks, every Odoo test; ends with "N passed, M failed"
	bash scripts/test.sh

lint:   ## pinned ruff + pylint-odoo + po checks
	bash scripts/lint.sh

bench:  ## performance ratios against Odoo's native operations
	bash scripts/bench.sh

i18n:   ## regenerate i18n/bhima_stock.pot and merge it into fr.po
	bash scripts/i18n.sh

clean:
	rm -rf .cache
