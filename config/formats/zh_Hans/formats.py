"""Django's zh_Hans formats, but money grouped in threes as Chinese accounts write it."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
