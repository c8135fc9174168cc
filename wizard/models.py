"""Saved plans: a rotatable public share id, the hash of the owner's edit key, and revisions.

A revision holds codec JSON (`wizard.core.codec.to_dict`), never rendered YAML: pages re-render
it, so a saved plan picks up every improvement of the engine. Revisions are append-only.
"""

from __future__ import annotations

from django.db import models


class SavedPlan(models.Model):
    # 128 random bits in UUID form; rotating the share link replaces it. Never the primary key.
    share_id = models.UUIDField(unique=True)
    # sha256 hex of the 256-bit edit key; the key itself is shown once and never stored.
    edit_key_hash = models.CharField(max_length=64, unique=True)
    latest_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"saved plan (revision {self.latest_number})"


class Revision(models.Model):
    saved_plan = models.ForeignKey(SavedPlan, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["saved_plan", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"revision {self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("revisions are immutable; save a new one instead")
        super().save(*args, **kwargs)
