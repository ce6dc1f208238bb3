from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.core"
    label = "core"
