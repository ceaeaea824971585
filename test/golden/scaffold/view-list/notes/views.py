from django.shortcuts import render
from django.views.generic import DetailView, ListView

from .models import Note


def index(request):
  return render(request, 'notes/index.html', {'notes': Note.objects.all()})


class NoteDetailView(DetailView):
  model = Note


class NoteListView(ListView):
  model = Note
  template_name = 'notes/note_list.html'
