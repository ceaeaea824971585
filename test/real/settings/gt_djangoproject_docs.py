# Ground-truth helper: djangoproject.com dev settings, with the `docs` host's URLconf as root
# (django-hosts maps docs.djangoproject.com -> djangoproject.urls.docs; see djangoproject/hosts.py).
from djangoproject.settings.dev import *  # noqa

ROOT_URLCONF = "djangoproject.urls.docs"
