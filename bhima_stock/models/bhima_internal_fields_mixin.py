from odoo import api, models
from odoo.exceptions import UserError

# The private token internal code puts in the context to write fields that only
# the code sets. A Python object: no RPC client can send it (contexts are JSON).
INTERNAL = object()


class BhimaInternalFieldsMixin(models.AbstractModel):
    """Refuse, from clients, the fields that only the code sets (states, quantities
    snapshotted at a date, links to the movements created). Internal code writes
    them with ``record._bhima_internal()``. Context defaults for these fields are
    ignored."""

    _name = "bhima.internal.fields.mixin"
    _description = "Fields set by the code only"
    _bhima_internal_fields = ()

    def _bhima_internal(self):
        return self.with_context(bhima_internal_token=INTERNAL)

    def _bhima_is_internal(self):
        return self.env.context.get("bhima_internal_token") is INTERNAL

    def _bhima_check_internal_fields(self, fields_set):
        refused = set(fields_set) & set(self._bhima_internal_fields)
        if refused and not self._bhima_is_internal():
            names = sorted(
                self._fields[name].get_description(self.env)["string"] for name in refused
            )
            raise UserError(
                self.env._(
                    "%(fields)s of %(model)s are set by the application itself and cannot "
                    "be written.",
                    fields=", ".join(names),
                    model=self._description,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._bhima_is_internal():
            for vals in vals_list:
                self._bhima_check_internal_fields(vals)
            context = {
                key: value
                for key, value in self.env.context.items()
                if not (key.startswith("default_") and key[8:] in self._bhima_internal_fields)
            }
            records = self.with_env(self.env(context=context))
            return super(BhimaInternalFieldsMixin, records).create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._bhima_check_internal_fields(vals)
        return super().write(vals)
