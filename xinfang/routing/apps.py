from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.routing"
    label = "routing"
    verbose_name = "智能分办"
