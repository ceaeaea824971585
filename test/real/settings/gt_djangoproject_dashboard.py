# Ground-truth helper: djangoproject.com dev settings, with the `dashboard` host's URLconf as root
# (django-hosts maps dashboard.djangoproject.com -> dashboard.urls; see djangoproject/hosts.py).
from djangoproject.settings.dev import *  # noqa

ROOT_URLCONF = "dashboard.urls"
