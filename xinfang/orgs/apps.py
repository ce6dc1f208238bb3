from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.orgs"
    label = "orgs"
