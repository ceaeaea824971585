from django.conf import settings
from django.db import models


class Note(models.Model):
  title = models.CharField(max_length=100)  # shown in lists
  body = models.TextField(blank=True)

  def __str__(self):
    return self.title


class Tag(models.Model):
  label = models.CharField(max_length=200)
  note = models.ForeignKey('notes.Note', on_delete=models.CASCADE)
  owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

  def __str__(self):
    return self.label
