from django.contrib import admin
from django.http import HttpRequest

from xinfang.bulkimport.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    """Read-only: a batch is written by `xinfang import petitions` and never edited."""

    list_display = (
        "created_at",
        "file_name",
        "org",
        "user",
        "rows",
        "imported",
        "rejected",
        "closed",
        "seconds",
    )
    list_filter = ("org",)
    search_fields = ("file_name", "sha256")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False
