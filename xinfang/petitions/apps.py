from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"

    def ready(self) -> None:
        from xinfang.core import refcache
        from xinfang.petitions.models import Category

        refcache.watch(Category)
