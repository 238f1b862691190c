from odoo import api, models
from odoo.exceptions import UserError

# The context value that marks bhima_stock's own code. It is a Python object:
# no client (web, XML-RPC, JSON-2) can send it, whatever context it passes.
INTERNAL = object()


class BhimaProtectedMixin(models.AbstractModel):
    """Fields only the application sets, and records that become immutable.

    ``_bhima_protected_fields`` are refused when a client gives them (create or
    write); bhima_stock's code sets them through ``_bhima_internal()``.
    Records whose ``state`` is in ``_bhima_frozen_states`` accept no change from
    clients except ``_bhima_mutable_fields`` (a comment, the chatter)."""

    _name = "bhima.protected.mixin"
    _description = "Fields set by the application only"
    _bhima_protected_fields = ()
    _bhima_frozen_states = ()
    _bhima_mutable_fields = ()

    def _bhima_internal(self):
        """``self`` in an environment where bhima_stock's code writes protected fields."""
        return self.with_context(bhima_internal=INTERNAL)

    def _bhima_set_number(self, prefix, sequence_code):
        """Give each record of ``self`` its reference ``<prefix>.<next number of
        the sequence>`` (a protected ``name``)."""
        sequence = self.env["ir.sequence"].sudo()
        for record in self:
            record._bhima_internal().name = f"{prefix}.{sequence.next_by_code(sequence_code)}"

    def _bhima_is_internal(self):
        return self.env.context.get("bhima_internal") is INTERNAL

    def _bhima_check_protected(self, vals_list):
        if self._bhima_is_internal():
            return
        for vals in vals_list:
            given = [
                name
                for name in self._bhima_protected_fields
                if name in vals
                and (
                    vals[name]
                    or self._fields[name].type in ("float", "integer", "monetary", "boolean")
                )
            ]
            if given:
                raise UserError(
                    self.env._(
                        "The field %(field)s of %(model)s is set by the application: it cannot be given.",
                        field=self._fields[given[0]].get_description(self.env)["string"],
                        model=self._description,
                    )
                )

    def _bhima_frozen_records(self):
        """The records of ``self`` that clients may no longer change."""
        return self.filtered(lambda record: record.state in self._bhima_frozen_states)

    @api.model_create_multi
    def create(self, vals_list):
        self._bhima_check_protected(vals_list)
        if not self._bhima_is_internal() and self._bhima_protected_fields:
            # a client cannot set them through context defaults either
            context = {
                key: value
                for key, value in self.env.context.items()
                if not (key.startswith("default_") and key[8:] in self._bhima_protected_fields)
            }
            self = self.with_env(self.env(context=context))
        return super().create(vals_list)

    def write(self, vals):
        self._bhima_check_protected([vals])
        if not self._bhima_is_internal() and self._bhima_frozen_states:
            changed = [
                name
                for name in vals
                if name not in self._bhima_mutable_fields
                and not name.startswith(("message_", "activity_"))
            ]
            frozen = self._bhima_frozen_records() if changed else self.browse()
            if frozen:
                raise UserError(
                    self.env._(
                        "%(record)s is validated: it cannot be changed (%(field)s).",
                        record=frozen[0].display_name,
                        field=self._fields[changed[0]].get_description(self.env)["string"]
                        if changed[0] in self._fields
                        else changed[0],
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _bhima_unlink_except_frozen(self):
        if not self._bhima_is_internal() and self._bhima_frozen_records():
            raise UserError(
                self.env._(
                    "%(record)s is validated: it cannot be deleted.",
                    record=self._bhima_frozen_records()[0].display_name,
                )
            )
