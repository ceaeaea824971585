from django.core.management.base import BaseCommand


class Command(BaseCommand):
  help = 'TODO: what prune_notes does'

  def add_arguments(self, parser):
    parser.add_argument('--dry-run', action='store_true', help='show what would be done')

  def handle(self, *args, **options):
    self.stdout.write(self.style.SUCCESS('prune_notes: done'))
