"""The base model every Jisr record stands on."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID primary key generated in Python (so encryption can bind a ciphertext to its row before the
    INSERT, and URLs never expose sequential ids), plus creation and update timestamps (UTC)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
