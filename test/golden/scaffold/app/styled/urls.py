"""URLs, with the media files served in development added to the list."""
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path, include  # not sorted on purpose

urlpatterns = [
  path('admin/', admin.site.urls),
  path('notes/', include('notes.urls')),  # no trailing comma
  path('journal/', include('journal.urls')),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
