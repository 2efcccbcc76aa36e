from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "jisr.crypto"
    label = "crypto"
