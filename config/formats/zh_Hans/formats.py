"""Django's zh_Hans formats, with money grouped in threes as Chinese accounting practice writes it."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
