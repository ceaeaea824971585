from django.shortcuts import render
from django.views.generic import DetailView

from .models import Note


def index(request):
  return render(request, 'notes/index.html', {'notes': Note.objects.all()})


class NoteDetailView(DetailView):
  model = Note


def recent(request):
  return render(request, 'notes/recent.html', {})
