from django.urls import path

from . import views

app_name = 'notes'

urlpatterns = [
  path('', views.index, name='index'),
  # one note
  path('<int:pk>/', views.NoteDetailView.as_view(), name='detail'),
  path('notes/', views.NoteListView.as_view(), name='note-list'),
]
