# Hungarian dates as the newsroom writes them (Django's own Hungarian formats, times included:
# `2025. június 9. 14:30`); what is not set here comes from Django's.
DATE_FORMAT = "Y. F j."
YEAR_MONTH_FORMAT = "Y. F"
DATETIME_FORMAT = "Y. F j. H:i"
SHORT_DATE_FORMAT = "Y. F j."
SHORT_DATETIME_FORMAT = "Y. F j. H:i"
TIME_FORMAT = "H:i"
