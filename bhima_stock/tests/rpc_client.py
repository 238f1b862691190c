"""Real XML-RPC and JSON-2 clients for HttpCase tests.

Both answer ``(True, result)`` or ``(False, error message)`` so that a test can
run the same scenario over each transport."""

from datetime import datetime, timedelta
from xmlrpc.client import Fault

from odoo.tools import mute_logger

# the deprecation notice of /xmlrpc and the refused calls are logged as warnings
RPC_LOGGERS = ("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")


class RpcClientMixin:
    """For an HttpCase: ``self._rpc(transport, user, model, method, *args, **kwargs)``."""

    TRANSPORTS = ("xmlrpc", "json2")

    def _password(self, user):
        login = user.login
        return login + "x" * (8 - len(login))

    def _api_key(self, user):
        keys = self.__dict__.setdefault("_bhima_api_keys", {})
        if user.id not in keys:
            keys[user.id] = (
                self.env["res.users.apikeys"]
                .with_user(user)
                ._generate("rpc", "bhima tests", datetime.now() + timedelta(days=1))
            )
        return keys[user.id]

    def _rpc(self, transport, user, model, method, *args, **kwargs):
        if transport == "xmlrpc":
            return self._xmlrpc(user, model, method, *args, **kwargs)
        return self._json2(user, model, method, *args, **kwargs)

    def _xmlrpc(self, user, model, method, *args, **kwargs):
        db = self.env.cr.dbname
        password = self._password(user)
        with mute_logger(*RPC_LOGGERS):
            uid = self.xmlrpc_common.authenticate(db, user.login, password, {})
            try:
                result = self.xmlrpc_object.execute_kw(
                    db, uid, password, model, method, list(args), kwargs
                )
            except Fault as fault:
                return False, fault.faultString
        return True, result

    def _json2(self, user, model, method, *args, **kwargs):
        """JSON-2 takes keyword arguments only: ``ids`` for record methods,
        ``vals_list``, ``domain``, ``fields``... for the others."""
        assert not args, "JSON-2 calls take keyword arguments"
        with mute_logger(*RPC_LOGGERS):
            response = self.url_open(
                f"/json/2/{model}/{method}",
                json=kwargs,
                headers={
                    "Authorization": f"bearer {self._api_key(user)}",
                    "X-Odoo-Database": self.env.cr.dbname,
                },
            )
        body = response.json()
        if response.status_code != 200:
            return False, body.get("message", response.text)
        return True, body

    # The same ORM calls over both transports
    def _search_read(self, transport, user, model, domain, fields):
        if transport == "xmlrpc":
            return self._xmlrpc(user, model, "search_read", domain, fields=fields)
        return self._json2(user, model, "search_read", domain=domain, fields=fields)

    def _read(self, transport, user, model, ids, fields):
        if transport == "xmlrpc":
            return self._xmlrpc(user, model, "read", ids, fields=fields)
        return self._json2(user, model, "read", ids=ids, fields=fields)

    def _create(self, transport, user, model, vals, context=None):
        if transport == "xmlrpc":
            kwargs = {"context": context} if context else {}
            return self._xmlrpc(user, model, "create", vals, **kwargs)
        kwargs = {"context": context} if context else {}
        ok, result = self._json2(user, model, "create", vals_list=[vals], **kwargs)
        return ok, (result[0] if ok else result)

    def _write(self, transport, user, model, ids, vals):
        if transport == "xmlrpc":
            return self._xmlrpc(user, model, "write", ids, vals)
        return self._json2(user, model, "write", ids=ids, vals=vals)

    def _call_method(self, transport, user, model, method, ids=None, **kwargs):
        """A public model method: ``ids`` for record methods."""
        if transport == "xmlrpc":
            args = [ids] if ids is not None else []
            return self._xmlrpc(user, model, method, *args, **kwargs)
        if ids is not None:
            kwargs["ids"] = ids
        return self._json2(user, model, method, **kwargs)
