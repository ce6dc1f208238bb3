from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.supervision"
    label = "supervision"
    verbose_name = "督查督办"
