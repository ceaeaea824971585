from django.contrib import admin

from .models import Note, Tag

admin.site.register(Note)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
  list_display = ['label', 'note', 'owner']
