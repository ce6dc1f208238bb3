"""Model fields for personal data encrypted at rest.

个人信息保护法 第五十一条 ("采取相应的加密、去标识化等安全技术措施"): ``EncryptedTextField`` keeps
ID numbers, phones and similar values encrypted in the database (``core.crypto``) while model code
sees plain ``str``. The ciphertext is randomised, so the database cannot compare it: the field refuses
every lookup except ``isnull`` (``field=None`` works too: Django turns it into ``isnull``), and cannot
be unique or indexed. To find equal values, store a ``crypto.blind_index`` of the normalised value in
a separate indexed column next to it.

Note: ``dumpdata``/serialisers see the plaintext (``value_to_string``), like every other model value;
treat such exports as personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression
from django.db.models.lookups import Exact, Lookup, Transform

from xinfang.core.crypto import decrypt, encrypt

__all__ = ["EncryptedTextField"]

# django-stubs makes these generic; at run time they are not subscriptable.
if TYPE_CHECKING:
    _TextField = models.TextField[str | None, str | None]
    _Exact = Exact[Any]
else:
    _TextField = models.TextField
    _Exact = Exact

_ALLOWED_LOOKUPS = frozenset({"isnull"})


def _refusal(field: EncryptedTextField, lookup_name: str) -> FieldError:
    return FieldError(
        f"EncryptedTextField {field._label()} does not support the {lookup_name!r} lookup: the database "
        "holds randomised ciphertext. Use __isnull, or filter on a blind-index column (crypto.blind_index)."
    )


class _NoneOnlyExact(_Exact):
    """``field=None`` only, which Django turns into ``field__isnull=True``; any other value is refused."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs is not None:
            raise _refusal(lhs.output_field, "exact")
        super().__init__(lhs, rhs)


class EncryptedTextField(_TextField):
    """A ``TextField`` stored as ``crypto.encrypt(value)``; Python side is the plaintext ``str``.

    ``None`` is stored as NULL and ``""`` as ``""`` (so ``blank``/``null`` work as usual); anything
    else as a Fernet token. Reading a value altered in the database, or made with a key that is no
    longer configured, raises ``crypto.DecryptionError``.
    """

    description = "Text encrypted at rest (personal data)"

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        for flag in ("primary_key", "unique", "db_index"):
            if getattr(self, flag, False):
                errors.append(
                    checks.Error(
                        f"EncryptedTextField cannot have {flag}=True: its ciphertext is randomised.",
                        hint="Index a crypto.blind_index() of the value in a separate column instead.",
                        obj=self,
                        id="core.E001",
                    )
                )
        return errors

    def to_python(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> str | None:
        plaintext = super().get_prep_value(value)
        if plaintext is None:
            return None
        return encrypt(plaintext)

    def from_db_value(
        self, value: str | None, expression: Expression | None, connection: BaseDatabaseWrapper | None
    ) -> str | None:
        if value is None:
            return None
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        """Only ``isnull`` (and ``exact`` with ``None``, i.e. isnull); anything else raises FieldError."""
        if lookup_name == "exact":
            return _NoneOnlyExact
        if lookup_name not in _ALLOWED_LOOKUPS:
            raise _refusal(self, lookup_name)
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        raise FieldError(
            f"EncryptedTextField {self._label()} does not support the {lookup_name!r} transform: the "
            "database holds randomised ciphertext."
        )

    def _label(self) -> str:
        model = getattr(self, "model", None)
        if model is not None and self.name:
            return f"{model._meta.label}.{self.name}"
        return repr(self.name or "(unbound)")
