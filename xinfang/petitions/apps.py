from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"
