from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.ledgers"
    label = "ledgers"
    verbose_name = "专项台账"
