"""STUB for the ground-truth run only (pykismet3 is not packaged in Debian).
Used by contact/forms.py for spam checks; has no effect on URL routing."""


class AkismetServerError(Exception):
    pass


class Akismet:
    def __init__(self, *args, **kwargs):
        pass

    def check(self, *args, **kwargs):
        return False
