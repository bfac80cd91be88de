"""The WSGI application, as gunicorn (and `manage.py loadrun`) serve it."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bakeplanner.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, the settings) lives as long as the process: moved
# out of the garbage collector's sight, a full collection no longer walks it during a request
# (about 5% of a report page's time; docs/performance.md, "What keeps a page fast").
gc.collect()
gc.freeze()
