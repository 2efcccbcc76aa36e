from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jisr.accounts"
    label = "accounts"
