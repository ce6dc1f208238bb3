from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.orgs"
    label = "orgs"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xinfang.core import refcache
        from xinfang.orgs.models import Org
        from xinfang.orgs.scope import clear_region_cache

        def _clear(**kwargs: object) -> None:
            clear_region_cache()

        post_save.connect(_clear, sender=Org, weak=False, dispatch_uid="orgs_clear_region_cache")
        post_delete.connect(_clear, sender=Org, weak=False, dispatch_uid="orgs_clear_region_cache_del")
        refcache.watch(Org)
